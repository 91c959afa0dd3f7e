"""Class balance, and the paper's metrics recomputed from its own saved predictions.

A deepfake test set with twice as many fakes as real faces gives "always fake" an accuracy of
0.67. This audit counts the classes and, given the saved predictions (scores or labels),
recomputes accuracy, balanced accuracy and (for scores) ROC AUC beside the reported values.

Severity (documented thresholds):
  * majority class above MAJORITY_WARNING (60%) of the rows: warning; above MAJORITY_CRITICAL
    (80%): critical, since a constant prediction then scores accuracy above 0.8;
  * accuracy above balanced accuracy by more than FLATTERY_MARGIN (0.1): critical,
    "accuracy flattered by class imbalance";
  * a recomputed metric that differs from the reported one by more than REPORT_TOLERANCE
    (0.005): warning (rounding in a paper's table stays below it);
  * when `reported` names only ratio-immune metrics (ROC AUC, balanced accuracy), the two
    critical cases above are warnings: the paper's numbers are not flattered.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from sklearn import metrics as skm

from runner.audits.baseline import normalise_labels
from runner.audits.findings import Finding, Severity
from runner.audits.readers import read_columns, to_float
from runner.errors import UsageError

AUDIT = "class_balance"
MAJORITY_WARNING = 0.6
MAJORITY_CRITICAL = 0.8
FLATTERY_MARGIN = 0.1
REPORT_TOLERANCE = 0.005
_ALIASES = {
    "acc": "accuracy",
    "auc": "roc_auc",
    "roc-auc": "roc_auc",
    "balanced_acc": "balanced_accuracy",
}


def _balance_finding(labels: np.ndarray) -> Finding:
    classes, counts = np.unique(labels, return_counts=True)
    order = np.argsort(-counts, kind="stable")
    shares = counts / counts.sum()
    top = int(order[0])
    majority = float(shares[top])
    evidence = {
        "rows": int(counts.sum()),
        "counts": {str(classes[i]): int(counts[i]) for i in order},
        "shares": {str(classes[i]): round(float(shares[i]), 6) for i in order},
        "majority_class": str(classes[top]),
        "majority_share": majority,
        "thresholds": {"warning": MAJORITY_WARNING, "critical": MAJORITY_CRITICAL},
    }
    severity: Severity = "info"
    if majority > MAJORITY_CRITICAL:
        severity = "critical"
    elif majority > MAJORITY_WARNING:
        severity = "warning"
    statement = (
        f"the majority class ({classes[top]}) is {majority:.1%} of {int(counts.sum())} rows; "
        f"predicting it always scores accuracy {majority:.3f}"
    )
    return Finding(AUDIT, severity, statement, evidence)


def _predicted_labels(
    raw: np.ndarray, labels: np.ndarray, threshold: float, column: str, path: Path
) -> tuple[np.ndarray, np.ndarray | None]:
    """Predicted labels and, when the column holds scores, the scores (binary labels only)."""
    predicted = normalise_labels(raw)
    if set(np.unique(predicted).tolist()) <= set(np.unique(labels).tolist()):
        return predicted.astype(labels.dtype), None
    classes = np.unique(labels)
    if len(classes) != 2:
        raise UsageError(
            f"{path}: predictions column {column!r} holds values that are not labels, "
            "and scores are only understood for two classes"
        )
    scores = to_float(raw, column, str(path))
    return np.where(scores >= threshold, classes[1], classes[0]), scores


def _recompute(
    labels: np.ndarray, predicted: np.ndarray, scores: np.ndarray | None
) -> dict[str, float]:
    out = {
        "accuracy": float(skm.accuracy_score(labels, predicted)),
        "balanced_accuracy": float(skm.balanced_accuracy_score(labels, predicted)),
    }
    if scores is not None and len(np.unique(labels)) == 2:
        out["roc_auc"] = float(skm.roc_auc_score(labels == np.unique(labels)[1], scores))
    return out


def _metrics_finding(recomputed: dict[str, float], kind: str, threshold: float) -> Finding:
    gap = recomputed["accuracy"] - recomputed["balanced_accuracy"]
    evidence: dict[str, Any] = {
        "recomputed": recomputed,
        "predictions": kind,
        "accuracy_minus_balanced": gap,
        "flattery_margin": FLATTERY_MARGIN,
    }
    if kind == "scores":
        evidence["threshold"] = threshold
    if gap > FLATTERY_MARGIN:
        statement = (
            f"accuracy flattered by class imbalance: accuracy {recomputed['accuracy']:.3f}, "
            f"balanced accuracy {recomputed['balanced_accuracy']:.3f}"
        )
        return Finding(AUDIT, "critical", statement, evidence)
    shown = ", ".join(f"{k} {v:.3f}" for k, v in recomputed.items())
    return Finding(AUDIT, "info", f"recomputed from the saved predictions: {shown}", evidence)


def _reported_findings(
    reported: Mapping[str, float], recomputed: dict[str, float]
) -> list[Finding]:
    findings: list[Finding] = []
    for given, value in reported.items():
        name = _ALIASES.get(given.lower(), given.lower())
        if name not in recomputed:
            known = ", ".join(recomputed)
            raise UsageError(f"reported metric {given!r} cannot be recomputed here; known: {known}")
        diff = recomputed[name] - float(value)
        evidence = {
            "metric": name,
            "reported": float(value),
            "recomputed": recomputed[name],
            "difference": diff,
            "tolerance": REPORT_TOLERANCE,
        }
        if abs(diff) > REPORT_TOLERANCE:
            statement = (
                f"recomputed {name} {recomputed[name]:.4f} differs from the reported "
                f"{float(value):.4f}"
            )
            findings.append(Finding(AUDIT, "warning", statement, evidence))
        else:
            statement = f"recomputed {name} {recomputed[name]:.4f} matches the reported value"
            findings.append(Finding(AUDIT, "info", statement, evidence))
    return findings


def audit_class_balance(
    path: Path,
    label: str,
    predictions: str | None = None,
    reported: Mapping[str, float] | None = None,
    threshold: float = 0.5,
) -> list[Finding]:
    """Class counts of `label`; with `predictions`, the metrics recomputed and compared."""
    if reported and predictions is None:
        raise UsageError("reported metrics can only be checked against a predictions column")
    table = read_columns(path, [label] + ([predictions] if predictions else []))
    labels = normalise_labels(table[label])
    findings = [_balance_finding(labels)]
    if predictions is None:
        return findings
    if labels.dtype.kind == "f":  # sklearn's metrics take classes, not measurements
        raise UsageError(f"{path}: column {label!r} holds numbers that are not whole (e.g. "
                         f"{_first_fraction(labels)}); metrics need class labels",
                         hint="name the column of classes with --label")
    predicted, scores = _predicted_labels(table[predictions], labels, threshold, predictions, path)
    recomputed = _recompute(labels, predicted, scores)
    kind = "labels" if scores is None else "scores"
    findings.append(_metrics_finding(recomputed, kind, threshold))
    if reported and not {_ALIASES.get(k.lower(), k.lower()) for k in reported} & _RATIO_SENSITIVE:
        findings = [_soften(f) for f in findings]
    findings.extend(_reported_findings(reported or {}, recomputed))
    return findings


def _first_fraction(labels: np.ndarray) -> float:
    odd = labels[~np.isfinite(labels) | (labels != np.round(labels))]
    return float(odd[0])


# Metrics a skewed class ratio can flatter; ROC AUC and balanced accuracy are immune.
_RATIO_SENSITIVE = {"accuracy"}


def _soften(finding: Finding) -> Finding:
    """Imbalance is a warning, not critical, when the paper reports no accuracy at all."""
    if finding.severity != "critical":
        return finding
    note = "the paper reports no accuracy; its reported metrics are not flattered by the ratio"
    return Finding(finding.audit, "warning", finding.statement,
                   {**finding.evidence, "severity_note": note})
