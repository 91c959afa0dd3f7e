from __future__ import annotations

from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from runner.spec.audits import AuditsSpec, FileRef, parse_file_ref

EXAMPLE = r"""
audits:
  leakage:
    manifest: {file: "repo:data/split.csv", item: Name, split: Original}
    group: {pattern: '^(\d{4}[A-Za-z]{6})'}
    duplicates: {train: data:quakes/train.csv, test: out/test.h5:/table, columns: [a, b]}
  train_test_gap: [{train: train_auc, test: test_auc, margin: 0.0}]
  baseline:
    - name: logistic-regression
      model: logistic_regression
      train: out/train.csv
      test: out/test.csv
      features: [stress_xx, stress_yy]
      label: aftershock
      metric: roc_auc
      compare_to: nn_auc
      tolerance: 0.01
    - name: two-feature-script
      run: python baseline.py
      metric_regex: 'AUC: ([0-9.]+)'
      compare_to: nn_auc
  class_balance: {file: out/test.csv, label: aftershock, predictions: score,
                  reported: {accuracy: acc_metric}}
  learning_curve: {fractions: [1.0, 0.01, 0.1], metric: nn_auc}
"""


def _spec(**override: Any) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE)["audits"]
    data.update(override)
    return data


def test_valid_example() -> None:
    spec = AuditsSpec.model_validate(_spec())
    assert spec.leakage is not None and spec.leakage.manifest is not None
    assert spec.leakage.manifest.file == FileRef(location="repo", path="data/split.csv")
    assert spec.leakage.duplicates is not None
    assert spec.leakage.duplicates.train.data_name == "quakes"
    assert spec.learning_curve is not None and spec.learning_curve.fractions == [0.01, 0.1, 1.0]
    assert spec.metric_names() == {"train_auc", "test_auc", "nn_auc", "acc_metric"}
    dumped = spec.model_dump()
    assert dumped["leakage"]["manifest"]["file"] == "repo:data/split.csv"
    assert AuditsSpec.model_validate(dumped) == spec
    assert AuditsSpec() == AuditsSpec.model_validate({})


def test_extra_key_rejected() -> None:
    with pytest.raises(ValidationError, match="extra"):
        AuditsSpec.model_validate(_spec(typo_section={}))
    data = _spec()
    data["baseline"][0]["toleranse"] = 0.1
    with pytest.raises(ValidationError, match="toleranse"):
        AuditsSpec.model_validate(data)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("../secret.csv", "'..'"),
        ("repo:data/../../x.csv", "'..'"),
        ("/etc/passwd", "relative"),
        ("data:bad name/x.csv", "data:NAME/path"),
        ("s3://bucket/x.csv", "URLs"),
        ("", "empty"),
    ],
)
def test_bad_paths(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_file_ref(text)
    data = _spec(class_balance={"file": text, "label": "y"})
    with pytest.raises(ValidationError):
        AuditsSpec.model_validate(data)


def test_file_refs() -> None:
    assert parse_file_ref("out/x.csv") == FileRef(location="outputs", path="out/x.csv")
    assert parse_file_ref("data:quakes") == FileRef(location="data", path="", data_name="quakes")
    assert str(parse_file_ref("data:quakes/a/b.npy")) == "data:quakes/a/b.npy"


def test_group_rules() -> None:
    data = _spec()
    data["leakage"]["group"] = {"pattern": "(unclosed"}
    with pytest.raises(ValidationError, match="not a valid regular expression"):
        AuditsSpec.model_validate(data)
    data["leakage"]["group"] = {"pattern": "x", "column": "y"}
    with pytest.raises(ValidationError, match="exactly one"):
        AuditsSpec.model_validate(data)


def test_baseline_rules() -> None:
    run_without_metric = {"name": "b", "run": "python x.py", "compare_to": "m"}
    with pytest.raises(ValidationError, match="metric_regex"):
        AuditsSpec.model_validate({"baseline": [run_without_metric]})
    builtin_missing = {"name": "b", "model": "random_forest", "compare_to": "m"}
    with pytest.raises(ValidationError, match="needs"):
        AuditsSpec.model_validate({"baseline": [builtin_missing]})
    by_file = {**run_without_metric, "metric_file": "out/m.json", "key": "test.auc"}
    spec = AuditsSpec.model_validate({"baseline": [by_file, {**by_file, "name": "c"}]})
    assert spec.baseline[0].is_higher_better
    with pytest.raises(ValidationError, match="unique"):
        AuditsSpec.model_validate({"baseline": [by_file, by_file]})


def test_fraction_rules() -> None:
    for fractions, message in (
        ([0.1, 0.5], "1.0"),
        ([0.0, 1.0], r"\(0, 1\]"),
        ([0.1, 0.1, 1.0], "unique"),
    ):
        with pytest.raises(ValidationError, match=message):
            AuditsSpec.model_validate({"learning_curve": {"fractions": fractions, "metric": "m"}})
