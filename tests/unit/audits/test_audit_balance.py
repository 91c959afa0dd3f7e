from __future__ import annotations

import pytest

from runner.audits.balance import audit_class_balance
from runner.errors import UsageError


def test_useless_detector_on_two_to_one_test_set(write_csv) -> None:  # type: ignore[no-untyped-def]
    # Twice as many fakes as real faces; the detector always says "fake".
    rows = [("fake", "fake")] * 200 + [("real", "fake")] * 100
    path = write_csv("test.csv", ["label", "pred"], rows)
    findings = audit_class_balance(path, "label", "pred", {"accuracy": 0.667})
    balance, metrics, reported = findings
    assert balance.severity == "warning"
    assert balance.evidence["counts"] == {"fake": 200, "real": 100}
    assert metrics.severity == "critical"
    assert metrics.statement.startswith("accuracy flattered by class imbalance")
    assert metrics.evidence["recomputed"]["balanced_accuracy"] == 0.5
    assert reported.severity == "info"


def test_scores_recompute_auc_and_flag_a_mismatch(write_csv) -> None:  # type: ignore[no-untyped-def]
    rows = [(1, 0.9), (1, 0.8), (0, 0.3), (0, 0.6), (1, 0.4), (0, 0.1)]
    path = write_csv("p.csv", ["y", "score"], rows)
    findings = audit_class_balance(path, "y", "score", {"auc": 0.95, "accuracy": 4 / 6})
    balance, metrics, auc, acc = findings
    assert balance.severity == "info"
    assert metrics.severity == "info"
    assert metrics.evidence["recomputed"]["roc_auc"] == pytest.approx(8 / 9)
    assert auc.severity == "warning" and "differs from the reported 0.9500" in auc.statement
    assert acc.severity == "info"


def test_heavy_imbalance_is_critical(write_csv) -> None:  # type: ignore[no-untyped-def]
    path = write_csv("y.csv", ["y"], [[0]] * 90 + [[1]] * 10)
    (finding,) = audit_class_balance(path, "y")
    assert finding.severity == "critical"
    assert finding.evidence["majority_share"] == 0.9


def test_bad_requests(write_csv) -> None:  # type: ignore[no-untyped-def]
    path = write_csv("y.csv", ["y", "s"], [[0, 0.2], [1, "high"]])
    with pytest.raises(UsageError, match="predictions column"):
        audit_class_balance(path, "y", reported={"accuracy": 0.9})
    with pytest.raises(UsageError, match="data row 2 holds 'high'"):
        audit_class_balance(path, "y", "s")
    path = write_csv("z.csv", ["y", "s"], [[0, 0.2], [1, 0.7]])
    with pytest.raises(UsageError, match="cannot be recomputed"):
        audit_class_balance(path, "y", "s", {"precision": 0.9})
