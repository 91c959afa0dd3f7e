"""Drift: each spec's newest run against its previous one, and what moved.

A spec drifted when its verdict changed (a failed run counts: `reproduced -> failed`), a
metric moved beyond its tolerance (or, with no claim, out of the previous interval), or the
run took more than twice as long. Each drift carries the environment changes that came with
it; a spec whose results held while its environment changed is listed apart, as
information. Interrupted runs are skipped: they say nothing about the paper.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from runner.history.compare import RunDiff, diff_runs
from runner.history.store import HistoryStore

SLOWER = 2.0  # "took more than twice as long"


@dataclass
class Drift:
    spec: str
    diff: RunDiff
    flags: list[str]

    @property
    def drifted(self) -> bool:
        return bool(self.flags)

    def to_json(self) -> dict[str, Any]:
        return {"spec": self.spec, "drifted": self.drifted, "flags": self.flags,
                "diff": self.diff.to_json()}


def flags_of(diff: RunDiff) -> list[str]:
    """What moved between the two runs, one line each, most telling first."""
    found: list[str] = []
    if diff.verdict_changed:
        found.append(f"verdict {diff.a.outcome} -> {diff.b.outcome}")
    for m in diff.metrics:
        if m.moved and m.a and m.b and m.difference is not None:
            why = (f"tolerance {m.tolerance:.4g}" if m.beyond_tolerance
                   else "intervals no longer overlap")
            found.append(f"{m.name} {m.a.mean:.4g} -> {m.b.mean:.4g} "
                         f"({m.difference:+.4g}; {why})")
    ratio = diff.duration_ratio
    if ratio is not None and ratio > SLOWER:
        found.append(f"took {ratio:.1f}x as long ({diff.a.duration_seconds:.0f}s -> "
                     f"{diff.b.duration_seconds:.0f}s)")
    return found


def find_drift(store: HistoryStore, since: datetime | None = None,
               specs: Iterable[str] | None = None) -> list[Drift]:
    """Every spec with two runs (whose newest started at or after `since`), compared.

    Drifted specs come first, then specs whose environment alone changed, then the rest;
    by name within each group.
    """
    found: list[Drift] = []
    for name in sorted(specs) if specs is not None else store.spec_names():
        runs = store.runs(spec=name, last=2, skip_interrupted=True)
        if len(runs) < 2 or (since is not None and runs[-1].started < since):
            continue
        previous, _ = store.load(runs[0].run_id)
        newest, _ = store.load(runs[1].run_id)
        diff = diff_runs(previous, newest)
        found.append(Drift(name, diff, flags_of(diff)))
    return sorted(found, key=lambda d: (not d.drifted, not d.diff.beneath_changed, d.spec))
