"""`repro images export` / `import`: built images in one file, for a machine with no registry.

The file is a tar: `repro-images.json` first (each image's tag, id, content-hash labels,
and the sha256 of its `docker save` stream), then `images/N.tar`. The import checks every
sha256 before loading anything, then that each loaded image has the exported id (the
digest of its config, hence of its content) and labels: so the next run finds the image
under its content-hash tag and reuses it without a build.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from runner import __version__
from runner.core.cachekey import MANAGED_LABEL
from runner.edges.engine import ContainerEngine
from runner.errors import InfraError, UsageError
from runner.onboard.prepare import planned

MANIFEST = "repro-images.json"
CHUNK = 1 << 20
Say = Callable[[str], None]


class _Hashing(io.RawIOBase):
    """A write-through file that hashes what passes."""

    def __init__(self, inner: IO[bytes]) -> None:
        self.inner, self.digest, self.size = inner, hashlib.sha256(), 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.digest.update(chunk)
        self.size += len(chunk)
        self.inner.write(chunk)
        return len(chunk)


def export_images(specs: list[Path], repo: str | None, output: Path, engine: ContainerEngine,
                  log: Say) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for spec_path in specs:
        with planned(spec_path, repo, engine, log) as p:
            found = engine.image(p.plan.tag)
            if found is None:
                raise UsageError(f"{spec_path}: its image {p.plan.tag} is not built",
                                 hint=f"`repro fetch {spec_path}` builds it")
            entries.append({"spec": p.spec.name, "tag": p.plan.tag, "id": found.id,
                            "labels": {k: v for k, v in found.labels.items()
                                       if k.startswith("org.repro.")}})
    with tempfile.TemporaryDirectory(prefix="repro-export-") as tmp:
        for index, entry in enumerate(entries):
            entry["file"] = f"images/{index}.tar"
            with open(Path(tmp, f"{index}.tar"), "wb") as raw:
                hashing = _Hashing(raw)
                log(f"saving {entry['tag']}")
                engine.save_images([entry["tag"]], hashing)  # type: ignore[arg-type]
            entry["sha256"], entry["size"] = hashing.digest.hexdigest(), hashing.size
        _write_archive(output, entries, Path(tmp))
    return entries


def _write_archive(output: Path, entries: list[dict[str, Any]], folder: Path) -> None:
    manifest = json.dumps({"format": 1, "repro": __version__,
                           "created": datetime.now(UTC).isoformat(timespec="seconds"),
                           "images": entries}, indent=2).encode()
    partial = output.with_name(f".{output.name}.partial")
    with tarfile.open(partial, "w") as tar:
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(manifest)
        tar.addfile(info, io.BytesIO(manifest))
        for index, entry in enumerate(entries):
            tar.add(folder / f"{index}.tar", arcname=entry["file"])
    partial.replace(output)


def import_images(archive: Path, engine_factory: Callable[[], ContainerEngine],
                  log: Say) -> list[dict[str, Any]]:
    """Check the archive, then load it: a damaged or foreign file never reaches the engine."""
    if not archive.is_file():
        raise UsageError(f"{archive}: no such file")
    try:
        with tarfile.open(archive, "r:") as tar:
            entries = _verified(tar)
            engine = engine_factory()
            for entry in entries:
                log(f"loading {entry['tag']} ({entry['size'] / 2**20:.0f} MiB)")
                stream = tar.extractfile(entry["file"])
                assert stream is not None
                engine.load_images(stream)
                _check_loaded(engine, entry)
    except tarfile.TarError as exc:
        raise UsageError(f"{archive} is not an image archive of repro: {exc}") from None
    return entries


def _verified(tar: tarfile.TarFile) -> list[dict[str, Any]]:
    """The manifest's entries, each image stream's sha256 checked before any is loaded."""
    try:
        head = tar.extractfile(MANIFEST)
        manifest = json.loads(head.read()) if head is not None else None
    except (KeyError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != 1:
        raise UsageError(f"the archive has no {MANIFEST} of format 1",
                         hint="make it with `repro images export`")
    entries: list[dict[str, Any]] = manifest["images"]
    for entry in entries:
        try:
            stream = tar.extractfile(entry["file"])
        except KeyError:
            stream = None
        if stream is None:
            raise UsageError(f"the archive lacks {entry['file']} ({entry['tag']})")
        digest = hashlib.sha256()
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
        if digest.hexdigest() != entry["sha256"]:
            raise InfraError(f"{entry['file']} ({entry['tag']}) is damaged: sha256 "
                             f"{digest.hexdigest()}, the manifest says {entry['sha256']}",
                             hint="copy the archive again; nothing was loaded")
    return entries


def _check_loaded(engine: ContainerEngine, entry: dict[str, Any]) -> None:
    found = engine.image(entry["tag"])
    if found is None or found.id != entry["id"]:
        got = found.id if found else "nothing"
        raise InfraError(f"{entry['tag']}: loaded {got}, expected image {entry['id']}")
    missing = {k: v for k, v in entry["labels"].items() if found.labels.get(k) != v}
    if missing or found.labels.get(MANAGED_LABEL) != "true":
        raise InfraError(f"{entry['tag']}: the loaded image lacks its labels {missing}")
