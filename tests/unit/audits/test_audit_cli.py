from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from runner.cli.audit_cmds import audit_app

app = typer.Typer()
app.add_typer(audit_app, name="audit")
runner = CliRunner()
PATTERN = r"^(\d{4}[A-Za-z]{6})"


@pytest.fixture
def manifest(write_csv) -> Path:  # type: ignore[no-untyped-def]
    rows = [("1992LANDER_a", "train"), ("1992LANDER_b", "test"), ("1994NORTHR_a", "train")]
    return write_csv("split.csv", ["Name", "Original"], rows)  # type: ignore[no-any-return]


def _leakage(path: Path, *extra: str) -> list[str]:
    return ["audit", "leakage", str(path), "--item", "Name", "--split", "Original", *extra]


def test_leakage_found_exits_1_and_json_parses(manifest: Path) -> None:
    result = runner.invoke(app, _leakage(manifest, "--group-pattern", PATTERN, "--json"))
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["findings"][0]["statement"] == "1 of 2 groups appear in more than one split"


def test_clean_exits_0_with_a_table(write_csv) -> None:  # type: ignore[no-untyped-def]
    path = write_csv(
        "s.csv", ["Name", "Original"], [("1992LANDER_a", "train"), ("1994NORTHR_a", "test")]
    )
    result = runner.invoke(app, _leakage(path, "--group-pattern", PATTERN))
    assert result.exit_code == 0, result.output
    assert "Audit findings (1 info)" in result.stdout
    assert "no group appears" in result.stdout


def test_bad_input_exits_2_without_traceback(manifest: Path, tmp_path: Path) -> None:
    for args in (
        _leakage(manifest),
        _leakage(manifest, "--group-pattern", "x", "--group-column", "y"),
        _leakage(manifest, "--group-pattern", "("),
        _leakage(manifest, "--group-column", "quake"),
        _leakage(tmp_path / "missing.csv", "--group-pattern", PATTERN),
        _leakage(tmp_path / "x.xlsx", "--group-pattern", PATTERN),
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert result.stderr.startswith("error: "), result.output
        assert "Traceback" not in result.output


def test_duplicates_and_balance(write_csv) -> None:  # type: ignore[no-untyped-def]
    train = write_csv("train.csv", ["a", "b"], [(1, 2), (3, 4)])
    test = write_csv("test.csv", ["a", "b"], [(1, 2), (5, 6)])
    result = runner.invoke(app, ["audit", "duplicates", str(train), str(test), "--columns", "a,b"])
    assert result.exit_code == 1, result.output
    result = runner.invoke(app, ["audit", "duplicates", str(train), str(test), "--columns", "c"])
    assert result.exit_code == 2 and "no column 'c'" in result.stderr
    preds = write_csv("p.csv", ["y", "p"], [(0, 0), (1, 1), (0, 0), (1, 1)])
    args = ["audit", "balance", str(preds), "--label", "y", "--predictions", "p"]
    result = runner.invoke(app, [*args, "--reported", "accuracy=1.0", "--json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["findings"]) == 3
    result = runner.invoke(app, [*args, "--reported", "accuracy"])
    assert result.exit_code == 2 and "NAME=NUMBER" in result.stderr


def test_baseline(write_csv) -> None:  # type: ignore[no-untyped-def]
    rows = [(i / 10, int(i > 4)) for i in range(10)]
    train = write_csv("train.csv", ["x", "y"], rows)
    test = write_csv("test.csv", ["x", "y"], rows)
    base = ["audit", "baseline", str(train), str(test), "--features", "x", "--label", "y"]
    result = runner.invoke(app, [*base, "--compare-to-value", "0.849", "--json"])
    assert result.exit_code == 1, result.output  # logistic regression scores AUC 1.0 here
    assert "matches the model" in json.loads(result.stdout)["findings"][0]["statement"]
    result = runner.invoke(app, [*base, "--model", "majority_class", "--compare-to-value", "0.849"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, [*base, "--model", "svm"])
    assert result.exit_code == 2 and "unknown --model" in result.stderr
    result = runner.invoke(app, [*base, "--tolerance", "0.1"])
    assert result.exit_code == 2 and "--compare-to-value" in result.stderr
    result = runner.invoke(app, [*base, "--seeds", "0,1", "--metric", "accuracy"])
    assert result.exit_code == 0, result.output
