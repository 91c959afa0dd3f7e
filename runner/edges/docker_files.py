"""What a job's steps wrote, carried from one container to another (`reuse: main`) on the
docker SDK. A mixin of `DockerEngine`, kept apart to keep each module small.
"""

from __future__ import annotations

import posixpath
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import docker.errors

from runner.core.reuse import snapshot_roots
from runner.edges.engine_io import guarded
from runner.errors import InfraError, writing

SPOOL = 64 << 20


class DockerFiles:
    api: Any  # the SDK's low-level client, set by DockerEngine

    @guarded
    def snapshot_changes(self, container: str, under: str, dest: Path) -> int:
        """Archive what changed below `under` since the image into `dest` (one tar, paths
        from /); returns how many top-level paths it holds."""
        try:
            listed = self.api.diff(container) or []
        except docker.errors.DockerException as exc:
            raise InfraError(f"could not list the container's changes: {exc}") from None
        roots = snapshot_roots(((c["Path"], int(c["Kind"])) for c in listed), under)
        with writing(dest), tarfile.open(dest, "w") as out:
            for path in roots:
                self._append(container, path, out)
        return len(roots)

    def _append(self, container: str, path: str, out: tarfile.TarFile) -> None:
        try:
            stream, _ = self.api.get_archive(container, path)
        except docker.errors.NotFound:
            return  # removed again after the listing: nothing to carry
        except docker.errors.DockerException as exc:
            raise InfraError(f"could not copy {path} out of the container: {exc}") from None
        # The engine's archive is rooted at the path's last part; re-root it at its parent.
        parent = posixpath.dirname(path).lstrip("/")
        with tempfile.SpooledTemporaryFile(max_size=SPOOL) as buffer:
            for chunk in stream:
                buffer.write(chunk)
            buffer.seek(0)
            with tarfile.open(fileobj=buffer) as source:
                for member in source:
                    member.name = posixpath.join(parent, member.name)
                    data = source.extractfile(member) if member.isfile() else None
                    out.addfile(member, data)

    @guarded
    def restore(self, container: str, archive: Path) -> None:
        """Unpack `archive` (from `snapshot_changes`) into `container`, owners kept."""
        try:
            with open(archive, "rb") as data:
                ok = self.api.put_archive(container, "/", data)
        except docker.errors.DockerException as exc:
            raise InfraError(f"could not copy the main outputs into the container: {exc}"
                             ) from None
        if not ok:
            raise InfraError("the engine refused the main outputs' archive")
