"""Batch steps on the docker SDK: a step's output streamed line by line in bounded memory,
its timeout, and what the container can tell after a failure (OOM kill, pids limit, a
missing command). A mixin of `DockerEngine`, kept apart to keep each module small.
"""

from __future__ import annotations

import codecs
import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any

import docker.errors

from runner.core.stepfail import LimitState
from runner.edges.engine import ExecResult, LogSink
from runner.edges.engine_io import guarded, lost
from runner.errors import InfraError

# The memory cgroup's oom_kill and the pids cgroup's max counters, cgroup v1 or v2.
CGROUP_COUNTERS = ("cat /sys/fs/cgroup/memory/memory.oom_control /sys/fs/cgroup/memory.events "
                   "/sys/fs/cgroup/pids/pids.events /sys/fs/cgroup/pids.events 2>/dev/null")
MAX_LINE = 64 << 10  # longest piece of a step's output passed on as one line


class DockerSteps:
    api: Any  # the SDK's low-level client, set by DockerEngine

    @guarded
    def exec(
        self, container: str, command: list[str], env: dict[str, str], on_output: LogSink,
        timeout: float | None,
    ) -> ExecResult:
        started = time.monotonic()
        try:
            exec_id = self.api.exec_create(container, command, environment=env)["Id"]
            stream = self.api.exec_start(exec_id, stream=True)
        except docker.errors.DockerException as exc:
            raise InfraError(f"could not run a step in the container: {exc}") from None
        failures: list[BaseException] = []
        reader = threading.Thread(target=_pump, args=(stream, on_output, failures),
                                  daemon=True)
        reader.start()
        reader.join(timeout)
        timed_out = reader.is_alive()
        if timed_out or failures:
            # An exec has no kill of its own: stopping the container ends the step, and the
            # steps after it cannot run anyway. (A failure: the output could not be taken,
            # say a full disk, or the engine is gone.)
            self._kill(container)
            reader.join(10)
        if failures:
            raise failures[0]
        code = None if timed_out else self.api.exec_inspect(exec_id).get("ExitCode")
        return ExecResult(code, time.monotonic() - started, timed_out)

    @guarded
    def step_limits(self, container: str) -> LimitState:
        """The container's OOMKilled state and its cgroup counters (v1 or v2 paths)."""
        try:
            state = self.api.inspect_container(container).get("State") or {}
        except docker.errors.DockerException:
            return LimitState()
        _, text = self._read(container, CGROUP_COUNTERS)
        counters = dict(line.split()[:2] for line in text.splitlines() if len(line.split()) >= 2)
        return LimitState(bool(state.get("OOMKilled")), _int(counters.get("oom_kill")),
                          _int(counters.get("max")))

    @guarded
    def has_command(self, container: str, name: str) -> bool:
        code, _ = self._read(container, f"command -v {name} >/dev/null")
        return code == 0

    def _read(self, container: str, script: str) -> tuple[int | None, str]:
        """A short shell command's exit code and output; (None, "") if it cannot run."""
        try:
            exec_id = self.api.exec_create(container, ["/bin/sh", "-c", script])["Id"]
            output = self.api.exec_start(exec_id)
            code = self.api.exec_inspect(exec_id).get("ExitCode")
        except docker.errors.DockerException:
            return None, ""
        return code, output.decode("utf-8", "replace") if isinstance(output, bytes) else ""

    def _kill(self, container: str) -> None:
        with contextlib.suppress(docker.errors.DockerException):
            self.api.kill(container)


def _int(text: str | None) -> int | None:
    return int(text) if text is not None and text.isdigit() else None


def _pump(stream: Iterator[bytes], on_output: LogSink, failures: list[BaseException]) -> None:
    """Split the exec's output into lines for `on_output`; what goes wrong is kept in
    `failures` for the caller's thread (an exception would otherwise die with this one).

    Memory stays bounded whatever the step prints: a line without a newline (a progress
    bar redrawn with `\r` for hours) is passed on in pieces of MAX_LINE characters.
    """
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    pending = ""
    try:
        for chunk in stream:
            pending += decoder.decode(chunk)
            if "\n" in pending:
                *lines, pending = pending.split("\n")
                for line in lines:
                    on_output(line)
            while len(pending) > MAX_LINE:
                on_output(pending[:MAX_LINE])
                pending = pending[MAX_LINE:]
        pending += decoder.decode(b"", final=True)
        if pending:
            on_output(pending)
    except BaseException as exc:  # handed to the caller's thread
        failures.append(lost(exc) or exc)
