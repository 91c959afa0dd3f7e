"""Output into a pipe or a file (a nightly log) keeps whole numbers and whole lines."""

from __future__ import annotations

import io
import os

import pytest
from rich.table import Table

from runner.present.console import make_console


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def table_text(monkeypatch: pytest.MonkeyPatch, stream: io.StringIO) -> str:
    monkeypatch.setattr("sys.stdout", stream)
    console = make_console()
    table = Table("metric", "claimed", "tolerance", "n", "mean", "interval", "diff", "verdict")
    table.add_row("coulomb_auc", "0.584", "±0.001", "3", "0.5840", "[0.58401, 0.58412]",
                  "3.33e-04", "reproduced")
    console.print(table)
    return stream.getvalue()


def test_a_pipe_gets_wide_tables_without_ellipses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    text = table_text(monkeypatch, io.StringIO())
    assert "[0.58401, 0.58412]" in text and "…" not in text
    assert make_console().width == 160


def test_columns_still_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    monkeypatch.setattr("sys.stdout", io.StringIO())
    assert make_console().width == 60


def test_a_terminal_keeps_its_own_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr("sys.stdout", FakeTty())
    monkeypatch.setattr("os.get_terminal_size", lambda *_: os.terminal_size((123, 40)))
    assert make_console().width == 123  # measured by rich, not forced to 160


def test_long_messages_are_not_folded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    stream = io.StringIO()
    monkeypatch.setattr("sys.stdout", stream)
    message = "ok " + "/a-long-directory" * 10 + "/spec.yaml (spec: 1 claims)"
    make_console().print(message)
    assert stream.getvalue() == message + "\n"
