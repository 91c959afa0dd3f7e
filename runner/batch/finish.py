"""What happens when a job ends and when the batch ends: the record's verdict into the
journal, the run into the history (once, as `repro run` does), the batch's exit code,
drift, JUnit and the report.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from runner.batch.journal import Job, JobState, Journal
from runner.errors import ExitCode, ReproError
from runner.record.store import load_record

# Worst wins, in this order; anything else a job can end with is mapped onto it.
SEVERITY = [ExitCode.REPRODUCED, ExitCode.NOT_REPRODUCED, ExitCode.RUN_FAILED, ExitCode.INFRA]


def on_finished(journal: Journal, job: Job, history_url: str | None) -> None:
    """A job left a record: copy its verdict into the journal and add it to the history."""
    from runner.history.ingest import add_to_history

    assert job.record is not None
    path = journal.folder / job.record
    try:
        record = load_record(path)
    except ReproError as exc:
        journal.update(job.name, reason=f"unreadable record: {exc.message}")
        return
    journal.update(job.name, status=str(record.status),
                   verdict=str(record.verdict) if record.verdict else None,
                   exit_code=record.exit_code if record.exit_code is not None else job.exit_code,
                   reason=record.reason or job.reason)
    journal.update(job.name, history_warning=add_to_history(path, history_url))


def job_exit_code(job: Job) -> ExitCode:
    if job.state is JobState.DONE or job.state is JobState.ERROR:
        code = job.exit_code if job.exit_code is not None else int(ExitCode.RUN_FAILED)
        if code in (ExitCode.REPRODUCED, ExitCode.NOT_REPRODUCED, ExitCode.RUN_FAILED):
            return ExitCode(code)
        if code == ExitCode.INVALID:  # a spec problem found by the pipeline (a stale lock)
            return ExitCode.RUN_FAILED
        return ExitCode.INFRA  # an engine error, a crash (70), a lost worker
    return ExitCode.INFRA  # never finished: queued or abandoned at the end of a batch


def batch_exit_code(jobs: Iterable[Job]) -> int:
    codes = [job_exit_code(j) for j in jobs]
    return int(max(codes, key=SEVERITY.index, default=ExitCode.REPRODUCED))


def drift(journal: Journal, history_url: str | None) -> tuple[list[str], str | None]:
    """Drift of the specs this batch ran, against their previous runs (never fatal)."""
    from runner.history.after_batch import drift_after_batch
    from runner.history.views import drift_lines

    names = [j.name for j in journal.data.jobs if j.state is JobState.DONE]
    if not names:
        return [], None
    drifts, warning = drift_after_batch(names, history_url)
    return drift_lines(drifts), warning


def reports(journal: Journal, junit: Path | None, report: Path | None,
            history_url: str | None) -> list[str]:
    """Write the JUnit file and the report site; a failure is a warning, never the exit."""
    warnings: list[str] = []
    if junit is not None:
        from runner.batch.junit import write_junit

        try:
            write_junit(journal, junit)
        except OSError as exc:
            warnings.append(f"JUnit file not written: {exc}")
    if report is not None:
        from runner.report.site import write_site

        try:
            write_site(report, history_url)
        except (ReproError, OSError) as exc:
            warnings.append(f"report not written: {exc}")
    return warnings
