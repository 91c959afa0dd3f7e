"""Two runs side by side: metrics, verdicts, duration, and what changed beneath them.

A metric moved when the difference of the means exceeds the claim's tolerance, or when the
two runs' intervals no longer overlap (the only test for a metric with no claim). What
changed beneath: every environment fact that differs (commit, base and image digests,
OS, kernel, driver, CUDA/cuDNN, GPU, CPU, data checksums, spec hash, repro version) and
the packages added, removed or changed in the image's `pip freeze`. Pure: records in,
a `RunDiff` out.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from runner.history.envfacts import PackageChanges, facts, package_changes, packages
from runner.history.summary import MetricSummary, metric_summaries, outcome
from runner.record.model import RunRecord

# Floating-point slack: a difference equal to the tolerance is inside it.
EPS = 1e-12


@dataclass(frozen=True)
class Side:
    run_id: str
    spec: str
    started: str
    outcome: str
    duration_seconds: float | None


@dataclass(frozen=True)
class MetricDelta:
    name: str
    a: MetricSummary | None
    b: MetricSummary | None
    difference: float | None
    tolerance: float | None
    beyond_tolerance: bool | None
    intervals_overlap: bool | None

    @property
    def moved(self) -> bool:
        """Beyond the claim's tolerance, or (with no tolerance) intervals apart."""
        if self.beyond_tolerance is not None:
            return self.beyond_tolerance
        return self.intervals_overlap is False

    @property
    def verdict_changed(self) -> bool:
        return (self.a.verdict if self.a else None) != (self.b.verdict if self.b else None)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "a": self.a.to_json() if self.a else None,
                "b": self.b.to_json() if self.b else None, "difference": self.difference,
                "tolerance": self.tolerance, "beyond_tolerance": self.beyond_tolerance,
                "intervals_overlap": self.intervals_overlap, "moved": self.moved,
                "verdict_changed": self.verdict_changed}


@dataclass(frozen=True)
class FactChange:
    key: str
    label: str
    a: str | None
    b: str | None


@dataclass
class RunDiff:
    a: Side
    b: Side
    metrics: list[MetricDelta]
    environment: list[FactChange]
    packages: PackageChanges | None  # None: a run has no pip freeze to compare
    notes: list[str] = field(default_factory=list)

    @property
    def verdict_changed(self) -> bool:
        return self.a.outcome != self.b.outcome

    @property
    def duration_ratio(self) -> float | None:
        a, b = self.a.duration_seconds, self.b.duration_seconds
        return b / a if a and b is not None else None

    @property
    def beneath_changed(self) -> bool:
        return bool(self.environment or self.packages)

    def to_json(self) -> dict[str, Any]:
        return {"a": asdict(self.a), "b": asdict(self.b),
                "verdict_changed": self.verdict_changed,
                "duration_ratio": self.duration_ratio,
                "metrics": [m.to_json() for m in self.metrics],
                "environment": [asdict(c) for c in self.environment],
                "packages": self.packages.to_json() if self.packages is not None else None,
                "notes": self.notes}


def side(record: RunRecord) -> Side:
    return Side(record.run_id, record.spec.name or "spec", record.started,
                outcome(str(record.status), record.verdict and str(record.verdict)),
                record.duration_seconds)


def diff_runs(a: RunRecord, b: RunRecord) -> RunDiff:
    """Run `b` compared with run `a` (differences are b - a)."""
    ours, theirs = metric_summaries(a), metric_summaries(b)
    names = list(dict.fromkeys([*ours, *theirs]))
    deltas = [metric_delta(name, ours.get(name), theirs.get(name)) for name in names]
    changes = [FactChange(key, label, va, vb)
               for (key, label, va), (_, _, vb) in _paired_facts(a, b) if va != vb]
    pa, pb = packages(a), packages(b)
    notes = []
    if a.spec.name != b.spec.name:
        notes.append(f"the runs are of different specs: {a.spec.name} and {b.spec.name}")
    if pa is None or pb is None:
        which = " and ".join(r.run_id for r, p in ((a, pa), (b, pb)) if p is None)
        notes.append(f"no pip freeze recorded for {which}: packages not compared")
    return RunDiff(side(a), side(b), deltas, changes,
                   package_changes(pa, pb) if pa is not None and pb is not None else None, notes)


def _paired_facts(a: RunRecord, b: RunRecord) -> list[tuple[tuple[str, str, str | None],
                                                           tuple[str, str, str | None]]]:
    """Facts of both runs by key; a data set only one run had is paired with None."""
    fa = {key: (key, label, value) for key, label, value in facts(a)}
    fb = {key: (key, label, value) for key, label, value in facts(b)}
    keys = list(dict.fromkeys([*fa, *fb]))
    return [(fa.get(k) or (k, fb[k][1], None), fb.get(k) or (k, fa[k][1], None)) for k in keys]


def metric_delta(name: str, a: MetricSummary | None, b: MetricSummary | None) -> MetricDelta:
    difference = (b.mean - a.mean if a and b and a.mean is not None and b.mean is not None
                  else None)
    tolerance = next((s.tolerance for s in (b, a) if s and s.tolerance is not None), None)
    beyond = (abs(difference) > tolerance + EPS
              if difference is not None and tolerance is not None else None)
    return MetricDelta(name, a, b, difference, tolerance, beyond, _overlap(a, b))


def _overlap(a: MetricSummary | None, b: MetricSummary | None) -> bool | None:
    if a is None or b is None or None in (a.ci_low, a.ci_high, b.ci_low, b.ci_high):
        return None
    assert a.ci_low is not None and a.ci_high is not None
    assert b.ci_low is not None and b.ci_high is not None
    return a.ci_low <= b.ci_high and b.ci_low <= a.ci_high
