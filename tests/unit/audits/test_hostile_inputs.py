"""Inputs the fuzz run (benchmarks/fuzz_specs.py) found crashing the audits with exit 70.

Each is now a UsageError naming the file (exit 2), or, for a file found in a folder, a
warning that it was not analysed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runner.audits.balance import audit_class_balance
from runner.audits.baseline import fit_baseline
from runner.audits.code_audit import audit_code
from runner.audits.readers import read_columns
from runner.errors import UsageError


@pytest.mark.parametrize(("content", "says"), [
    (b'{"label": 1, "score": "\xe9t\xe9"}\n', "not UTF-8 text"),  # latin-1 export
    (b"[" * 100_000 + b"\n", "nested too deeply"),  # RecursionError in json.loads
    (b'{"label": ' + b"1" * 5000 + b"}\n", "line 1 cannot be read"),  # int over 4300 digits
], ids=["latin-1", "deep", "long-int"])
def test_a_jsonl_file_python_cannot_decode_is_a_usage_error(
        tmp_path: Path, content: bytes, says: str) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_bytes(content)
    with pytest.raises(UsageError, match=says) as info:
        read_columns(path, ["label"])
    assert str(path) in info.value.message


@pytest.mark.parametrize("source", [
    "-" * 100_000 + "1",  # MemoryError from CPython's parser
    "x = " + "1+" * 20_000 + "1",  # RecursionError during ast construction
], ids=["unary", "sum"])
def test_python_too_deep_for_the_parser_is_a_usage_error(tmp_path: Path, source: str) -> None:
    path = tmp_path / "deep.py"
    path.write_text(source)
    with pytest.raises(UsageError, match="deep.py: nested too deeply for Python's parser"):
        audit_code([path])


def test_python_that_parses_but_is_too_deep_to_follow_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "sum.py"
    path.write_text("x = " + "1+" * 900 + "1\n")  # parses; the data-flow reading recurses
    with pytest.raises(UsageError, match="sum.py: nested too deeply for the code audit"):
        audit_code([path])


def test_a_too_deep_file_in_a_folder_is_a_warning_and_the_rest_is_read(tmp_path: Path) -> None:
    (tmp_path / "sum.py").write_text("x = " + "1+" * 900 + "1\n")
    (tmp_path / "ok.py").write_text("x = 1\n")
    findings = audit_code([tmp_path])
    warning = next(f for f in findings if f.severity == "warning")
    assert "1 file(s) not analysed" in warning.statement and "sum.py" in warning.statement
    assert any("no fit before a split in 2 file(s)" in f.statement for f in findings)


def test_a_notebook_cell_too_deep_to_parse_is_skipped(tmp_path: Path) -> None:
    cell = {"cell_type": "code", "source": "-" * 100_000 + "1", "metadata": {}, "outputs": [],
            "execution_count": None, "id": "a"}
    path = tmp_path / "deep.ipynb"
    path.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4,
                                "nbformat_minor": 5}))
    findings = audit_code([path])
    assert any("cells [1] are not valid Python" in f.statement for f in findings)


def test_python_with_a_nul_byte_is_a_usage_error_without_a_line(tmp_path: Path) -> None:
    path = tmp_path / "nul.py"
    path.write_bytes(b"x = 1\x00\n")
    with pytest.raises(UsageError, match="nul.py: not valid Python 3") as info:
        audit_code([path])
    assert "line None" not in info.value.message


def test_balance_of_a_continuous_label_column_is_a_usage_error(tmp_path: Path) -> None:
    # sklearn's accuracy_score raised "continuous is not supported" (exit 70).
    path = tmp_path / "pred.csv"
    path.write_text("score,label\n0.25,1\n0.5,0\n0.75,1\n")
    with pytest.raises(UsageError, match="column 'score' holds numbers that are not whole"):
        audit_class_balance(path, "score", predictions="score")


def test_a_classification_baseline_of_a_measured_target_is_a_usage_error(tmp_path: Path) -> None:
    # majority_class fitted it, then sklearn's accuracy_score raised (exit 70).
    path = tmp_path / "reg.csv"
    path.write_text("x,label\n1,0.5\n2,1.5\n")
    with pytest.raises(UsageError, match="holds numbers that are not whole; accuracy needs"):
        fit_baseline(path, path, ["x"], "label", "majority_class", "accuracy", 0)


def test_a_test_class_the_baseline_never_saw_is_a_usage_error(tmp_path: Path) -> None:
    # roc_auc over a test class the three-class model never saw: sklearn raised (exit 70).
    train, test = tmp_path / "train.csv", tmp_path / "test.csv"
    train.write_text("x,label\n1,0\n2,1\n3,2\n")
    test.write_text("x,label\n1,0\n2,1\n3,3\n")
    with pytest.raises(UsageError, match="test.csv: roc_auc cannot be computed"):
        fit_baseline(train, test, ["x"], "label", "logistic_regression", "roc_auc", 0)


@pytest.mark.parametrize(("cells", "finding"), [
    ([{"source": "x = 1", "metadata": {}}], "no fit before a split"),  # no cell_type
    ([{"cell_type": "code", "source": ["x = 1\n", "y = 2"], "metadata": {}, "outputs": [],
       "execution_count": None, "id": "a"}], "no fit before a split"),
], ids=["no-cell-type", "list-source"])
def test_a_notebook_cell_outside_the_schema_is_read_or_skipped(
        tmp_path: Path, cells: list[object], finding: str) -> None:
    # nbformat only warns about these; `cell.cell_type` then raised AttributeError (exit 70).
    path = tmp_path / "odd.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                "nbformat_minor": 5}))
    assert any(finding in f.statement for f in audit_code([path]))


def test_notebook_cells_that_are_not_cells_are_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "odd.ipynb"
    path.write_text(json.dumps({"cells": [1, 2], "metadata": {}, "nbformat": 4,
                                "nbformat_minor": 5}))
    with pytest.raises(UsageError, match="odd.ipynb: not a readable notebook"):
        audit_code([path])


def _complex_npy(path: Path, imaginary: list[float]) -> Path:
    import numpy as np

    array = np.zeros(len(imaginary), dtype=[("x", "c16"), ("label", "i4")])
    array["x"] = [1 + 1j * v for v in imaginary]
    array["label"] = [0, 1][: len(imaginary)]
    np.save(path, array)
    return path


def test_a_complex_column_is_not_read_as_its_real_part(tmp_path: Path) -> None:
    # numpy dropped the imaginary part with a ComplexWarning: 1+2j was read as 1.0.
    path = _complex_npy(tmp_path / "c.npy", [2.0, 3.0])
    with pytest.raises(UsageError, match="column 'x' holds complex numbers"):
        read_columns(path, ["x"], numeric=["x"])


def test_complex_rows_that_differ_only_in_the_imaginary_part_are_not_duplicates(
        tmp_path: Path) -> None:
    from runner.audits.duplicates import audit_duplicates

    train = _complex_npy(tmp_path / "train.npy", [2.0])
    test = _complex_npy(tmp_path / "test.npy", [3.0])
    (finding,) = audit_duplicates(train, test, ["x"])
    assert finding.evidence["test_rows_in_train"] == 0, finding


def test_nbformat_warnings_stay_out_of_the_users_terminal(tmp_path: Path) -> None:
    import warnings

    # A cell without an id: nbformat printed a MissingIDFieldWarning and its source line.
    cell = {"cell_type": "code", "source": "x = 1", "metadata": {}, "outputs": [],
            "execution_count": None}
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4,
                                "nbformat_minor": 5}))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        audit_code([path])
    assert not caught, [str(w.message) for w in caught]


def test_f1_with_a_test_class_the_two_class_model_never_saw_is_the_macro_average(
        tmp_path: Path) -> None:
    # sklearn's binary f1 raised "Target is multiclass" (a usage error since the fuzz run).
    train, test = tmp_path / "train.csv", tmp_path / "test.csv"
    train.write_text("x,label\n1,0\n2,1\n3,1\n4,0\n")
    test.write_text("x,label\n1,0\n2,1\n3,2\n")
    value = fit_baseline(train, test, ["x"], "label", "majority_class", "f1", 0)
    assert 0.0 <= value <= 1.0
