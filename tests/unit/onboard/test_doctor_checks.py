"""`repro doctor`'s verdicts from what an engine reports (a fake engine: pure logic)."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.edges.engine import EngineInfo, ExecResult, ImageInfo
from runner.onboard.doctor import run_checks


class FakeEngine:
    def __init__(self, root: Path, api: str, driver: str, limit_seen: str) -> None:
        self.root, self.api, self.driver, self.limit_seen = root, api, driver, limit_seen
        self.started: list[object] = []
        self.removed: list[str] = []

    def info(self) -> EngineInfo:
        return EngineInfo("fake", "1", self.api, "test", "6", [], False, "no runtime",
                          self.driver, str(self.root), "2")

    def image(self, ref: str) -> ImageInfo | None:
        return ImageInfo("sha256:x", [ref], {}, [], "")

    def start(self, request: object) -> str:
        self.started.append(request)
        return "c1"

    def exec(self, container: str, command: list[str], env: dict[str, str], on_output,
             timeout: float | None) -> ExecResult:
        on_output(self.limit_seen)
        return ExecResult(0, 0.1)

    def remove(self, container: str) -> None:
        self.removed.append(container)


@pytest.fixture(autouse=True)
def _folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPRO_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("REPRO_DATA", str(tmp_path / "data"))


def _by_name(engine: FakeEngine) -> tuple[bool, dict[str, object]]:
    doctor = run_checks(lambda: engine, "probe:1")  # type: ignore[arg-type,return-value]
    return doctor.ok, {c.name: c for c in doctor.checks}


def test_a_healthy_engine_passes_and_the_probe_container_is_removed(tmp_path: Path) -> None:
    engine = FakeEngine(tmp_path, "1.41", "overlay2", str(64 << 20))
    ok, checks = _by_name(engine)
    assert ok
    assert checks["cgroup limits"].status == "ok"  # type: ignore[attr-defined]
    assert engine.removed == ["c1"]
    request = engine.started[0]
    assert request.memory == 64 << 20 and request.user == "1000:1000"  # type: ignore[attr-defined]
    # No GPU here: a warning with its fix, never a failure.
    nvml = checks["NVIDIA driver (NVML)"]
    assert nvml.status == "warn" and "NVIDIA driver" in nvml.fix  # type: ignore[attr-defined]


def test_ignored_memory_limit_fails_with_the_fix(tmp_path: Path) -> None:
    ok, checks = _by_name(FakeEngine(tmp_path, "1.41", "overlay2", "max"))
    cgroup = checks["cgroup limits"]
    assert not ok and cgroup.status == "fail"  # type: ignore[attr-defined]
    assert "cgroup" in cgroup.fix  # type: ignore[attr-defined]


def test_an_old_api_fails_and_a_slow_storage_driver_warns(tmp_path: Path) -> None:
    ok, checks = _by_name(FakeEngine(tmp_path, "1.30", "vfs", str(64 << 20)))
    assert not ok
    assert checks["engine API"].status == "fail"  # type: ignore[attr-defined]
    assert checks["storage driver"].status == "warn"  # type: ignore[attr-defined]
