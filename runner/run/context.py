"""The inputs of one run, gathered once: options, edges, and the state every phase shares."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from runner.core.gpu import GpuDecision
from runner.edges.datastore import DataStore
from runner.edges.engine import ContainerEngine
from runner.edges.git_mirror import GitFetcher
from runner.record.model import RunRecord
from runner.record.store import Recorder
from runner.run.observer import RunObserver
from runner.spec.lockfile import Lock
from runner.spec.models import Spec


@dataclass
class RunOptions:
    runs_dir: Path = Path("runs")
    repo: str | None = None
    allow_mutable_ref: bool = False
    rebuild: bool = False
    allow_no_gpu: bool = False
    variants: list[str] = field(default_factory=list)
    repeat_seed: int | None = None
    ca_bundle: Path | None = None
    echo_logs: bool = True
    # GPU device ids a batch scheduler assigned (None: the spec's own request stands).
    gpu_ids: list[int] | None = None


@dataclass
class Edges:
    """The outside world a run touches. The engine is made on demand, inside the run, so
    a missing engine is recorded like any other failure."""

    engine_factory: Callable[[], ContainerEngine]
    fetcher: GitFetcher
    store: DataStore


@dataclass
class Outcome:
    exit_code: int
    record_path: Path
    record: RunRecord


@dataclass
class RunContext:
    """One run's state, passed to each phase instead of six to nine arguments."""

    spec: Spec
    spec_path: Path
    options: RunOptions
    edges: Edges
    observer: RunObserver
    recorder: Recorder
    workdir: Path
    lock: Lock | None = None
    engine: ContainerEngine | None = None
    gpu: GpuDecision | None = None

    @property
    def run_id(self) -> str:
        return self.recorder.record.run_id

    def need_engine(self) -> ContainerEngine:
        assert self.engine is not None, "the engine is connected in the first phase"
        return self.engine
