"""Datasets: downloads into a content-addressed cache, checked while streaming; manual data.

A URL's bytes are stored under `cache/data/sha256/<hex>/<file name>` and that folder is
mounted read-only. With a known checksum a cached copy is used without any download.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from runner.core.masking import mask_url
from runner.edges.git_mirror import tree_hash
from runner.edges.locks import data_lock
from runner.errors import InfraError, RunFailed, storage_error
from runner.spec.models import Data

CHUNK = 1 << 20
Progress = Callable[[int], None]


class DataMissing(RunFailed):
    pass


def _file_name(url: str) -> str:
    name = Path(urllib.parse.urlparse(url).path).name
    return name or "data"


class DataStore:
    def __init__(self, cache_dir: Path, manual_root: Path) -> None:
        self.root = cache_dir / "data" / "sha256"
        self.manual_root = manual_root

    def cached(self, sha256: str) -> Path | None:
        folder = self.root / sha256
        return folder if (self.root / f"{sha256}.done").exists() and folder.is_dir() else None

    def fetch(self, data: Data, expected: str | None, progress: Progress | None = None) -> Path:
        """The folder to mount for `data`, downloading it once if needed."""
        if data.manual:
            return self.manual(data)
        assert data.url is not None
        if expected and (hit := self.cached(expected)):
            return hit
        # One download per checksum (per URL while none is known): a second run of the same
        # paper waits, then finds the bytes cached.
        with data_lock(expected or data.url):
            if expected and (hit := self.cached(expected)):
                return hit
            return self._download(data.url, expected, progress)

    def manual(self, data: Data) -> Path:
        folder = self.manual_root / data.name
        if not folder.exists() or not any(folder.iterdir()):
            how = data.instructions or "see the paper's README for where to get it"
            raise DataMissing(
                f"manual dataset {data.name!r} is not at {folder}",
                hint=f"{how.strip()} Put the files in {folder} (REPRO_DATA moves the root).",
            )
        return folder

    def checksum(self, data: Data, folder: Path) -> str:
        """sha256 of a downloaded file, or a content hash of a manual folder."""
        if data.manual:
            return tree_hash(folder).removeprefix("tree:sha256:")
        return folder.name

    def _download(self, url: str, expected: str | None, progress: Progress | None) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".partial-", dir=self.root))
        # mkdtemp makes the folder 0700: the sandbox user (uid 1000) must read the mount.
        staging.chmod(0o755)
        target = staging / _file_name(url)
        digest = hashlib.sha256()
        try:
            with urllib.request.urlopen(url, timeout=60) as response, open(target, "wb") as out:
                while chunk := response.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                    if progress:
                        progress(len(chunk))
        except (urllib.error.URLError, OSError, ValueError) as exc:
            shutil.rmtree(staging, ignore_errors=True)
            full = storage_error(exc, target) if isinstance(exc, OSError) else None
            if full is not None:
                raise full from None
            raise InfraError(f"download of {mask_url(url)} failed: {exc}") from None
        actual = digest.hexdigest()
        target.chmod(0o644)
        if expected and actual != expected:
            shutil.rmtree(staging, ignore_errors=True)
            raise RunFailed(f"checksum mismatch for {mask_url(url)}: expected {expected}, "
                            f"got {actual}", hint="the file changed upstream, or the spec is wrong")
        return self._commit(staging, actual)

    def _commit(self, staging: Path, sha: str) -> Path:
        final = self.root / sha
        try:
            os.replace(staging, final)
        except OSError:
            # Another process finished the same bytes first: keep theirs.
            shutil.rmtree(staging, ignore_errors=True)
        (self.root / f"{sha}.done").touch()  # the "done" marker is written last
        return final
