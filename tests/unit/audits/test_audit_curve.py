from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from runner.audits.curve import audit_learning_curve
from runner.errors import UsageError


def test_flat_curve_warns_and_plots(tmp_path: Path) -> None:
    # DeVries: a tiny fraction of the data gives the full-data AUC.
    points = {0.0003: [0.84, 0.85], 0.01: [0.85], 0.1: [0.85], 1.0: [0.849, 0.85]}
    plot = tmp_path / "plots" / "curve.svg"
    (f,) = audit_learning_curve("auc", points, plot)
    assert f.severity == "warning"
    assert f.statement.startswith("0.0003 of the data reaches 95% of the full-data auc")
    assert f.evidence["plot"] == "curve.svg"
    root = ET.parse(plot).getroot()
    assert root.tag.endswith("svg")
    assert "Learning curve: auc" in plot.read_text()


def test_steep_curve_is_info() -> None:
    (f,) = audit_learning_curve("auc", {0.01: [0.55], 0.1: [0.7], 0.5: [0.8], 1.0: [0.9]}, None)
    assert f.severity == "info"
    assert f.evidence["smallest_fraction_reaching_target"] == 1.0


def test_bad_points() -> None:
    with pytest.raises(UsageError):
        audit_learning_curve("auc", {1.5: [0.9]}, None)
    with pytest.raises(UsageError):
        audit_learning_curve("auc", {1.0: []}, None)
