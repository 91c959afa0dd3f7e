"""The executor interface: how a batch's jobs get run somewhere. The scheduler and the
pipeline know only this; `local_exec` runs worker processes on this machine, `ray_exec`
runs Ray tasks on a cluster, and a Slurm executor (submitit job arrays, Apptainer on the
nodes) would be one more implementation.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from runner.batch.capacity import Capacity, Demand


@dataclass(frozen=True)
class JobRequest:
    name: str
    spec_path: Path
    batch_dir: Path  # the runs folder of the pipeline: records land in batch_dir/name/run-id
    demand: Demand
    gpu_ids: list[int] | None  # chosen by the scheduler; None: the engine assigns (Ray)
    attempt: int = 1
    allow_no_gpu: bool = False


@dataclass
class JobResult:
    name: str
    exit_code: int
    record_path: Path | None  # the record, now under the batch folder on this machine
    reason: str | None = None
    node: str | None = None
    gpu_ids: list[int] | None = None
    lost: bool = False  # the worker or its node vanished: an infrastructure failure


class Executor(Protocol):
    kind: str
    # True: the scheduler picks GPU ids from its pool (one machine); False: the cluster
    # engine assigns them on the node it picks, and reports them back.
    assigns_gpus: bool

    def capacity(self) -> tuple[Capacity, Capacity]:
        """(everything, the largest single node): packing uses the first, the size check
        the second (a job no node can hold fails at once instead of waiting forever)."""
        ...

    def start(self, job: JobRequest) -> int | None:
        """Start a job; the pid of its worker when there is a local one."""
        ...

    def wait(self, timeout: float) -> list[JobResult]:
        """Jobs that ended within `timeout` seconds (maybe none)."""
        ...

    def stop(self) -> None:
        """Stop every running job (each leaves an `interrupted` record), then return."""
        ...

    def close(self) -> None: ...
