"""Train/test gap: a test metric better than the train metric is a symptom, not a success.

A model fits its training data at least as well as unseen data. When the mean test metric
beats the mean train metric (DeVries et al.: test AUC above train AUC), the test set is
easier than it should be: leakage, duplicated rows or a split along the wrong axis.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from runner.audits.findings import Finding
from runner.errors import UsageError

AUDIT = "train_test_gap"


def _values(name: str, values: Sequence[float]) -> list[float]:
    if not values:
        raise UsageError(f"no values for metric {name!r}")
    return [float(v) for v in values]


def audit_train_test_gap(
    train_name: str,
    train_values: Sequence[float],
    test_name: str,
    test_values: Sequence[float],
    margin: float = 0.0,
    higher_is_better: bool = True,
) -> list[Finding]:
    """Critical when the mean test metric beats the mean train metric by more than `margin`.

    Values are per seed; the gap is reported in the metric's own direction (positive = test
    better), so `margin` means the same for an AUC and for an RMSE.
    """
    if margin < 0:
        raise UsageError(f"margin must be >= 0, got {margin}")
    train, test = _values(train_name, train_values), _values(test_name, test_values)
    train_mean, test_mean = statistics.fmean(train), statistics.fmean(test)
    gap = (test_mean - train_mean) if higher_is_better else (train_mean - test_mean)
    evidence = {
        "train_metric": train_name,
        "test_metric": test_name,
        "train_mean": train_mean,
        "test_mean": test_mean,
        "train_values": train,
        "test_values": test,
        "gap_test_better_by": gap,
        "margin": margin,
        "higher_is_better": higher_is_better,
    }
    if gap > margin:
        statement = (
            f"test {test_name} above train {train_name}"
            if higher_is_better
            else f"test {test_name} better (lower) than train {train_name}"
        )
        statement += f" by {gap:.4g} (means {test_mean:.4g} vs {train_mean:.4g})"
        return [Finding(AUDIT, "critical", statement, evidence)]
    statement = f"test {test_name} does not beat train {train_name} (gap {gap:+.4g})"
    return [Finding(AUDIT, "info", statement, evidence)]
