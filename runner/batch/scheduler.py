"""Start each job when it fits; a job no machine (or node) can hold fails at once.

Jobs come in longest-first order; whenever one ends, the queue is scanned again from the
front, so a short job fills a gap the long head cannot use. A job whose worker or node was
lost is an infrastructure failure and is retried once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from runner.batch.capacity import Demand, Pool
from runner.batch.executor import Executor, JobRequest, JobResult
from runner.batch.journal import Job, JobState, Journal
from runner.errors import ExitCode
from runner.record.store import now_iso

POLL_SECONDS = 0.5


class Events(Protocol):
    """Who watches the batch (the live table, the log lines, nobody)."""

    def event(self, job: Job, text: str) -> None: ...

    def tick(self) -> None: ...


@dataclass
class Scheduler:
    executor: Executor
    journal: Journal
    events: Events
    on_finished: Callable[[Job], None]
    allow_no_gpu: bool = False
    _running: dict[str, tuple[Demand, list[int], float]] = field(default_factory=dict)

    def run(self, order: list[str], demands: dict[str, Demand], specs: dict[str, Path]) -> None:
        total, largest = self.executor.capacity()
        pool = Pool(total)
        queue = [n for n in order if self._fits_somewhere(n, demands[n], largest.too_small_for)]
        try:
            while queue or self._running:
                started = self._start_fitting(queue, pool, demands, specs)
                if not started and not self._running and queue:
                    self._give_up(queue)  # cannot happen when the size check holds
                for result in self.executor.wait(POLL_SECONDS):
                    self._finish(result, pool, queue)
                self.events.tick()
        except BaseException:
            self._stop(pool, queue)
            raise

    def _fits_somewhere(self, name: str, demand: Demand,
                        check: Callable[[Demand], str | None]) -> bool:
        why = check(demand)
        if why is None:
            return True
        job = self.journal.update(name, state=JobState.ERROR, exit_code=int(ExitCode.INFRA),
                                  reason=f"too large: {why}", finished=now_iso())
        self.events.event(job, f"{name}: too large for this machine: {why}")
        return False

    def _start_fitting(self, queue: list[str], pool: Pool, demands: dict[str, Demand],
                       specs: dict[str, Path]) -> bool:
        started = False
        for name in list(queue):
            ids = pool.take(demands[name])
            if ids is None:
                continue
            queue.remove(name)
            self._start(name, demands[name], ids, specs[name])
            started = True
        return started

    def _start(self, name: str, demand: Demand, ids: list[int], spec: Path) -> None:
        job = self.journal.data.job(name)
        attempt = job.attempts + 1
        request = JobRequest(name, spec, self.journal.folder, demand,
                             ids if self.executor.assigns_gpus else None, attempt,
                             self.allow_no_gpu)
        pid = self.executor.start(request)
        self._running[name] = (demand, ids, time.monotonic())
        job = self.journal.update(name, state=JobState.RUNNING, attempts=attempt,
                                  started=now_iso(), pid=pid, finished=None,
                                  gpus=ids if self.executor.assigns_gpus else [])
        self.events.event(job, f"{name}: started" + (f" on GPU {ids}" if ids else ""))

    def _finish(self, result: JobResult, pool: Pool, queue: list[str]) -> None:
        demand, ids, began = self._running.pop(result.name)
        pool.give(demand, ids)
        job = self.journal.data.job(result.name)
        record = _relative(result.record_path, self.journal.folder)
        if result.lost and job.attempts < 2:
            earlier = [*job.earlier, record] if record else job.earlier
            job = self.journal.update(result.name, state=JobState.QUEUED, earlier=earlier,
                                      reason=f"retrying once: {result.reason}")
            queue.insert(0, result.name)
            self.events.event(job, f"{result.name}: lost ({result.reason}); retrying")
            return
        fields = _fields(result, record, time.monotonic() - began)
        if result.gpu_ids is not None and not self.executor.assigns_gpus:
            fields["gpus"] = result.gpu_ids
        job = self.journal.update(result.name, **fields)
        if job.state is JobState.DONE:
            self.on_finished(job)
        self.events.event(job, _finished_text(job))

    def _give_up(self, queue: list[str]) -> None:
        for name in queue:
            job = self.journal.update(name, state=JobState.ERROR, exit_code=int(ExitCode.INFRA),
                                      reason="never fitted the machine", finished=now_iso())
            self.events.event(job, f"{name}: never fitted the machine")
        queue.clear()

    def _stop(self, pool: Pool, queue: list[str]) -> None:
        """Interrupted: stop the running jobs and journal what they left."""
        self.executor.stop()
        for result in self.executor.wait(0):
            if result.name in self._running:
                self._finish(result, pool, [])
        for name in list(self._running):
            self.journal.update(name, state=JobState.ABANDONED, pid=None)
        self._running.clear()


def _relative(path: Path | None, folder: Path) -> str | None:
    if path is None:
        return None
    try:
        return str(path.resolve().relative_to(folder.resolve()))
    except ValueError:
        return str(path)


def _fields(result: JobResult, record: str | None, seconds: float) -> dict[str, object]:
    fields: dict[str, object] = {"exit_code": result.exit_code, "reason": result.reason,
                                 "record": record, "finished": now_iso(), "pid": None,
                                 "node": result.node,
                                 "duration_seconds": round(seconds, 3)}
    if result.exit_code == int(ExitCode.INTERRUPTED):
        fields["state"] = JobState.ABANDONED
    elif record is None:
        fields["state"] = JobState.ERROR
    else:
        fields["state"] = JobState.DONE
    return fields


def _finished_text(job: Job) -> str:
    if job.state is JobState.DONE:
        return f"{job.name}: {job.verdict or job.status or 'done'} (exit {job.exit_code})"
    return f"{job.name}: {job.state} (exit {job.exit_code}): {job.reason or ''}".rstrip(": ")
