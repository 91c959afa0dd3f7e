"""The report's plots: a metric over runs with its intervals and the claim's band.

Drawn with matplotlib through `runner.audits.plot` (same style, same accessible SVG).
The x axis is the run's position with its date as the label, so runs an hour apart and
runs a month apart are equally readable. Each series has an id the browser test looks for:
`series-runs` (the means), `series-intervals`, `series-claim-band` and `series-claim`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from runner.audits.plot import COLOR, REFERENCE, STYLE, figure, to_svg
from runner.history.summary import MetricSummary

if TYPE_CHECKING:
    from matplotlib.axes import Axes

BAND = "#2e8b57"
MISSED = "#b22222"
PASSING = ("reproduced", "exceeded")


@dataclass(frozen=True)
class Point:
    label: str  # the run's date
    summary: MetricSummary


def claim_of(points: Sequence[Point]) -> tuple[float, float] | None:
    """The newest run's claim (value, tolerance): the band the paper promises today."""
    for point in reversed(points):
        s = point.summary
        if s.claimed is not None and s.tolerance is not None:
            return s.claimed, s.tolerance
    return None


def metric_svg(spec: str, metric: str, points: Sequence[Point], small: bool = False) -> str:
    """`metric` of `spec` across runs; `small` for the index's trend."""
    import matplotlib

    shown = [p for p in points if p.summary.mean is not None]
    claim = claim_of(points)
    with matplotlib.rc_context({**STYLE, "font.size": 8.0 if small else 10.0}):
        fig, ax = figure(3.2, 1.8) if small else figure(7.0, 3.6)
        xs = list(range(len(shown)))
        if claim is not None:
            _band(ax, claim, len(shown))
        means = [p.summary.mean or 0.0 for p in shown]
        lows = [m - (p.summary.ci_low if p.summary.ci_low is not None else m)
                for m, p in zip(means, shown, strict=True)]
        highs = [(p.summary.ci_high if p.summary.ci_high is not None else m) - m
                 for m, p in zip(means, shown, strict=True)]
        bars = ax.errorbar(xs, means, yerr=[lows, highs], color=COLOR, marker="o",
                           markersize=3 if small else 5, capsize=0 if small else 3,
                           linewidth=1.2, label="run mean and interval", zorder=3)
        data_line, _caps, (intervals, *_) = bars.lines
        if data_line is not None:
            data_line.set_gid("series-runs")
        intervals.set_gid("series-intervals")
        _mark_misses(ax, xs, means, shown)
        _axes(ax, spec, metric, [p.label for p in shown], small)
    return to_svg(fig, _alt(spec, metric, shown, claim))


def _band(ax: Axes, claim: tuple[float, float], count: int) -> None:
    value, tolerance = claim
    band = ax.axhspan(value - tolerance, value + tolerance, color=BAND,
                      alpha=0.15, label=f"claim {value:g} ± {tolerance:g}", zorder=1)
    band.set_gid("series-claim-band")
    line = ax.axhline(value, color=REFERENCE, linestyle="--", linewidth=0.8,
                      zorder=2)
    line.set_gid("series-claim")


def _mark_misses(ax: Axes, xs: list[int], means: list[float], shown: Sequence[Point]) -> None:
    """Runs whose claim was not reproduced, circled in red: the eye finds them first."""
    missed = [(x, m) for x, m, p in zip(xs, means, shown, strict=True)
              if p.summary.verdict is not None and p.summary.verdict not in PASSING]
    if missed:
        dots = ax.scatter([x for x, _ in missed], [m for _, m in missed],
                          s=60, facecolors="none", edgecolors=MISSED, linewidths=1.5,
                          label="claim not reproduced", zorder=4)
        dots.set_gid("series-missed")


def _axes(ax: Axes, spec: str, metric: str, labels: list[str], small: bool) -> None:
    if small:  # the first and the last run: a trend's ends are what a glance needs
        ticks = sorted({0, len(labels) - 1})
    else:
        every = max(1, -(-len(labels) // 10))  # at most 10 date labels
        ticks = list(range(0, len(labels), every))
    ax.set_xticks(ticks, [labels[i] for i in ticks],
                  rotation=0 if small else 30, ha="center" if small else "right")
    ax.set_xlim(-0.5, max(len(labels) - 0.5, 0.5))
    ax.set_title(f"{metric} of {spec}" if not small else metric)
    ax.set_xlabel("run (date, UTC)")
    ax.set_ylabel(metric)
    if not small:
        ax.legend(loc="best", fontsize=8, frameon=False)


def _alt(spec: str, metric: str, shown: Sequence[Point],
         claim: tuple[float, float] | None) -> str:
    values = ", ".join(f"{p.label}: {p.summary.mean:.4g}" for p in shown[-12:])
    more = f" (last 12 of {len(shown)})" if len(shown) > 12 else ""
    band = f"; claimed {claim[0]:g} ± {claim[1]:g}" if claim else "; no claim"
    return f"{metric} of {spec} across runs{more}: {values or 'no values'}{band}."


_ID = re.compile(r'\bid="([^"]+)"')


def scoped(svg: str, prefix: str) -> str:
    """Prefix every id (and each reference to it) so that many plots share one page."""
    ids = set(_ID.findall(svg))
    if not ids:
        return svg
    pattern = re.compile(r'(id="|href="#|url\(#)(' + "|".join(
        re.escape(i) for i in sorted(ids, key=len, reverse=True)) + r')(?=[")])')
    return pattern.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", svg)
