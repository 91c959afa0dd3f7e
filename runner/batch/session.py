"""One batch from start to summary: lock, registry, journal, order, scheduler, history,
drift, JUnit and report. `run_batch` is what `repro batch` calls.
"""

from __future__ import annotations

import os
import platform
import secrets
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Protocol

from runner.batch.capacity import Demand, host_capacity
from runner.batch.executor import Executor
from runner.batch.journal import BatchJournal, Job, JobState, Journal
from runner.batch.order import expected, history_durations, journal_durations, longest_first
from runner.batch.outlock import BatchLock
from runner.batch.registry import Entry, collect
from runner.batch.resume import reconcile
from runner.batch.scheduler import Events, Scheduler
from runner.errors import ExitCode, UsageError
from runner.record.store import now_iso


@dataclass
class BatchOptions:
    registry: list[Path] = field(default_factory=list)
    out: Path = Path("runs/batches")
    slots: int | None = None
    gpus: tuple[int, ...] | None = None  # None: what NVML finds
    engine: str = "local"
    ray_address: str | None = None
    resume: Path | None = None
    only: list[str] = field(default_factory=list)
    junit: Path | None = None
    report: Path | None = None
    allow_no_gpu: bool = False  # API only: lets tests exercise GPU placement without GPUs
    history_url: str | None = None


class View(Events, Protocol):
    def start(self, journal: Journal) -> None: ...

    def stop(self) -> None: ...


@dataclass
class BatchResult:
    journal: Journal
    exit_code: int
    warnings: list[str] = field(default_factory=list)


def new_batch_id() -> str:
    return f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}-{secrets.token_hex(3)}"


def run_batch(opts: BatchOptions, view: View) -> BatchResult:
    """Run (or resume) a batch; its exit code is the worst of its jobs'."""
    journal_dir, out = _folders(opts)
    batch_id = journal_dir.name
    with BatchLock(out, batch_id, [str(p) for p in opts.registry]), _sigterm_as_interrupt():
        journal, entries = _prepare(opts, journal_dir)
        executor = _executor(opts)
        view.start(journal)
        try:
            _schedule(opts, journal, entries, executor, view)
        except KeyboardInterrupt:
            journal.data.state, journal.data.finished = "interrupted", now_iso()
            journal.save()
            raise
        finally:
            view.stop()
            executor.close()
        return _conclude(opts, journal)


def _folders(opts: BatchOptions) -> tuple[Path, Path]:
    if opts.resume is not None:
        folder = opts.resume.resolve()
        if not (folder / "batch.json").is_file():
            raise UsageError(f"--resume {opts.resume}: not a batch folder (no batch.json)")
        return folder, folder.parent
    if not opts.registry:
        raise UsageError("give the registry: spec files or folders of specs")
    out = opts.out.resolve()
    return out / new_batch_id(), out


def _prepare(opts: BatchOptions, folder: Path) -> tuple[Journal, list[Entry]]:
    if opts.resume is not None:
        journal = Journal.load(folder)
        registry = opts.registry or [Path(p) for p in journal.data.registry]
        entries = collect(registry, opts.only)
        reconcile(journal, entries)
        journal.data.resumed.append(now_iso())
        journal.data.state, journal.data.pid = "running", os.getpid()
        journal.save()
        return journal, entries
    entries = collect(opts.registry, opts.only)
    folder.mkdir(parents=True)
    journal = Journal(folder, BatchJournal(
        batch_id=folder.name, registry=[str(p.resolve()) for p in opts.registry],
        engine=opts.engine, host=platform.node(), pid=os.getpid(),
        jobs=[_job(e) for e in entries]))
    journal.save()
    return journal, entries


def _job(entry: Entry) -> Job:
    if entry.valid:
        return Job(name=entry.name, spec=str(entry.path))
    return Job(name=entry.name, spec=str(entry.path), state=JobState.ERROR,
               exit_code=int(ExitCode.RUN_FAILED), problems=entry.problems,
               reason="invalid spec", finished=now_iso())


def _executor(opts: BatchOptions) -> Executor:
    if opts.engine == "ray":
        from runner.batch.ray_exec import RayExecutor

        return RayExecutor(opts.ray_address, opts.slots)
    if opts.engine != "local":
        raise UsageError(f"--engine {opts.engine!r}: expected local or ray")
    from runner.batch.local_exec import LocalExecutor

    return LocalExecutor(host_capacity(opts.gpus, opts.slots))


def _schedule(opts: BatchOptions, journal: Journal, entries: list[Entry],
              executor: Executor, view: View) -> None:
    total, _ = executor.capacity()
    journal.data.capacity = {"engine": executor.kind, "has": total.describe(),
                             "slots": total.slots or "auto"}
    runnable = [e for e in entries if e.spec is not None
                and journal.data.job(e.name).state is JobState.QUEUED]
    known = journal_durations(journal.folder.parent, exclude=journal.folder)
    names = [e.name for e in runnable]
    known = {**history_durations(names, opts.history_url), **known}
    seconds = expected(runnable, known)
    for name in names:
        journal.data.job(name).expected_seconds = round(seconds[name], 1)
    journal.save()
    demands = {e.name: Demand.of(e.spec) for e in runnable if e.spec is not None}
    specs = {e.name: e.path for e in runnable}
    from runner.batch.finish import on_finished

    scheduler = Scheduler(executor, journal, view,
                          lambda job: on_finished(journal, job, opts.history_url),
                          opts.allow_no_gpu)
    scheduler.run(longest_first(names, seconds), demands, specs)


def _conclude(opts: BatchOptions, journal: Journal) -> BatchResult:
    from runner.batch.finish import batch_exit_code, drift, reports

    warnings = []
    journal.data.drift, warning = drift(journal, opts.history_url)
    if warning:
        warnings.append(warning)
    journal.data.exit_code = batch_exit_code(journal.data.jobs)
    journal.data.state, journal.data.finished = "finished", now_iso()
    journal.save()
    warnings += reports(journal, opts.junit, opts.report, opts.history_url)
    return BatchResult(journal, journal.data.exit_code, warnings)


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """A scheduler's SIGTERM stops the batch like Ctrl-C: workers stopped, journal saved."""
    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
