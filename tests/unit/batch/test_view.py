"""The batch's display: the progress line with its ETA, the table, the totals line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rich.console import Console

from runner.batch.journal import JobState
from runner.batch.view import clock, jobs_table, print_summary, progress_line


def test_progress_line_counts_states_and_estimates_the_rest(journal):
    j = journal("a", "b", "c", "d")
    ten_ago = (datetime.now(UTC) - timedelta(seconds=10)).isoformat()
    j.data.started = ten_ago
    j.update("a", state=JobState.DONE, verdict="reproduced", exit_code=0, duration_seconds=5)
    j.update("b", state=JobState.RUNNING, started=ten_ago, expected_seconds=70)
    j.update("c", expected_seconds=120)
    j.update("d", state=JobState.ERROR, exit_code=3, problems=["d.yaml:1: x: bad"])
    line = progress_line(j)
    assert line.startswith("batch B1: 1 queued, 1 running, 2 done · elapsed 0:1")
    assert line.endswith("ETA ~3:00")  # (60 left of b + 120 of c) over 1 running
    console = Console(width=200, record=True)
    console.print(jobs_table(j, live=True))
    text = console.export_text()
    assert "reproduced" in text and "~1:00" in text
    j.data.exit_code = 3
    print_summary(j, console, ["history: read-only"])
    text = console.export_text()
    assert "invalid: d.yaml:1: x: bad" in text
    assert "warning: history: read-only" in text
    assert "4 job(s): 1 reproduced, 1 running, 1 queued, 1 invalid; exit 3" in text


def test_clock():
    assert (clock(None), clock(59.6), clock(3725)) == ("-", "1:00", "1:02:05")
