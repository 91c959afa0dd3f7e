"""Achieved metrics: a regex over a log, or a key in a json, yaml or csv file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runner.core.metrics import MetricNotFound, from_file, from_log
from runner.spec.models import FileMetric, RegexMetric

LOG = """\
epoch 1 acc: 0.50 loss 2.0
epoch 2 acc: 0.75 loss 1.0
final acc: 0.875
"""


def regex(pattern: str, occurrence: str = "last") -> RegexMetric:
    return RegexMetric(regex=pattern, step="train", occurrence=occurrence)  # type: ignore[arg-type]


def test_regex_takes_the_last_occurrence_by_default() -> None:
    assert from_log(regex(r"acc: ([0-9.]+)"), LOG) == 0.875


def test_regex_first_occurrence() -> None:
    assert from_log(regex(r"acc: ([0-9.]+)", "first"), LOG) == 0.5


def test_regex_without_a_group_uses_the_whole_match() -> None:
    assert from_log(regex(r"(?<=loss )[0-9.]+"), LOG) == 1.0


def test_regex_uses_the_first_group_when_there_are_several() -> None:
    assert from_log(regex(r"epoch (\d) acc: ([0-9.]+)"), LOG) == 2.0


def test_regex_anchors_work_per_line() -> None:
    assert from_log(regex(r"^final acc: ([0-9.]+)$"), LOG) == 0.875


def test_regex_scientific_and_negative_numbers() -> None:
    assert from_log(regex(r"v=(\S+)"), "v=-1.5e-3\n") == pytest.approx(-0.0015)


def test_regex_not_found_names_the_pattern_and_step() -> None:
    with pytest.raises(MetricNotFound, match="not found in the log of 'train'"):
        from_log(regex(r"auc: ([0-9.]+)"), LOG)


@pytest.mark.parametrize("text", ["acc: nan\n", "acc: inf\n", "acc: abc\n"])
def test_regex_match_that_is_not_a_finite_number(text: str) -> None:
    with pytest.raises(MetricNotFound):
        from_log(regex(r"acc: (\S+)"), text)


def test_regex_optional_group_that_did_not_match() -> None:
    with pytest.raises(MetricNotFound):
        from_log(regex(r"acc(: [0-9.]+)?!"), "acc!\n")


def write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


DATA = {"test": {"auc": 0.91, "per_class": [0.1, {"f1": 0.7}], "flag": True, "text": "high",
                 "nan": None}, "top": "0.5"}


@pytest.mark.parametrize(
    ("key", "value"),
    [("test.auc", 0.91), ("test.per_class.0", 0.1), ("test.per_class.1.f1", 0.7),
     ("test.per_class.-1.f1", 0.7), ("top", 0.5)],
)
def test_json_key_paths(tmp_path: Path, key: str, value: float) -> None:
    write(tmp_path, "out/m.json", json.dumps(DATA))
    assert from_file(FileMetric(file="out/m.json", key=key), tmp_path) == value


def test_yaml_file_by_suffix_and_by_format(tmp_path: Path) -> None:
    write(tmp_path, "m.yaml", "test:\n  auc: 0.8\n")
    write(tmp_path, "m.txt", "test:\n  auc: 0.7\n")
    assert from_file(FileMetric(file="m.yaml", key="test.auc"), tmp_path) == 0.8
    assert from_file(FileMetric(file="m.txt", key="test.auc", format="yaml"), tmp_path) == 0.7


CSV = "epoch,acc,loss\n1,0.5,2\n2,0.75,1\n3,0.875,0.5\n"


@pytest.mark.parametrize(("key", "value"), [("acc", 0.875), ("acc.0", 0.5), ("acc.-2", 0.75),
                                            ("loss.1", 1.0)])
def test_csv_column_and_row(tmp_path: Path, key: str, value: float) -> None:
    write(tmp_path, "h.csv", CSV)
    assert from_file(FileMetric(file="h.csv", key=key), tmp_path) == value


@pytest.mark.parametrize(
    ("key", "words"),
    [("test.missing", "no key 'test.missing'"), ("test.per_class.5", "no key"),
     ("test.auc.x", "no key"), ("test.flag", "boolean"), ("test.text", "not a number"),
     ("test.nan", "not a number"), ("test", "not a number")],
)
def test_json_problems_are_metric_not_found(tmp_path: Path, key: str, words: str) -> None:
    write(tmp_path, "m.json", json.dumps(DATA))
    with pytest.raises(MetricNotFound, match=words):
        from_file(FileMetric(file="m.json", key=key), tmp_path)


def test_json_nan_value_is_not_finite(tmp_path: Path) -> None:
    write(tmp_path, "m.json", '{"auc": NaN}')
    with pytest.raises(MetricNotFound, match="not a finite number"):
        from_file(FileMetric(file="m.json", key="auc"), tmp_path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MetricNotFound, match="was not written by the run"):
        from_file(FileMetric(file="nope.json", key="a"), tmp_path)
    (tmp_path / "dir.json").mkdir()
    with pytest.raises(MetricNotFound):
        from_file(FileMetric(file="dir.json", key="a"), tmp_path)


def test_corrupt_json_and_yaml(tmp_path: Path) -> None:
    write(tmp_path, "m.json", "{not json")
    write(tmp_path, "m.yaml", "a: [unclosed\n")
    with pytest.raises(MetricNotFound, match="not valid json"):
        from_file(FileMetric(file="m.json", key="a"), tmp_path)
    with pytest.raises(MetricNotFound, match="not valid yaml"):
        from_file(FileMetric(file="m.yaml", key="a"), tmp_path)


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [(CSV, "f1", "no column 'f1'"), (CSV, "acc.10", "no row 10"), ("acc\n", "acc", "no column"),
     ("acc,loss\n0.5\n", "loss", "not a number"), ("acc\nhigh\n", "acc", "not a number")],
)
def test_csv_problems(tmp_path: Path, text: str, key: str, words: str) -> None:
    write(tmp_path, "h.csv", text)
    with pytest.raises(MetricNotFound, match=words):
        from_file(FileMetric(file="h.csv", key=key), tmp_path)
