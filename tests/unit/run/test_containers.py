"""`Containers`: one fresh container per job, started one job ahead, never left behind.

A fake engine records the calls; the real-engine tests (interrupt, failing step) check the
same promise against Docker.
"""

from __future__ import annotations

import threading
from typing import cast

import pytest

from runner.edges.engine import ContainerEngine, ContainerRequest
from runner.errors import InfraError
from runner.run.containers import Containers


class FakeEngine:
    def __init__(self, fail_start: set[str] | None = None, fail_remove: bool = False) -> None:
        self.started: list[str] = []
        self.removed: list[str] = []
        self.fail_start = fail_start or set()
        self.fail_remove = fail_remove
        self.lock = threading.Lock()

    def start(self, request: ContainerRequest) -> str:
        if request.name in self.fail_start:
            raise InfraError(f"could not start {request.name}")
        with self.lock:
            self.started.append(request.name)
        return f"id-{request.name}"

    def remove(self, container: str) -> None:
        if self.fail_remove:
            raise InfraError(f"could not remove {container}")
        with self.lock:
            self.removed.append(container)

    def live(self) -> set[str]:
        return {f"id-{n}" for n in self.started} - set(self.removed)


def line(engine: FakeEngine, *names: str) -> Containers:
    requests = [ContainerRequest(image="img", name=n, user="1000:1000", workdir="/w", labels={})
                for n in names]
    return Containers(cast(ContainerEngine, engine), requests)


def test_each_job_gets_its_own_container_and_all_are_removed() -> None:
    engine = FakeEngine()
    taken = []
    with line(engine, "a", "b", "c") as containers:
        for _ in range(3):
            container = containers.take()
            taken.append(container)
            containers.release(container)
    assert taken == ["id-a", "id-b", "id-c"]
    assert sorted(engine.removed) == ["id-a", "id-b", "id-c"]
    assert engine.live() == set()


def test_the_next_job_is_started_while_this_one_runs() -> None:
    engine = FakeEngine()
    with line(engine, "a", "b") as containers:
        first = containers.take()
        # job a is "running": b's container is on its way without being asked for
        deadline = threading.Event()
        for _ in range(200):
            if "b" in engine.started:
                break
            deadline.wait(0.01)
        assert engine.started == ["a", "b"]
        containers.release(first)
        assert containers.take() == "id-b"
        assert engine.started == ["a", "b"]  # not started a second time


def test_a_run_that_stops_early_removes_the_container_started_ahead() -> None:
    engine = FakeEngine()
    with line(engine, "a", "b", "c") as containers:
        containers.release(containers.take())  # job a fails: the run stops here
    assert "c" not in engine.started
    assert engine.live() == set()


def test_ctrl_c_mid_job_still_removes_both_containers() -> None:
    engine = FakeEngine()
    with pytest.raises(KeyboardInterrupt), line(engine, "a", "b") as containers:
        container = containers.take()
        try:
            raise KeyboardInterrupt
        finally:
            containers.release(container)
    assert engine.live() == set()


def test_a_start_that_failed_ahead_is_reported_when_its_job_comes() -> None:
    engine = FakeEngine(fail_start={"b"})
    with line(engine, "a", "b") as containers:
        containers.release(containers.take())
        with pytest.raises(InfraError, match="could not start b"):
            containers.take()
    assert engine.live() == set()


def test_a_failed_removal_is_raised_after_a_clean_run() -> None:
    engine = FakeEngine(fail_remove=True)
    with pytest.raises(InfraError, match="could not remove id-a"), line(engine, "a") as containers:
        containers.release(containers.take())


def test_a_failed_removal_does_not_hide_the_error_already_on_its_way() -> None:
    engine = FakeEngine(fail_remove=True)
    with pytest.raises(RuntimeError, match="step crashed"), line(engine, "a") as containers:
        container = containers.take()
        try:
            raise RuntimeError("step crashed")
        finally:
            containers.release(container)


def test_outputs_are_copied_before_the_container_is_removed() -> None:
    engine = FakeEngine()
    seen: list[tuple[str, bool]] = []

    def copy() -> None:  # the container must still exist while its files are copied
        seen.append(("copy", "id-a" in engine.removed))

    with line(engine, "a") as containers:
        containers.release(containers.take(), copy)
    assert seen == [("copy", False)]
    assert engine.removed == ["id-a"]


def test_a_failed_copy_is_raised_and_the_container_still_removed() -> None:
    engine = FakeEngine()

    def copy() -> None:
        raise InfraError("could not copy results/metrics.json out of the container")

    with pytest.raises(InfraError, match="could not copy"), line(engine, "a") as containers:
        containers.release(containers.take(), copy)
    assert engine.live() == set()


def test_ctrl_c_while_waiting_for_the_start_ahead_still_removes_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import signal
    import time

    engine = FakeEngine()
    real_start = engine.start

    def slow_start(request: ContainerRequest) -> str:
        if request.name == "b":
            time.sleep(0.5)  # still starting when the run asks for it
        return real_start(request)

    monkeypatch.setattr(engine, "start", slow_start)

    def interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        with pytest.raises(KeyboardInterrupt), line(engine, "a", "b") as containers:
            containers.release(containers.take())
            signal.setitimer(signal.ITIMER_REAL, 0.1)
            containers.take()  # Ctrl-C arrives while b's container is on its way
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert engine.started == ["a", "b"]
    assert engine.live() == set()
