"""Inputs the fuzz run (benchmarks/fuzz_specs.py) found crashing the audits with exit 70.

Each is now a UsageError naming the file (exit 2), or, for a file found in a folder, a
warning that it was not analysed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runner.audits.balance import audit_class_balance
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
