"""How far a variant's metric is from the main configuration's, with an interval.

A variant that evaluates the main run's own trained models (`reuse: main`) is compared
seed by seed: the same model on two test sets, so the paired difference is what varies
(the CIFAR-10.1 question: how much does the score drop on a new test set?). Any other
variant is an independent sample: Welch's interval of the difference of the means.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scipy import special

from runner.core.stats import summarize, welch


@dataclass(frozen=True)
class Gap:
    difference: float  # variant - main
    low: float | None
    high: float | None
    p_value: float  # two-sided; NaN when there is no test
    test: str | None


def paired_gap(main: Mapping[int, float], other: Mapping[int, float],
               confidence: float) -> Gap:
    """Seed by seed: the mean of variant - main over the seeds both have."""
    diffs = [other[s] - main[s] for s in sorted(set(main) & set(other))]
    if not diffs:
        raise ValueError("no seed has a value in both")
    summary = summarize(diffs, confidence)
    if summary.n < 2 or summary.std is None:
        return Gap(summary.mean, None, None, math.nan, None)
    if summary.std == 0:
        p = 1.0 if summary.mean == 0 else 0.0
        return Gap(summary.mean, summary.ci_low, summary.ci_high, p, "paired t (two-sided)")
    t = summary.mean / (summary.std / math.sqrt(summary.n))
    p = float(2.0 * special.stdtr(summary.n - 1, -abs(t)))
    return Gap(summary.mean, summary.ci_low, summary.ci_high, min(p, 1.0),
               "paired t (two-sided)")


def welch_gap(main: Sequence[float], other: Sequence[float], confidence: float) -> Gap:
    """Independent samples: Welch's t test and its interval for the difference."""
    result = welch(main, other)  # ValueError when undefined (n < 2, zero spread)
    se = math.sqrt(statistics.variance(main) / len(main)
                   + statistics.variance(other) / len(other))
    half = float(special.stdtrit(result.df, (1.0 + confidence) / 2.0)) * se
    return Gap(result.difference, result.difference - half, result.difference + half,
               result.p_value, "Welch t (two-sided)")


def describe(metric: str, gap: Gap, variant: str) -> str:
    """ "acc drops 0.081 [0.070, 0.092] on cifar10.1" """
    if gap.difference == 0 and gap.low in (None, 0) and gap.high in (None, 0):
        return f"{metric} is unchanged on {variant}"
    word = "drops" if gap.difference < 0 else "rises"
    size = abs(gap.difference)
    if gap.low is None or gap.high is None:
        return f"{metric} {word} {_num(size)} on {variant} (one seed: no interval)"
    # The interval of the move's size: for a drop, of main - variant.
    low, high = (-gap.high, -gap.low) if gap.difference < 0 else (gap.low, gap.high)
    return f"{metric} {word} {_num(size)} [{_num(low)}, {_num(high)}] on {variant}"


def _num(value: float) -> str:
    return f"{value:.3f}" if abs(value) >= 0.01 or value == 0 else f"{value:.3g}"
