"""What the live view shows of a step's output: readable, whatever the step prints.

The stored log keeps every line (up to its cap); the terminal must not drown. A progress
bar redrawn with `\\r` shows only its latest state; beyond `per_second` lines a second the
rest are counted, and one line says how many were not shown, once the flood eases or the
step ends. Long lines are cut. Pure: the clock is passed in.
"""

from __future__ import annotations

import time
from collections.abc import Callable

MAX_WIDTH = 400


def collapse(line: str) -> str:
    """A line redrawn with carriage returns, as a terminal would leave it: its last state."""
    if "\r" in line:
        parts = [p for p in line.split("\r") if p.strip()]
        line = parts[-1] if parts else ""
    return line if len(line) <= MAX_WIDTH else line[:MAX_WIDTH] + " …"


class LiveLines:
    """Rate-limits a stream of lines for display: `feed` returns the lines to show now."""

    def __init__(self, per_second: int = 25,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.per_second = per_second
        self.clock = clock
        self._window = clock()
        self._shown = 0
        self.hidden = 0  # lines not shown since the last summary

    def feed(self, line: str) -> list[str]:
        now = self.clock()
        out: list[str] = []
        if now - self._window >= 1.0:
            self._window, self._shown = now, 0
            out += self.flush()
        if self._shown < self.per_second:
            self._shown += 1
            out.append(collapse(line))
        else:
            self.hidden += 1
        return out

    def flush(self) -> list[str]:
        """The summary of lines not shown, if any (call at the step's end too)."""
        if not self.hidden:
            return []
        hidden, self.hidden = self.hidden, 0
        return [f"[... {hidden} lines not shown ...]"]
