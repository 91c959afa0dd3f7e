"""`repro --version` and the help of every command."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from runner import __version__
from runner.cli import app

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"repro {__version__}"


def test_no_arguments_shows_help() -> None:
    result = runner.invoke(app, [])
    assert "Usage" in result.output and "validate" in result.output


@pytest.mark.parametrize(
    ("command", "example"),
    [(["run"], "repro run specs/aftershock-mini.yaml"),
     (["validate"], "repro validate specs/"),
     (["schema"], "repro schema > specs/schema.json"),
     (["plan"], "repro plan specs/aftershock.yaml"),
     (["lock"], "repro lock specs/aftershock-mini.yaml"),
     (["show"], "repro show aftershock-mini"),
     (["images", "bootstrap"], "repro images bootstrap"),
     (["audit", "leakage"], "repro audit leakage")],
)
def test_help_of_every_command_shows_an_example(command: list[str], example: str) -> None:
    result = runner.invoke(app, [*command, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "Example" in result.stdout
    assert example in " ".join(result.stdout.split())


def test_unknown_command_is_a_usage_error() -> None:
    result = runner.invoke(app, ["frobnicate"])
    assert result.exit_code == 2
