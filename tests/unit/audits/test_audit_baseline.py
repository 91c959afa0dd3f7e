from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from runner.audits.baseline import audit_baseline, fit_baseline
from runner.errors import UsageError


def _split(tmp_path: Path, labels: str = "int") -> tuple[Path, Path]:
    """y depends on x1 only, so a logistic regression is near perfect by construction."""
    rng = np.random.default_rng(0)
    paths = []
    for name, n in (("train", 300), ("test", 200)):
        x1, x2 = rng.normal(size=n), rng.normal(size=n)
        y = (x1 + 0.1 * rng.normal(size=n) > 0).astype(int)
        shown = [("yes" if v else "no") for v in y] if labels == "str" else y.tolist()
        path = tmp_path / f"{name}.csv"
        lines = [
            f"{a:.5f},{b:.5f},{c},{a * 2 + b:.5f}" for a, b, c in zip(x1, x2, shown, strict=True)
        ]
        path.write_text("x1,x2,y,target\n" + "\n".join(lines) + "\n")
        paths.append(path)
    return paths[0], paths[1]


def test_logistic_regression_and_majority_class(tmp_path: Path) -> None:
    train, test = _split(tmp_path)
    auc = fit_baseline(train, test, ["x1", "x2"], "y", "logistic_regression", "roc_auc", 0)
    assert auc > 0.95
    dummy = fit_baseline(train, test, ["x1"], "y", "majority_class", "roc_auc", 0)
    assert dummy == 0.5
    acc = fit_baseline(train, test, ["x1"], "y", "majority_class", "accuracy", 0)
    assert 0.3 < acc < 0.7


def test_random_forest_classifier_and_regressor(tmp_path: Path) -> None:
    train, test = _split(tmp_path, labels="str")
    f1 = fit_baseline(train, test, ["x1", "x2"], "y", "random_forest", "f1", 1)
    assert f1 > 0.85
    r2 = fit_baseline(train, test, ["x1", "x2"], "target", "random_forest", "r2", 1)
    assert r2 > 0.8
    rmse = fit_baseline(train, test, ["x1", "x2"], "target", "majority_class", "rmse", 1)
    assert rmse > 1.0


def test_bad_baseline_requests(tmp_path: Path) -> None:
    train, test = _split(tmp_path)
    with pytest.raises(UsageError, match="classifier"):
        fit_baseline(train, test, ["x1"], "target", "logistic_regression", "r2", 0)
    with pytest.raises(UsageError, match="did you mean 'x1'"):
        fit_baseline(train, test, ["x_1"], "y", "logistic_regression", "roc_auc", 0)


def test_audit_baseline_verdicts() -> None:
    (f,) = audit_baseline("logistic-regression", [0.85, 0.849], "auc", [0.849], 0.01)
    assert f.severity == "critical"
    assert f.statement.startswith("a simple baseline (logistic-regression) matches the model")
    assert "the baseline is better by" in f.statement
    (f,) = audit_baseline("lr", [0.70], "auc", [0.85, 0.86], 0.01)
    assert f.severity == "info"
    assert f.statement.startswith("the model beats lr by 0.155")
    (f,) = audit_baseline("lr", [1.0], "rmse", [0.5], 0.01, higher_is_better=False)
    assert f.severity == "info"
