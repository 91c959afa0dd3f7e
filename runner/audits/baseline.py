"""Simple baselines beside the paper's model: does the deep network beat a logistic regression?

DeVries et al.'s deep network (AUC 0.849) was matched by a logistic regression on two
features. `fit_baseline` trains one built-in baseline on the paper's own train/test tables and
returns its test metric; `audit_baseline` sets the baseline's per-seed metric beside the
model's and flags a model that does not beat it by more than a tolerance.

Built-in models: logistic_regression (standardised features, classifier only), random_forest
(50 trees; a regressor for r2/rmse), majority_class (the most frequent class; for r2/rmse the
mean of the train labels). The metrics r2 and rmse make the task a regression.
"""

from __future__ import annotations

import statistics
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn import metrics as skm
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from runner.audits.findings import Finding
from runner.audits.readers import read_columns
from runner.errors import UsageError
from runner.spec.audit_terms import (
    METRICS,
    MODELS,
    REGRESSION_METRICS,
    BaselineMetric,
    BaselineModel,
)

AUDIT = "baseline"
# Enough trees for a stable baseline on millions of rows in minutes, not hours.
N_ESTIMATORS = 50


def higher_is_better(metric: str) -> bool:
    return metric != "rmse"


def normalise_labels(values: np.ndarray) -> np.ndarray:
    """Labels as ints when every value is an integral number, floats when numeric, else str.

    A CSV gives "1", a .npy gives 1: both must become the same class.
    """
    try:
        numbers = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        return np.asarray([str(v) for v in values], dtype=str)
    if np.all(np.isfinite(numbers)) and np.all(numbers == np.round(numbers)):
        return numbers.astype(np.int64)
    return numbers


def _estimator(model: str, regression: bool, seed: int) -> Any:
    if model not in MODELS:
        raise UsageError(f"unknown baseline model {model!r}; choose one of {', '.join(MODELS)}")
    if model == "logistic_regression":
        if regression:
            raise UsageError("logistic_regression is a classifier; r2 and rmse need a regressor")
        return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    if model == "random_forest":
        forest = RandomForestRegressor if regression else RandomForestClassifier
        return forest(n_estimators=N_ESTIMATORS, random_state=seed, n_jobs=-1)
    if regression:
        return DummyRegressor(strategy="mean")
    return DummyClassifier(strategy="most_frequent", random_state=seed)


def _load(
    path: Path, features: Sequence[str], label: str, regression: bool
) -> tuple[np.ndarray, np.ndarray]:
    numeric = [*features, label] if regression else list(features)
    table = read_columns(path, [*features, label], numeric=numeric)
    x = np.column_stack([table[f] for f in features])
    y = table[label] if regression else normalise_labels(table[label])
    return x, y


def score(
    metric: str,
    y_true: np.ndarray,
    predicted: np.ndarray,
    proba: np.ndarray | None,
    classes: np.ndarray | None,
) -> float:
    """One metric from sklearn.metrics; binary f1/roc_auc take the larger label as positive."""
    if metric == "r2":
        return float(skm.r2_score(y_true, predicted))
    if metric == "rmse":
        return float(np.sqrt(skm.mean_squared_error(y_true, predicted)))
    if metric == "accuracy":
        return float(skm.accuracy_score(y_true, predicted))
    if metric == "balanced_accuracy":
        return float(skm.balanced_accuracy_score(y_true, predicted))
    # Binary only when the test labels are the model's two classes: a third class in the test
    # set makes sklearn's binary f1 raise; the macro average counts it as missed.
    binary = classes is not None and len(classes) == 2 and set(
        np.unique(y_true).tolist()) <= set(classes.tolist())
    if metric == "f1":
        if binary and classes is not None:
            return float(skm.f1_score(y_true, predicted, pos_label=classes[1]))
        return float(skm.f1_score(y_true, predicted, average="macro"))
    if metric == "roc_auc" and proba is not None and classes is not None:
        if len(np.unique(y_true)) < 2:
            raise UsageError("roc_auc needs both classes in the test labels")
        if binary:
            return float(skm.roc_auc_score(y_true == classes[1], proba[:, 1]))
        return float(skm.roc_auc_score(y_true, proba, multi_class="ovr", labels=classes))
    raise UsageError(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")


def fit_baseline(
    train: Path,
    test: Path,
    features: Sequence[str],
    label: str,
    model: BaselineModel,
    metric: BaselineMetric,
    seed: int,
) -> float:
    """Fit `model` on train, return `metric` on test."""
    if metric not in METRICS:
        raise UsageError(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")
    if not features:
        raise UsageError("a baseline needs at least one feature column")
    regression = metric in REGRESSION_METRICS
    estimator = _estimator(model, regression, seed)
    x_train, y_train = _load(train, features, label, regression)
    x_test, y_test = _load(test, features, label, regression)
    if not regression and len(np.unique(y_train)) < 2:
        raise UsageError(f"{train}: label {label!r} has a single class; nothing to classify")
    if not regression and y_train.dtype.kind != y_test.dtype.kind:
        raise UsageError(f"label {label!r} is numeric in one file and text in the other")
    if not regression and y_train.dtype.kind == "f":
        raise UsageError(f"{train}: label {label!r} holds numbers that are not whole; {metric} "
                         "needs classes", hint="a measured target takes --metric r2 or rmse")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # convergence chatter is not a finding
            estimator.fit(x_train, y_train)
            predicted = estimator.predict(x_test)
            proba = None if regression else estimator.predict_proba(x_test)
    except ValueError as exc:
        raise UsageError(f"baseline {model} could not be fitted: {exc}") from None
    classes = None if regression else np.asarray(estimator.classes_)
    try:
        return score(metric, y_test, predicted, proba, classes)
    except ValueError as exc:  # sklearn refuses labels it cannot score (a class unseen in train)
        raise UsageError(f"{test}: {metric} cannot be computed: {exc}") from None


def fit_baselines(
    train: Path,
    test: Path,
    features: Sequence[str],
    label: str,
    model: BaselineModel,
    metric: BaselineMetric,
    seeds: Sequence[int],
) -> list[float]:
    """`fit_baseline` once per seed (the seed drives the forest and the dummy's ties)."""
    return [fit_baseline(train, test, features, label, model, metric, s) for s in seeds]


def baseline_findings(
    train: Path,
    test: Path,
    features: Sequence[str],
    label: str,
    model: BaselineModel,
    metric: BaselineMetric,
    seeds: Sequence[int],
    compare_to_value: float | None = None,
    tolerance: float = 0.01,
) -> list[Finding]:
    """Fit the baseline per seed; compare with the model's value when one is given."""
    values = fit_baselines(train, test, features, label, model, metric, seeds)
    if compare_to_value is not None:
        better = higher_is_better(metric)
        return audit_baseline(model, values, metric, [compare_to_value], tolerance, better)
    mean = statistics.fmean(values)
    evidence = {"baseline": model, "metric": metric, "seeds": list(seeds), "values": values}
    statement = f"{model} scores {metric} {mean:.4g} (no model value given to compare with)"
    return [Finding(AUDIT, "info", statement, evidence)]


def audit_baseline(
    name: str,
    baseline_values: Sequence[float],
    model_metric: str,
    model_values: Sequence[float],
    tolerance: float,
    higher_is_better: bool = True,
) -> list[Finding]:
    """Critical unless the model's mean metric beats the baseline's by more than `tolerance`."""
    if not baseline_values or not model_values:
        raise UsageError("the baseline audit needs at least one value for the baseline and model")
    if tolerance < 0:
        raise UsageError(f"tolerance must be >= 0, got {tolerance}")
    base_mean = statistics.fmean(baseline_values)
    model_mean = statistics.fmean(model_values)
    # Positive lead = the model is better, whatever the metric's direction.
    lead = (model_mean - base_mean) if higher_is_better else (base_mean - model_mean)
    evidence = {
        "baseline": name,
        "metric": model_metric,
        "baseline_values": [float(v) for v in baseline_values],
        "model_values": [float(v) for v in model_values],
        "baseline_mean": base_mean,
        "model_mean": model_mean,
        "model_lead": lead,
        "tolerance": tolerance,
        "higher_is_better": higher_is_better,
    }
    means = f"{model_metric}: model {model_mean:.4g}, baseline {base_mean:.4g}"
    if lead > tolerance:
        statement = f"the model beats {name} by {lead:.4g} ({means})"
        return [Finding(AUDIT, "info", statement, evidence)]
    statement = f"a simple baseline ({name}) matches the model"
    if lead < 0:
        statement += f"; the baseline is better by {-lead:.4g}"
    return [Finding(AUDIT, "critical", f"{statement} ({means})", evidence)]
