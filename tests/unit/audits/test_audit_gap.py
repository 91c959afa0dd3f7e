from __future__ import annotations

import pytest

from runner.audits.gap import audit_train_test_gap
from runner.errors import UsageError


def test_test_above_train_is_critical() -> None:
    (f,) = audit_train_test_gap("train_auc", [0.83, 0.84], "test_auc", [0.85, 0.86])
    assert f.severity == "critical"
    assert f.statement.startswith("test test_auc above train train_auc")
    assert f.evidence["gap_test_better_by"] == pytest.approx(0.02)


def test_normal_gap_and_margin() -> None:
    (f,) = audit_train_test_gap("tr", [0.95], "te", [0.85])
    assert f.severity == "info"
    (f,) = audit_train_test_gap("tr", [0.85], "te", [0.86], margin=0.02)
    assert f.severity == "info"


def test_lower_is_better() -> None:
    (f,) = audit_train_test_gap("train_rmse", [1.0], "test_rmse", [0.8], higher_is_better=False)
    assert f.severity == "critical"
    with pytest.raises(UsageError):
        audit_train_test_gap("a", [], "b", [1.0])
