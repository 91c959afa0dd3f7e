"""`repro batch` from the command line, where no container is needed: usage errors, a
registry of invalid specs (exit 3, file:line:key), the lock in OUT (exit 4), --json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import runner.cli as cli
from runner.batch.outlock import BatchLock
from runner.cli import app

runner = CliRunner()
INVALID = ("version: 1\npaper: {title: t}\nrepo: {path: code}\nenvironment: {base: b}\n"
           "steps: []\nbogus: 1\n")


@pytest.fixture(autouse=True)
def _wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli.out, "width", 400)
    monkeypatch.setattr(cli.err, "width", 400)


def _registry(tmp_path: Path) -> Path:
    reg = tmp_path / "reg"
    reg.mkdir()
    (reg / "broken.yaml").write_text(INVALID)
    return reg


@pytest.mark.parametrize("args, message", [
    ([], "give the registry"),
    (["REG", "--slots", "0"], "--slots '0'"),
    (["REG", "--gpus", "a,b"], "--gpus 'a,b'"),
    (["REG", "--engine", "slurm"], "--engine 'slurm'"),
    (["REG", "--only", "nope"], "not in the registry: nope"),
    (["--resume", "OUT"], "not a batch folder"),
])
def test_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    reg = _registry(tmp_path)
    args = [str(reg) if a == "REG" else str(tmp_path) if a == "OUT" else a for a in args]
    result = runner.invoke(app, ["batch", *args, "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_invalid_specs_are_reported_with_file_line_key_and_exit_3(tmp_path: Path) -> None:
    reg = _registry(tmp_path)
    junit = tmp_path / "junit.xml"
    result = runner.invoke(app, ["batch", str(reg), "--out", str(tmp_path / "out"),
                                 "--junit", str(junit), "--quiet"])
    assert result.exit_code == 3, result.output
    assert f"{reg / 'broken.yaml'}:6: bogus: unknown key" in result.output
    assert "1 job(s): 1 invalid; exit 3" in result.output
    [journal] = (tmp_path / "out").glob("*/batch.json")
    data = json.loads(journal.read_text())
    assert data["state"] == "finished" and data["exit_code"] == 3
    assert data["jobs"][0]["state"] == "error" and data["jobs"][0]["problems"]
    assert 'errors="1"' in junit.read_text()


def test_json_prints_the_journal(tmp_path: Path) -> None:
    reg = _registry(tmp_path)
    result = runner.invoke(app, ["batch", str(reg), "--out", str(tmp_path / "out"), "--json"])
    data = json.loads(result.stdout)
    assert data["jobs"][0]["name"] == "broken" and data["exit_code"] == 3


def test_a_second_batch_in_the_same_out_exits_4_naming_the_first(tmp_path: Path) -> None:
    reg = _registry(tmp_path)
    out = tmp_path / "out"
    with BatchLock(out, "20260101T000000Z-first", [str(reg)]):
        result = runner.invoke(app, ["batch", str(reg), "--out", str(out)])
    assert result.exit_code == 4
    assert "another batch is running" in result.output
    assert "batch 20260101T000000Z-first (pid" in result.output
    assert not list(out.glob("*/batch.json"))  # nothing started
