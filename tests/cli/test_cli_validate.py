"""`repro validate` and `repro schema` through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from runner.cli import app
from runner.spec.schema import schema

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()
SHA = "0123456789abcdef0123456789abcdef01234567"
GOOD = f"""\
version: 1
paper: {{title: T}}
repo: {{url: https://x/y.git, commit: {SHA}}}
environment: {{base: b}}
steps:
  - {{name: train, run: python train.py}}
"""


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # short relative paths keep rich from wrapping them
    return tmp_path


def test_shipped_specs_validate() -> None:
    result = runner.invoke(app, ["validate", str(ROOT / "specs" / "aftershock.yaml")])
    assert result.exit_code == 0, result.output
    assert "ok" in result.stdout and "aftershock: 2 claims, 4 steps, 3 seeds" in result.stdout


def test_good_spec_exits_0(in_tmp: Path) -> None:
    (in_tmp / "good.yaml").write_text(GOOD)
    result = runner.invoke(app, ["validate", "good.yaml"])
    assert result.exit_code == 0
    assert "ok good.yaml (good: 0 claims, 1 steps, 1 seeds)" in result.stdout


def test_bad_spec_exits_2_with_file_and_line(in_tmp: Path) -> None:
    (in_tmp / "bad.yaml").write_text(GOOD + "claimz: []\n")
    result = runner.invoke(app, ["validate", "bad.yaml"])
    assert result.exit_code == 2
    assert "bad.yaml:7: claimz: unknown key" in result.stderr
    assert "did you mean `claims`?" in result.stderr
    assert result.stdout == ""


def test_every_problem_of_every_file_is_reported(in_tmp: Path) -> None:
    (in_tmp / "a.yaml").write_text(GOOD.replace("version: 1", "version: 3"))
    (in_tmp / "b.yaml").write_text(GOOD + "seeds: [1, 1]\n")
    (in_tmp / "c.yaml").write_text(GOOD)
    result = runner.invoke(app, ["validate", "a.yaml", "b.yaml", "c.yaml"])
    assert result.exit_code == 2
    assert "invalid spec: 2 problems" in result.stderr
    assert "a.yaml:1: version:" in result.stderr and "b.yaml:7: seeds:" in result.stderr
    assert "ok c.yaml" in result.stdout


def test_nonexistent_spec_exits_2(in_tmp: Path) -> None:
    result = runner.invoke(app, ["validate", "missing.yaml"])
    assert result.exit_code == 2
    assert "missing.yaml" in result.stderr and "no such file" in result.stderr


def test_folder_validates_every_yaml_but_lock_files(in_tmp: Path) -> None:
    folder = in_tmp / "specs"
    folder.mkdir()
    (folder / "one.yaml").write_text(GOOD)
    (folder / "two.yaml").write_text(GOOD)
    (folder / "one.lock.yaml").write_text("not: a spec\n")
    (folder / "notes.txt").write_text("::: not yaml")
    result = runner.invoke(app, ["validate", "specs"])
    assert result.exit_code == 0, result.output
    assert "ok specs/one.yaml" in result.stdout and "ok specs/two.yaml" in result.stdout
    assert "lock" not in result.stdout
    (folder / "three.yaml").write_text("- not a mapping\n")
    result = runner.invoke(app, ["validate", "specs"])
    assert result.exit_code == 2 and "specs/three.yaml:1:" in result.stderr


def test_empty_folder_is_a_usage_error(in_tmp: Path) -> None:
    (in_tmp / "empty").mkdir()
    result = runner.invoke(app, ["validate", "empty"])
    assert result.exit_code == 2 and "no spec files found" in result.stderr


def test_mutable_ref_flag(in_tmp: Path) -> None:
    (in_tmp / "branch.yaml").write_text(GOOD.replace(SHA, "main"))
    assert runner.invoke(app, ["validate", "branch.yaml"]).exit_code == 2
    result = runner.invoke(app, ["validate", "--allow-mutable-ref", "branch.yaml"])
    assert result.exit_code == 0, result.output


def test_schema_prints_the_json_schema() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == schema()


def test_long_paths_are_not_folded_into_two_lines(tmp_path: Path) -> None:
    # CI checks out under deep paths and pipes output: a folded line breaks grep for "ok PATH"
    deep = tmp_path.joinpath(*["a-rather-long-directory-name"] * 4)
    deep.mkdir(parents=True)
    (deep / "good.yaml").write_text(GOOD)
    result = runner.invoke(app, ["validate", str(deep / "good.yaml")])
    assert result.exit_code == 0, result.output
    assert f"ok {deep / 'good.yaml'} (good: 0 claims, 1 steps, 1 seeds)\n" in result.stdout
