"""Every command goes through the one error handler: a bug is exit 70 with a crash log."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from runner.audits import duplicates as duplicates_audit
from runner.cli import app

cli = CliRunner()


def test_a_bug_in_an_audit_command_exits_70_with_a_crash_log(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> list[object]:
        raise RuntimeError("an audit bug")

    monkeypatch.setattr(duplicates_audit, "audit_duplicates", broken)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the crash log goes
    (tmp_path / "a.csv").write_text("x\n1\n")
    result = cli.invoke(app, ["audit", "duplicates", str(tmp_path / "a.csv"),
                                 str(tmp_path / "a.csv")])
    assert result.exit_code == 70  # not 1, which means "a critical finding"
    assert "repro crashed (a bug)" in result.output
    logs = list(tmp_path.glob("repro-crash-*.log"))
    assert logs and "an audit bug" in logs[0].read_text()


def test_a_malformed_file_given_to_an_audit_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("x\n1\n")
    result = cli.invoke(app, ["audit", "duplicates", str(tmp_path / "a.csv"),
                                 str(tmp_path / "missing.csv")])
    assert result.exit_code == 2 and "error:" in result.output
