"""Live progress for a run: a progress bar over the seed runs, log lines streaming above it."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn


class LiveView:
    """The terminal's view of one run (a `run.observer.RunObserver`)."""

    def __init__(self, console: Console, total: int, echo_logs: bool = True) -> None:
        self.console = console
        self.echo_logs = echo_logs
        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                 TextColumn("{task.completed}/{task.total} runs"),
                                 TimeElapsedColumn(), console=console, transient=True)
        self.task = self.progress.add_task("starting", total=total)

    def __enter__(self) -> LiveView:
        self.progress.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.progress.stop()

    def phase(self, text: str) -> None:
        self.progress.update(self.task, description=text)
        self.console.print(f"[bold]▶ {escape(text)}[/bold]")

    def log(self, text: str) -> None:
        if self.echo_logs:
            self.console.print(escape(text), highlight=False, soft_wrap=True)

    def step(self, text: str) -> None:
        self.progress.update(self.task, description=text)
        self.log(text)

    def set_total(self, jobs: int) -> None:
        self.progress.update(self.task, total=jobs)

    def advance(self) -> None:
        self.progress.advance(self.task)
