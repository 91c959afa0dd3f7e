"""`--resume`: what a killed batch left, set right before anything runs again.

Jobs `done` or `error` are final and stay untouched. A job that was queued, running or
abandoned runs again, unless its worker finished the run after the batch's last journal
write (its record says completed or failed): that run is adopted, never run twice. A worker
that outlived its batch (it should not: it dies with its parent) is stopped first.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

from runner.batch.journal import Job, JobState, Journal
from runner.batch.registry import Entry
from runner.errors import ExitCode, ReproError
from runner.record.model import RunStatus
from runner.record.store import RECORD_NAME, load_record, now_iso

FINAL_RECORD = (RunStatus.COMPLETED, RunStatus.FAILED)


def reconcile(journal: Journal, entries: list[Entry]) -> list[str]:
    """Ready the journal for a resumed batch; the names of jobs that will run again."""
    by_name = {e.name: e for e in entries}
    again = []
    for job in journal.data.jobs:
        if job.state.final:
            continue
        _stop_leftover(job)
        entry = by_name.get(job.name)
        if entry is None or entry.spec is None:
            job.state, job.exit_code = JobState.ERROR, int(ExitCode.RUN_FAILED)
            job.reason = "no longer a valid spec of the registry"
            job.problems = entry.problems if entry else []
            continue
        if not _adopt(journal, job):
            again.append(job.name)
    journal.save()
    return again


def _adopt(journal: Journal, job: Job) -> bool:
    """Take over a run its worker finished after the journal's last write."""
    newest = _newest_record(journal.folder / job.name, job)
    if newest is None:
        _requeue(job, None)
        return False
    try:
        record = load_record(newest)
    except ReproError:
        record = None
    rel = str(newest.relative_to(journal.folder))
    if record is None or record.status not in FINAL_RECORD:
        _requeue(job, rel)
        return False
    from runner.batch.finish import on_finished

    job.state, job.record, job.exit_code = JobState.DONE, rel, record.exit_code
    job.finished = record.finished or now_iso()
    job.duration_seconds = record.duration_seconds
    job.pid = None
    on_finished(journal, job, None)
    return True


def _requeue(job: Job, record: str | None) -> None:
    if record and record not in job.earlier:
        job.earlier.append(record)
    was = job.state
    job.state, job.pid, job.record, job.started = JobState.QUEUED, None, None, None
    job.reason = f"run again: it was {was} when the batch stopped"


def _newest_record(folder: Path, job: Job) -> Path | None:
    found = sorted(folder.glob(f"*/{RECORD_NAME}"))
    seen = set(job.earlier)
    fresh = [p for p in found if str(p.relative_to(folder.parent)) not in seen]
    return fresh[-1] if fresh and job.state is not JobState.QUEUED else None


def _stop_leftover(job: Job, grace: float = 60.0) -> None:
    """SIGTERM a worker of this job still alive (checked by its command line), and wait."""
    if job.pid is None or not _is_worker(job.pid, job.name):
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(job.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while _is_worker(job.pid, job.name) and time.monotonic() < deadline:
        time.sleep(0.2)
    if _is_worker(job.pid, job.name):
        with contextlib.suppress(ProcessLookupError):
            os.kill(job.pid, signal.SIGKILL)


def _is_worker(pid: int, name: str) -> bool:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    args = raw.split(b"\0")
    return b"runner.batch.worker" in args and name.encode() in args
