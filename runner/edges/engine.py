"""The container engine behind a small interface, so the core never imports an SDK.

`docker_engine.DockerEngine` implements it with the docker SDK; tests of pure logic can
pass any object with these methods.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol, runtime_checkable

from runner.core.stepfail import LimitState

LogSink = Callable[[str], None]


@dataclass(frozen=True)
class EngineInfo:
    name: str
    version: str
    api_version: str
    os: str
    kernel: str
    runtimes: list[str]
    gpu_support: bool
    gpu_support_reason: str
    storage_driver: str = ""
    root_dir: str = ""  # the engine's data folder (images, containers), on the engine's host
    cgroup_version: str = ""


@dataclass(frozen=True)
class ImageInfo:
    id: str
    tags: list[str]
    labels: dict[str, str]
    repo_digests: list[str]
    created: str


@dataclass(frozen=True)
class Mount:
    source: Path
    target: str
    read_only: bool = True


@dataclass(frozen=True)
class ContainerRequest:
    """A sandboxed container: non-root, no capabilities, limits, no network by default."""

    image: str
    name: str
    user: str
    workdir: str
    labels: dict[str, str]
    env: dict[str, str] = field(default_factory=dict)
    mounts: list[Mount] = field(default_factory=list)
    network: bool = False
    cpus: float | None = None
    memory: int | None = None
    shm: int | None = None
    pids: int = 4096
    gpus: int | list[int] = 0
    cpuset: str | None = None  # CPUs the container may use ("3", "0-1"); None: all


@dataclass(frozen=True)
class ExecResult:
    exit_code: int | None
    duration: float
    timed_out: bool = False


@dataclass(frozen=True)
class ExecStream:
    """An interactive exec: its id, and the raw socket carrying its terminal both ways."""

    exec_id: str
    sock: socket.socket


class ContainerEngine(Protocol):
    def info(self) -> EngineInfo: ...

    def image(self, ref: str) -> ImageInfo | None: ...

    def resolve_base(self, ref: str) -> str: ...

    def import_rootfs(self, tar_path: Path, tag: str, changes: list[str]) -> str: ...

    def build(
        self, context_dir: Path, tag: str, labels: dict[str, str], build_args: dict[str, str],
        on_log: LogSink, nocache: bool = False, dockerfile: str = "Dockerfile",
    ) -> str: ...

    def tag(self, image: str, ref: str) -> None: ...

    def save_images(self, refs: list[str], dest: IO[bytes]) -> None: ...

    def load_images(self, source: IO[bytes]) -> list[str]: ...

    def start(self, request: ContainerRequest) -> str: ...

    def set_network(self, container: str, enabled: bool) -> None: ...

    def exec(
        self, container: str, command: list[str], env: dict[str, str], on_output: LogSink,
        timeout: float | None,
    ) -> ExecResult: ...

    def open_exec(self, container: str, command: list[str], env: dict[str, str],
                  tty: bool) -> ExecStream: ...

    def resize_exec(self, exec_id: str, rows: int, cols: int) -> None: ...

    def exec_exit_code(self, exec_id: str) -> int | None: ...

    def snapshot_changes(self, container: str, under: str, dest: Path) -> int: ...

    def restore(self, container: str, archive: Path) -> None: ...

    def copy_out(self, container: str, path: str, dest: Path) -> bool: ...

    def remove(self, container: str) -> None: ...

    def remove_stale(self, label: str) -> int: ...

    def run_once(
        self, image: str, command: list[str], user: str | None = None, network: bool = False,
        env: dict[str, str] | None = None, mounts: list[Mount] | None = None,
    ) -> tuple[int, str]: ...


@runtime_checkable
class StepForensics(Protocol):
    """What an engine can tell about a job's container after a step failed (optional:
    an engine without it gets the exit code's plain reading)."""

    def step_limits(self, container: str) -> LimitState: ...

    def has_command(self, container: str, name: str) -> bool: ...
