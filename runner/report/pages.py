"""What each page shows, gathered from the history: plain values for the templates.

No HTML here (the templates write it, escaped); plots arrive as SVG text from plots.py
with their ids scoped per page. One spec is gathered at a time, so a long history is never
held in memory whole.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from runner.history.compare import RunDiff, diff_runs
from runner.history.drift import Drift, flags_of
from runner.history.envfacts import facts
from runner.history.store import RunRow
from runner.history.summary import CUT_SHORT, outcome
from runner.history.views import duration, interval, metric_names, short_commit, short_digest
from runner.record.model import RunRecord
from runner.report.plots import Point, claim_of, metric_svg, scoped

_SAFE = re.compile(r"[^A-Za-z0-9._-]")
_ids = itertools.count(1)


def file_name(name: str) -> str:
    """A spec name or run id as a file name (both are slugs; a crafted record is not)."""
    safe = _SAFE.sub("_", name).lstrip(".")
    return safe or "_"


def date(row: RunRow) -> str:
    return row.started.strftime("%Y-%m-%d %H:%M")


def figure(svg: str, series: Sequence[str]) -> dict[str, Any]:
    """A plot for a template: its SVG with page-unique ids, and the series it must show."""
    return {"svg": scoped(svg, f"plot{next(_ids)}"), "series": ",".join(series)}


def metric_figure(spec: str, metric: str, rows: Sequence[RunRow],
                  small: bool = False) -> dict[str, Any] | None:
    shown = [r for r in rows if metric in r.metrics and r.metrics[metric].mean is not None]
    labels = [r.started.strftime("%m-%d %H:%M") for r in shown]
    if len(set(labels)) < len(labels):  # runs minutes apart: tell them apart by the second
        labels = [r.started.strftime("%m-%d %H:%M:%S") for r in shown]
    points = [Point(label, r.metrics[metric]) for label, r in zip(labels, shown, strict=True)]
    if not points:
        return None
    series = ["runs", "intervals"] + (["claim-band", "claim"] if claim_of(points) else [])
    return figure(metric_svg(spec, metric, points, small), series)


@dataclass
class SpecPage:
    """One spec: its runs (oldest first), the newest record, drift, the last change."""

    name: str
    rows: list[RunRow]
    latest: RunRecord
    drift: Drift | None = None
    last_change: RunDiff | None = None
    last_change_runs: tuple[str, str] | None = None
    paper: str = ""
    metrics: list[str] = field(default_factory=list)


def spec_page(name: str, rows: list[RunRow], records: dict[str, RunRecord]) -> SpecPage:
    latest = records[rows[-1].run_id]
    page = SpecPage(name, rows, latest, paper=str(latest.paper.get("title") or ""),
                    metrics=metric_names(rows))
    ran = [r for r in rows if r.status not in CUT_SHORT]
    if len(ran) >= 2:
        diff = diff_runs(records[ran[-2].run_id], records[ran[-1].run_id])
        page.drift = Drift(name, diff, flags_of(diff))
    for older, newer in reversed(list(itertools.pairwise(ran))):
        diff = diff_runs(records[older.run_id], records[newer.run_id])
        if diff.beneath_changed:
            page.last_change = diff
            page.last_change_runs = (file_name(older.run_id), file_name(newer.run_id))
            break
    return page


def index_entry(page: SpecPage) -> dict[str, Any]:
    last = page.rows[-1]
    main = next((c.metric for c in page.latest.claims), page.metrics[0] if page.metrics else None)
    return {
        "name": page.name, "file": file_name(page.name), "paper": page.paper,
        "outcome": outcome(last.status, last.verdict), "date": date(last),
        "run": file_name(last.run_id), "count": len(page.rows), "main_metric": main,
        "trend": metric_figure(page.name, main, page.rows[-30:], small=True) if main else None,
        "flags": page.drift.flags if page.drift else [],
        "critical": last.critical_findings,
    }


def timeline(rows: Sequence[RunRow]) -> list[dict[str, Any]]:
    """Newest first: the verdict timeline of a spec page."""
    return [{"run": file_name(r.run_id), "run_id": r.run_id, "date": date(r),
             "outcome": outcome(r.status, r.verdict), "commit": short_commit(r.commit),
             "image": short_digest(r.image_id), "duration": duration(r.duration_seconds),
             "critical": r.critical_findings, "host": r.hostname or "-", "gpu": r.gpu or "-",
             "metrics": {n: interval(s) for n, s in r.metrics.items()}}
            for r in reversed(rows)]


def environment(record: RunRecord) -> list[dict[str, str]]:
    return [{"label": label, "value": value or "-"} for _, label, value in facts(record)]
