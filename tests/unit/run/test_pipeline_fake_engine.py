"""The whole pipeline through its seam, with a fake engine: no daemon, real record.

The fake runs each step's shell command on the host in a scratch folder and keeps count of
the containers it was asked for, so the test sees what the pipeline asked of an engine.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from runner.edges.datastore import DataStore
from runner.edges.engine import ContainerRequest, EngineInfo, ExecResult, ImageInfo, Mount
from runner.edges.git_mirror import GitFetcher
from runner.errors import InfraError
from runner.record.model import RunStatus, Verdict
from runner.record.store import load_record
from runner.run.context import Edges, RunOptions
from runner.run.observer import QuietObserver
from runner.run.pipeline import run_spec


class FakeEngine:
    def __init__(self, gpu: bool = False) -> None:
        self.images: dict[str, ImageInfo] = {}
        self.started: list[ContainerRequest] = []
        self.removed: list[str] = []
        self.builds = 0
        self.gpu = gpu

    def info(self) -> EngineInfo:
        return EngineInfo("fake", "1", "1.41", "test", "6", [], self.gpu, "fake engine")

    def image(self, ref: str) -> ImageInfo | None:
        return self.images.get(ref)

    def resolve_base(self, ref: str) -> str:
        return "sha256:" + "b" * 64

    def import_rootfs(self, tar_path: Path, tag: str, changes: list[str]) -> str:
        raise NotImplementedError

    def build(self, context_dir: Path, tag: str, labels: dict[str, str],
              build_args: dict[str, str], on_log: Callable[[str], None], nocache: bool = False,
              dockerfile: str = "Dockerfile") -> str:
        self.builds += 1
        assert (context_dir / "Dockerfile").is_file() and (context_dir / "repo").is_dir()
        self.images[tag] = ImageInfo(f"sha256:{self.builds:064d}", [tag], labels, [], "")
        return self.images[tag].id

    def tag(self, image: str, ref: str) -> None:
        pass

    def start(self, request: ContainerRequest) -> str:
        self.started.append(request)
        return f"c{len(self.started)}"

    def set_network(self, container: str, enabled: bool) -> None:
        pass

    def exec(self, container: str, command: list[str], env: dict[str, str],
             on_output: Callable[[str], None], timeout: float | None) -> ExecResult:
        began = time.monotonic()
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        for line in done.stdout.splitlines():
            on_output(line)
        return ExecResult(done.returncode, time.monotonic() - began)

    def copy_out(self, container: str, path: str, dest: Path) -> bool:
        return False

    def remove(self, container: str) -> None:
        self.removed.append(container)

    def remove_stale(self, label: str) -> int:
        return 0

    def run_once(self, image: str, command: list[str], user: str | None = None,
                 network: bool = False, env: dict[str, str] | None = None,
                 mounts: list[Mount] | None = None) -> tuple[int, str]:
        raise NotImplementedError


SPEC = """\
version: 1
name: fake-paper
paper: {{title: A paper run by a fake engine, year: 2026}}
repo: {{path: code}}
environment: {{base: "debian@sha256:{digest}"}}
resources: {{gpus: {gpus}}}
seeds: [0, 1, 2]
steps:
  - {{name: train, run: "{command}"}}
metrics:
  auc: {{regex: 'auc: ([0-9.]+)', step: train}}
claims:
  - {{metric: auc, value: 0.85, tolerance: 0.01}}
"""


def write_spec(tmp_path: Path, command: str, gpus: int = 0) -> Path:
    (tmp_path / "code").mkdir(exist_ok=True)
    (tmp_path / "code" / "train.py").write_text("print('hello')\n")
    spec = tmp_path / "paper.yaml"
    spec.write_text(SPEC.format(digest="a" * 64, command=command, gpus=gpus))
    return spec


def run(tmp_path: Path, engine: FakeEngine, spec: Path, **options: object) -> tuple[int, Path]:
    edges = Edges(lambda: engine, GitFetcher(tmp_path / "cache"),
                  DataStore(tmp_path / "cache", tmp_path / "manual"))
    outcome = run_spec(spec, RunOptions(runs_dir=tmp_path / "runs", **options),  # type: ignore[arg-type]
                       edges, QuietObserver())
    return outcome.exit_code, outcome.record_path


def test_a_reproduced_claim_builds_once_and_removes_every_container(tmp_path: Path) -> None:
    engine = FakeEngine()
    spec = write_spec(tmp_path, "echo auc: 0.851")
    code, path = run(tmp_path, engine, spec)
    record = load_record(path)
    assert code == 0 and record.status is RunStatus.COMPLETED
    assert record.claims[0].verdict is Verdict.REPRODUCED and record.claims[0].n == 3
    assert [r.label for r in record.runs] == ["seed-0", "seed-1", "seed-2"]
    assert engine.builds == 1 and len(engine.started) == 3
    assert sorted(engine.removed) == ["c1", "c2", "c3"]
    assert all(r.user == "1000:1000" and not r.network for r in engine.started)
    code, _ = run(tmp_path, engine, spec)  # the second run reuses the image
    assert code == 0 and engine.builds == 1


def test_a_failing_seed_stops_the_run_with_exit_3(tmp_path: Path) -> None:
    engine = FakeEngine()
    code, path = run(tmp_path, engine, write_spec(tmp_path, "exit 5"))
    record = load_record(path)
    assert code == 3 and record.status is RunStatus.FAILED
    assert record.reason == "step 'train' exited with code 5"
    assert len(record.runs) == 1
    # The next seed's container was already started ahead: it is removed too.
    assert sorted(engine.removed) == [f"c{i + 1}" for i in range(len(engine.started))]


def test_gpu_spec_without_runtime_fails_before_any_container(tmp_path: Path) -> None:
    engine = FakeEngine(gpu=False)
    with pytest.raises(InfraError, match="cannot pass them through"):
        run(tmp_path, engine, write_spec(tmp_path, "echo auc: 0.85", gpus=1))
    assert engine.started == []


def test_allow_no_gpu_runs_on_cpu_and_says_so(tmp_path: Path) -> None:
    engine = FakeEngine(gpu=False)
    code, path = run(tmp_path, engine, write_spec(tmp_path, "echo auc: 0.85", gpus=1),
                     allow_no_gpu=True)
    assert code == 0
    assert all(r.gpus == 0 and "NVIDIA_VISIBLE_DEVICES" not in r.env for r in engine.started)
    assert load_record(path).gpu == {"requested": 1, "engine_support": False,
                                     "detail": "fake engine", "used": False,
                                     "missing_allowed": True}


def test_gpus_reach_the_engine_when_it_supports_them(tmp_path: Path) -> None:
    engine = FakeEngine(gpu=True)
    code, _ = run(tmp_path, engine, write_spec(tmp_path, "echo auc: 0.85", gpus=1))
    assert code == 0
    assert all(r.gpus == 1 and r.env["NVIDIA_VISIBLE_DEVICES"] == "all"
               for r in engine.started)
