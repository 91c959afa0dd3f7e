"""The scheduler against a fake executor (pure logic; the real ones have integration tests)."""

from __future__ import annotations

from pathlib import Path

from runner.batch.capacity import Capacity, Demand
from runner.batch.executor import JobRequest, JobResult
from runner.batch.journal import JobState
from runner.batch.scheduler import Scheduler


class FakeExecutor:
    """Jobs end in start order, one per wait; `lose` names jobs whose first attempt is lost."""

    kind = "fake"
    assigns_gpus = True

    def __init__(self, capacity: Capacity, lose: tuple[str, ...] = ()) -> None:
        self.cap = capacity
        self.lose = set(lose)
        self.running: list[JobRequest] = []
        self.log: list[tuple[str, str, list[int] | None]] = []
        self.peak = 0
        self.held: set[int] = set()

    def capacity(self) -> tuple[Capacity, Capacity]:
        return self.cap, self.cap

    def start(self, job: JobRequest) -> int | None:
        assert not self.held & set(job.gpu_ids or []), "a GPU handed out twice"
        self.held |= set(job.gpu_ids or [])
        self.running.append(job)
        self.peak = max(self.peak, len(self.running))
        self.log.append(("start", job.name, job.gpu_ids))
        return 1000 + len(self.log)

    def wait(self, timeout: float) -> list[JobResult]:
        if not self.running:
            return []
        job = self.running.pop(0)
        self.held -= set(job.gpu_ids or [])
        self.log.append(("end", job.name, None))
        if job.name in self.lose and job.attempt == 1:
            return [JobResult(job.name, 4, None, "node died", lost=True)]
        return [JobResult(job.name, 3, None, "no record in a fake")]

    def stop(self) -> None:
        pass

    def close(self) -> None:
        pass


class Quiet:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def event(self, job, text):  # type: ignore[no-untyped-def]
        self.lines.append(text)

    def tick(self) -> None:
        pass


def _run(journal, executor, demands):  # type: ignore[no-untyped-def]
    names = list(demands)
    j = journal(*names)
    events = Quiet()
    Scheduler(executor, j, events, lambda job: None).run(
        names, demands, {n: Path(f"/s/{n}.yaml") for n in names})
    return j, events


def test_jobs_start_when_they_fit_and_gpus_are_never_shared(journal):
    ex = FakeExecutor(Capacity(4, 16 << 30, (0, 1)))
    demands = {"big": Demand(3, 0, 2), "g1": Demand(1, 0, 1), "g2": Demand(1, 0, 1),
               "cpu": Demand(1)}
    j, _ = _run(journal, ex, demands)
    starts = [(name, ids) for kind, name, ids in ex.log if kind == "start"]
    # big takes 3 CPUs and both GPUs; the CPU job fills the gap; GPU jobs wait for big.
    assert starts == [("big", [0, 1]), ("cpu", []), ("g1", [0]), ("g2", [1])]
    assert all(job.state is JobState.ERROR for job in j.data.jobs)  # the fake leaves no record
    assert j.data.job("big").gpus == [0, 1]


def test_a_job_larger_than_the_machine_fails_at_once_and_others_run(journal):
    ex = FakeExecutor(Capacity(2, 4 << 30, ()))
    j, events = _run(journal, ex, {"huge": Demand(64, 0, 2), "ok": Demand(1)})
    huge = j.data.job("huge")
    assert huge.state is JobState.ERROR and huge.exit_code == 4 and huge.attempts == 0
    assert "asks for 64 CPUs, no memory reserved, 2 GPUs; this machine has 2 CPUs" in huge.reason
    assert [n for k, n, _ in ex.log if k == "start"] == ["ok"]
    assert events.lines[0].startswith("huge: too large for this machine")


def test_slots_cap_concurrency(journal):
    ex = FakeExecutor(Capacity(16, 0, (), slots=2))
    _run(journal, ex, {n: Demand(1) for n in "abcde"})
    assert ex.peak == 2


def test_a_lost_job_is_retried_once_then_counted(journal):
    ex = FakeExecutor(Capacity(4, 0, ()), lose=("flaky",))
    j, events = _run(journal, ex, {"flaky": Demand(1)})
    job = j.data.job("flaky")
    assert job.attempts == 2
    assert [k for k, n, _ in ex.log] == ["start", "end", "start", "end"]
    assert any("retrying" in line for line in events.lines)
