"""Metric values from a step's output, matched line by line while it streams.

A step may print gigabytes; keeping its whole log to run regexes over it afterwards would
make repro's memory grow with it. Every line is matched as it arrives and only what the
metric's `match` needs is kept: the first, the last or the N-th match's text, or the sum
and count of all of them for `mean`. Patterns are applied to one line at a time (a match
cannot span lines; `^` and `$` anchor at the line's ends).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from runner.spec.models import RegexMetric


class MetricNotFound(Exception):
    """Why a metric has no value in one seed; becomes the `missing` reason in the record."""


def as_number(value: object, where: str) -> float:
    if isinstance(value, bool):
        raise MetricNotFound(f"{where} is a boolean, not a number")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise MetricNotFound(f"{where} is {value!r}, not a number") from None
    if not math.isfinite(number):
        raise MetricNotFound(f"{where} is {number}, not a finite number")
    return number


@dataclass
class MatchTally:
    """One metric's matches in one step's output so far."""

    metric: RegexMetric
    count: int = 0
    chosen: str | None = None  # the text of the match `match` picks (first, last or N-th)
    total: float = 0.0  # for `mean`: the sum of every match's number
    problem: str | None = None  # for `mean`: the first match that is not a number
    _pattern: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._pattern = re.compile(self.metric.regex, re.MULTILINE)

    def feed(self, line: str) -> None:
        choice = self.metric.match
        for found in self._pattern.finditer(line):
            self.count += 1
            text = found.group(1) if found.groups() else found.group(0)
            if choice == "last" or (choice == "first" and self.count == 1) or \
                    (isinstance(choice, int) and self.count == choice):
                self.chosen = text
            elif choice == "mean":
                self._add(text)

    def _add(self, text: str | None) -> None:
        try:
            self.total += as_number(text, f"match {self.count} of {self.metric.regex!r}")
        except MetricNotFound as exc:
            self.problem = self.problem or str(exc)

    def value(self) -> float:
        """The metric's value, or MetricNotFound saying why there is none."""
        metric, where = self.metric, f"the log of {self.metric.step!r}"
        if self.count == 0:
            raise MetricNotFound(f"pattern {metric.regex!r} not found in {where}")
        if metric.match == "mean":
            if self.problem is not None:
                raise MetricNotFound(self.problem)
            return self.total / self.count
        if self.chosen is None:  # an index past the last match
            raise MetricNotFound(f"pattern {metric.regex!r} matched {self.count} time(s) in "
                                 f"{where}; match {metric.match} was asked for")
        return as_number(self.chosen, f"the match of {metric.regex!r}")


class LogScanner:
    """Feeds each line of one step's output to the metrics that read that step."""

    def __init__(self, metrics: Mapping[str, RegexMetric]) -> None:
        self.tallies = {name: MatchTally(metric) for name, metric in metrics.items()}
        self._feeds = [t.feed for t in self.tallies.values()]

    def feed(self, line: str) -> None:
        for feed in self._feeds:
            feed(line)


def scan_text(metric: RegexMetric, lines: Iterable[str]) -> float:
    """One metric over finished output (tests, and logs read back from disk)."""
    tally = MatchTally(metric)
    for line in lines:
        tally.feed(line)
    return tally.value()
