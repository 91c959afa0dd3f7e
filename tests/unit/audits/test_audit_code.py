"""The code audit on scripts and notebooks the tests write: exact findings, none on twins."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
import typer
from code_fixtures import CLEAN, LEAKS, NOTEBOOK_CLEAN, NOTEBOOK_LEAK, SWITCHED
from typer.testing import CliRunner

from runner.audits.code_audit import audit_code
from runner.cli.audit_cmds import audit_app
from runner.errors import UsageError

app = typer.Typer()
app.add_typer(audit_app, name="audit")


def _line(source: str, mark: str) -> int:
    return next(i for i, line in enumerate(source.splitlines(), 1) if line.endswith(mark))


def _write(folder: Path, name: str, source: str) -> Path:
    path = folder / name
    path.write_text(source)
    return path


def _notebook(path: Path, cells: list[tuple[str, str]]) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) if kind == "code"
                else nbformat.v4.new_markdown_cell(src) for kind, src in cells]
    nbformat.write(nb, str(path))
    return path


def _critical(findings: list) -> list[dict]:  # type: ignore[type-arg]
    return [f.evidence for f in findings if f.severity == "critical"]


@pytest.mark.parametrize("name", sorted(LEAKS))
def test_each_leak_is_found_at_its_fit_and_split_lines(tmp_path: Path, name: str) -> None:
    kind, source = LEAKS[name]
    findings = audit_code([_write(tmp_path, name, source)])
    assert _critical(findings) == [{
        "file": str(tmp_path / name), "kind": kind, "fit": _critical(findings)[0]["fit"],
        "fit_line": _line(source, "# FIT"), "split": _critical(findings)[0]["split"],
        "split_line": _line(source, "# SPLIT"),
    }]
    assert findings[0].statement.startswith(f"{tmp_path / name} line {_line(source, '# FIT')}:")


def test_what_each_finding_names(tmp_path: Path) -> None:
    for name, (_, source) in LEAKS.items():
        _write(tmp_path, name, source)
    found = {(e["file"], e["fit"], e["split"]) for e in _critical(audit_code([tmp_path]))}
    assert found == {
        ("leak_scale.py", "StandardScaler.fit_transform", "train_test_split"),
        ("leak_select_kfold.py", "SelectKBest.fit", "KFold.split"),
        ("leak_smote_cv.py", "SMOTE.fit_resample", "cross_val_score"),
        ("leak_impute_grid.py", "SimpleImputer.fit_transform", "GridSearchCV.fit"),
        ("leak_pandas_scaling.py", "(X - X.mean()) / X.std()", "cross_validate"),
        ("leak_test_oversampling.py", "ADASYN.fit_resample", "train_test_split"),
        ("leak_fit_then_split.py", "KNNImputer.fit", "train_test_split"),
    }


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_clean_twins_have_no_finding(tmp_path: Path, name: str) -> None:
    findings = audit_code([_write(tmp_path, name, CLEAN[name])])
    assert [f.severity for f in findings] == ["info"], [f.statement for f in findings]


def test_environment_switch_is_read_as_the_run_takes_it(tmp_path: Path) -> None:
    path = _write(tmp_path, "switched.py", SWITCHED)
    assert _critical(audit_code([path])) == []
    assert _critical(audit_code([path], {"LEAKY": "0"})) == []
    leaks = _critical(audit_code([path], {"LEAKY": "1"}))
    assert [(e["fit_line"], e["split_line"], e["kind"]) for e in leaks] == [
        (_line(SWITCHED, "# FIT"), _line(SWITCHED, "# SPLIT"), "preprocessing")]


def test_notebook_finding_names_cells_and_lines(tmp_path: Path) -> None:
    path = _notebook(tmp_path / "leaky.ipynb", NOTEBOOK_LEAK)
    findings = audit_code([path])
    assert _critical(findings) == [{
        "file": str(path), "kind": "preprocessing", "fit": "RobustScaler.fit_transform",
        "fit_line": 2, "split": "train_test_split", "split_line": 2,
        "fit_cell": 4, "split_cell": 6,
    }]
    assert f"{path} cell 4 line 2:" in findings[0].statement
    assert "at cell 6 line 2" in findings[0].statement


def test_clean_notebook_has_no_finding(tmp_path: Path) -> None:
    path = _notebook(tmp_path / "clean.ipynb", NOTEBOOK_CLEAN)
    assert [f.severity for f in audit_code([path])] == ["info"]


def test_broken_cell_is_a_warning_and_the_rest_is_read(tmp_path: Path) -> None:
    cells = [*NOTEBOOK_LEAK[:3], ("code", "def broken(:"), *NOTEBOOK_LEAK[3:]]
    findings = audit_code([_notebook(tmp_path / "n.ipynb", cells)])
    assert [f.severity for f in findings] == ["critical", "warning"]
    assert _critical(findings)[0]["fit_cell"] == 5
    assert "cells [4]" in findings[1].statement


def test_unreadable_input_is_a_usage_error(tmp_path: Path) -> None:
    bad = _write(tmp_path, "bad.py", "x = (\n")
    notebook = _write(tmp_path, "bad.ipynb", "{not json")
    for path in (bad, notebook, tmp_path / "missing.py", _write(tmp_path, "a.txt", "x")):
        with pytest.raises(UsageError):
            audit_code([path])
    # found while walking a folder, a broken file is a warning, not the end of the audit
    _write(tmp_path, "leak_scale.py", LEAKS["leak_scale.py"][1])
    findings = audit_code([tmp_path])
    assert [f.severity for f in findings] == ["critical", "warning"]
    assert findings[1].statement.startswith("2 file(s) not analysed, first: bad.ipynb: ")
    assert len(findings[1].evidence["not_analysed"]) == 2  # a.txt is not read


def test_cli_exit_codes_and_json(tmp_path: Path) -> None:
    runner = CliRunner()
    leak = _write(tmp_path, "leak.py", LEAKS["leak_scale.py"][1])
    clean = _write(tmp_path, "clean.py", CLEAN["clean_scale.py"])
    result = runner.invoke(app, ["audit", "code", str(leak), "--json"])
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout)["findings"][0]["evidence"]["fit_line"] == 8
    assert runner.invoke(app, ["audit", "code", str(clean)]).exit_code == 0
    switched = _write(tmp_path, "switched.py", SWITCHED)
    assert runner.invoke(app, ["audit", "code", str(switched)]).exit_code == 0
    assert runner.invoke(app, ["audit", "code", str(switched), "--env", "LEAKY=1"]).exit_code == 1
    broken = _write(tmp_path, "broken.py", "def f(:\n")
    result = runner.invoke(app, ["audit", "code", str(broken)])
    assert result.exit_code == 2
    assert "not valid Python 3" in result.output
    assert runner.invoke(app, ["audit", "code", str(clean), "--env", "NOEQUALS"]).exit_code == 2
