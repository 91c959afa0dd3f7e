"""Interactive execs on the docker SDK (`repro shell`): a raw socket to a TTY, resizes, and
the exit code. A mixin of `DockerEngine`, kept apart to keep each module small.
"""

from __future__ import annotations

import contextlib
import socket
import time
from typing import Any

import docker.errors

from runner.edges.engine import ExecStream
from runner.errors import InfraError


class DockerExec:
    api: Any  # the SDK's low-level client, set by DockerEngine

    def open_exec(self, container: str, command: list[str], env: dict[str, str],
                  tty: bool) -> ExecStream:
        try:
            exec_id = self.api.exec_create(container, command, stdin=True, tty=tty,
                                           environment=env)["Id"]
            stream = self.api.exec_start(exec_id, tty=tty, socket=True)
        except docker.errors.DockerException as exc:
            raise InfraError(f"could not open a shell in the container: {exc}") from None
        # The SDK wraps a unix socket in SocketIO; the terminal loop needs the socket itself.
        raw = getattr(stream, "_sock", stream)
        if not isinstance(raw, socket.socket):
            raise InfraError(f"the engine's exec stream is not a socket ({type(raw).__name__})")
        return ExecStream(str(exec_id), raw)

    def resize_exec(self, exec_id: str, rows: int, cols: int) -> None:
        # An exec that ended meanwhile has nothing to resize.
        with contextlib.suppress(docker.errors.APIError):
            self.api.exec_resize(exec_id, height=rows, width=cols)

    def exec_exit_code(self, exec_id: str) -> int | None:
        """The exec's exit code once it has ended (waits a little for the engine to see it)."""
        deadline = time.monotonic() + 10
        while True:
            try:
                state = self.api.exec_inspect(exec_id)
            except docker.errors.DockerException as exc:
                raise InfraError(f"could not read the shell's exit code: {exc}") from None
            if not state.get("Running") or time.monotonic() > deadline:
                code = state.get("ExitCode")
                return int(code) if code is not None else None
            time.sleep(0.05)
