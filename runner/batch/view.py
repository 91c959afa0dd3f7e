"""What a person sees of a batch: a live table on a terminal (queued, running, done, verdict,
elapsed, ETA), one line per event in a log, and the summary at the end.
"""

from __future__ import annotations

from datetime import UTC, datetime

from rich.console import Console, Group
from rich.live import Live
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from runner.batch.journal import Job, JobState, Journal

STYLE = {"reproduced": "green", "exceeded": "green", "no_claims": "green",
         "not_reproduced": "red", "inconclusive": "yellow", "failed": "red",
         "error": "red", "abandoned": "yellow", "interrupted": "yellow"}


class BatchView:
    """Live table on a terminal; timestamped event lines otherwise; nothing when quiet."""

    def __init__(self, console: Console, quiet: bool = False) -> None:
        self.console = console
        self.quiet = quiet
        self.journal: Journal | None = None
        self._live: Live | None = None

    def start(self, journal: Journal) -> None:
        self.journal = journal
        if not self.quiet and self.console.is_terminal:
            self._live = Live(self._render(), console=self.console, refresh_per_second=2)
            self._live.start()
        elif not self.quiet:
            self.console.print(f"batch {journal.data.batch_id}: {len(journal.data.jobs)} "
                               f"job(s) in {journal.folder}", highlight=False)

    def event(self, job: Job, text: str) -> None:
        if self._live is not None:
            self._live.update(self._render())
        elif not self.quiet:
            stamp = datetime.now(UTC).strftime("%H:%M:%S")
            self.console.print(f"[{stamp}] {escape(text)}", highlight=False)

    def tick(self) -> None:
        if self._live is not None:
            self._live.update(self._render())

    def stop(self) -> None:
        if self._live is not None:
            self._live.update(self._render())
            self._live.stop()
            self._live = None

    def _render(self) -> Group:
        assert self.journal is not None
        return Group(Text(progress_line(self.journal)), jobs_table(self.journal, live=True))


def _elapsed(job: Job, now: datetime) -> float | None:
    if job.state is JobState.RUNNING and job.started:
        return (now - datetime.fromisoformat(job.started)).total_seconds()
    return job.duration_seconds


def clock(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def progress_line(journal: Journal) -> str:
    """`3 queued, 2 running, 4 done · elapsed 0:42 · ETA ~1:10`."""
    now = datetime.now(UTC)
    jobs = journal.data.jobs
    counts = {s: sum(1 for j in jobs if j.state is s) for s in JobState}
    finished = counts[JobState.DONE] + counts[JobState.ERROR]
    running = [j for j in jobs if j.state is JobState.RUNNING]
    left = sum(max((j.expected_seconds or 0) - (_elapsed(j, now) or 0), 0) for j in running)
    left += sum(j.expected_seconds or 0 for j in jobs if j.state is JobState.QUEUED)
    eta = left / max(len(running), 1)
    started = datetime.fromisoformat(journal.data.started)
    text = (f"batch {journal.data.batch_id}: {counts[JobState.QUEUED]} queued, "
            f"{len(running)} running, {finished} done · elapsed "
            f"{clock((now - started).total_seconds())}")
    return text + (f" · ETA ~{clock(eta)}" if running or counts[JobState.QUEUED] else "")


def jobs_table(journal: Journal, live: bool = False) -> Table:
    now = datetime.now(UTC)
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("spec", "state", "verdict", "exit", "elapsed", "ETA" if live else "node",
                   "GPUs", "record" if not live else "note"):
        table.add_column(column, overflow="fold" if column in ("record", "note") else "ellipsis")
    for job in journal.data.jobs:
        elapsed = _elapsed(job, now)
        word = job.verdict or (job.status if job.state is JobState.DONE else None) \
            or ("error" if job.state is JobState.ERROR else "-")
        last = (_eta(job, elapsed) if live else job.node or "-")
        table.add_row(job.name, str(job.state), Text(word, style=STYLE.get(word, "")),
                      "-" if job.exit_code is None else str(job.exit_code), clock(elapsed),
                      last, ",".join(map(str, job.gpus)) or "-",
                      _note(job) if live else (job.record or _note(job)))
    return table


def _eta(job: Job, elapsed: float | None) -> str:
    if job.state is JobState.RUNNING and job.expected_seconds:
        return "~" + clock(max(job.expected_seconds - (elapsed or 0), 0))
    return "-"


def _note(job: Job) -> str:
    if job.state in (JobState.DONE, JobState.ERROR) and job.reason:
        return job.reason.splitlines()[0]
    return ""


def print_summary(journal: Journal, console: Console, warnings: list[str]) -> None:
    data = journal.data
    console.print(jobs_table(journal))
    for job in data.jobs:
        for problem in job.problems:
            console.print(f"[red]invalid:[/red] {escape(problem)}", highlight=False)
        if job.history_warning:
            warnings = [*warnings, f"{job.name}: {job.history_warning}"]
    if data.drift:
        console.print("[bold]drift since the previous runs:[/bold]")
        for line in data.drift:
            console.print(escape(line), highlight=False)
    for warning in warnings:
        console.print(f"[yellow]warning:[/yellow] {escape(warning)}", highlight=False)
    console.print(totals_line(journal), highlight=False)


def totals_line(journal: Journal) -> str:
    words: dict[str, int] = {}
    for job in journal.data.jobs:
        word = job.verdict or job.status or str(job.state)
        if job.state is JobState.ERROR:
            word = "invalid" if job.problems else "error"
        words[word] = words.get(word, 0) + 1
    parts = ", ".join(f"{n} {w}" for w, n in sorted(words.items(), key=lambda x: -x[1]))
    return (f"batch {journal.data.batch_id}: {len(journal.data.jobs)} job(s): {parts}; "
            f"exit {journal.data.exit_code}; journal {journal.path}")
