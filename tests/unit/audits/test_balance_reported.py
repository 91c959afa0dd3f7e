"""Class imbalance matters for accuracy, not for ROC AUC: severity follows what was reported."""

from __future__ import annotations

from pathlib import Path

from runner.audits.balance import audit_class_balance


def _skewed(tmp_path: Path) -> Path:
    # 90% negatives; the scores rank well but threshold badly (all below 0.5).
    rows = ["label,score"]
    rows += [f"0,{0.1 + i / 10000:.4f}" for i in range(90)]
    rows += [f"1,{0.4 + i / 1000:.4f}" for i in range(10)]
    path = tmp_path / "test.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def test_imbalance_is_critical_when_accuracy_is_reported(tmp_path: Path) -> None:
    found = audit_class_balance(_skewed(tmp_path), "label", "score", {"accuracy": 0.9})
    assert [f.severity for f in found if "majority class" in f.statement] == ["critical"]


def test_imbalance_is_a_warning_when_only_auc_is_reported(tmp_path: Path) -> None:
    found = audit_class_balance(_skewed(tmp_path), "label", "score", {"roc_auc": 1.0})
    majority = next(f for f in found if "majority class" in f.statement)
    assert majority.severity == "warning"
    assert "not flattered" in majority.evidence["severity_note"]
    auc = next(f for f in found if f.evidence.get("metric") == "roc_auc")
    assert auc.severity == "info" and auc.evidence["recomputed"] == 1.0
