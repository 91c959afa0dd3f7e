"""Learning curve: how much of the data does the paper's result need?

DeVries et al. trained on 4.7 million rows; 1,500 gave the same AUC. This audit takes the
metric per data fraction (several seeds each), finds the smallest fraction whose mean reaches
95% of the full-data mean (the largest fraction given counts as "full"), and draws the curve
with matplotlib as an SVG file next to the record (matplotlib is imported only then).

For a lower-is-better metric (rmse), "reaches 95%" means mean <= full / 0.95.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from pathlib import Path

from runner.audits.findings import Finding, Severity
from runner.errors import UsageError

AUDIT = "learning_curve"
REACH = 0.95
# At or below this fraction, the claim did not need its data set: worth a reviewer's look.
SMALL_FRACTION = 0.1


def _means(points: Mapping[float, Sequence[float]]) -> dict[float, float]:
    if not points:
        raise UsageError("the learning curve needs at least one fraction")
    out: dict[float, float] = {}
    for fraction in sorted(points):
        values = points[fraction]
        if not 0 < fraction <= 1:
            raise UsageError(f"fraction {fraction} is outside (0, 1]")
        if not values:
            raise UsageError(f"no metric values for fraction {fraction}")
        out[float(fraction)] = statistics.fmean(float(v) for v in values)
    return out


def audit_learning_curve(
    metric: str,
    points: Mapping[float, Sequence[float]],
    plot_path: Path | None,
    higher_is_better: bool = True,
) -> list[Finding]:
    """Report the smallest fraction reaching 95% of the full-data metric; plot if asked."""
    means = _means(points)
    full_fraction = max(means)
    full = means[full_fraction]
    target = REACH * full if higher_is_better else full / REACH
    reached = [f for f, m in means.items() if (m >= target if higher_is_better else m <= target)]
    # A negative full-data metric (r2 < 0) can miss its own 95% target: fall back to "full".
    smallest = min(reached, default=full_fraction)
    evidence = {
        "metric": metric,
        "fractions": {
            str(f): {"mean": m, "values": [float(v) for v in points[f]]} for f, m in means.items()
        },
        "full_fraction": full_fraction,
        "full_mean": full,
        "target": target,
        "smallest_fraction_reaching_target": smallest,
        "plot": plot_path.name if plot_path is not None else None,
    }
    if plot_path is not None:
        _write_plot(plot_path, metric, points, means, target)
    statement = f"{smallest:g} of the data reaches 95% of the full-data {metric}"
    statement += f" ({means[smallest]:.4g} vs {full:.4g})"
    severity: Severity = "warning" if smallest <= SMALL_FRACTION else "info"
    return [Finding(AUDIT, severity, statement, evidence)]


def _write_plot(
    path: Path,
    metric: str,
    points: Mapping[float, Sequence[float]],
    means: dict[float, float],
    target: float,
) -> None:
    from runner.audits.plot import line_plot_svg

    seeds = [(f, float(v)) for f in means for v in points[f]]
    svg = line_plot_svg(
        title=f"Learning curve: {metric} by fraction of training data",
        x_label="fraction of training data (log scale)",
        y_label=metric,
        line=list(means.items()),
        scatter=seeds,
        reference=(target, f"95% of full-data {metric}"),
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(svg, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot write the plot ({exc.strerror})") from None
