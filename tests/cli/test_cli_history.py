"""`repro history`, `repro diff`, `repro drift`, `repro report` from the command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from record_factory import make_record, write_run
from typer.testing import CliRunner

from runner.cli import app

runner = CliRunner()


@pytest.fixture
def runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REPRO_HISTORY", str(tmp_path / "history.sqlite"))
    folder = tmp_path / "runs"
    write_run(folder, make_record("tiny", 0))
    write_run(folder, make_record("tiny", 1, values=[0.8, 0.81, 0.79], verdict="not_reproduced",
                                  pip=["numpy==1.26.4", "pip==23.0.1", "six==1.17.0"]))
    write_run(folder, make_record("other", 0))
    return folder


def _flat(text: str) -> str:
    """The output with table borders gone and whitespace collapsed."""
    return " ".join(re.sub(r"[\u2500-\u257f]", " ", text).split())


def test_import_then_history(runs: Path) -> None:
    first = runner.invoke(app, ["history", "import", str(runs)])
    again = runner.invoke(app, ["history", "import", str(runs)])
    shown = runner.invoke(app, ["history", "tiny"], terminal_width=250)
    every = runner.invoke(app, ["history", "--last", "1", "--json"])

    assert first.exit_code == 0 and "3 new, 0 already there" in first.output
    assert again.exit_code == 0 and "0 new, 3 already there" in again.output
    assert shown.exit_code == 0, shown.output
    text = _flat(shown.output)
    assert "tiny: 2 runs" in text and "other" not in text
    assert "2025-03-01 03:00" in text and "not_reproduced" in text
    assert "0.8 [0.7752, 0.8248]" in text and "lab-node-1" in text
    data = json.loads(every.output)
    assert [(s["name"], len(s["runs"])) for s in data["specs"]] == [("other", 1), ("tiny", 1)]
    assert data["specs"][1]["runs"][0]["metrics"]["auc"]["claimed"] == 0.9


def test_diff_by_position_names_the_metric_and_the_package(runs: Path) -> None:
    runner.invoke(app, ["history", "import", str(runs)])
    shown = runner.invoke(app, ["diff", "tiny@previous", "tiny@last"], terminal_width=250)
    as_json = runner.invoke(app, ["diff", "tiny@previous", "tiny@last", "--json"])

    assert shown.exit_code == 0, shown.output
    text = _flat(shown.output)
    assert "verdict reproduced -> not_reproduced" in text
    assert "auc 0.9 [0.8876, 0.9124] 0.8 [0.7752, 0.8248] -0.1 0.01 yes no" in text
    assert "changed six 1.16.0 -> 1.17.0" in text
    data = json.loads(as_json.output)
    assert data["metrics"][0]["beyond_tolerance"] is True
    assert data["packages"]["changed"] == {"six": {"a": "1.16.0", "b": "1.17.0"}}


def test_diff_of_two_folders_needs_no_history(runs: Path, tmp_path: Path) -> None:
    a, b = sorted((runs / "tiny").iterdir())
    result = runner.invoke(app, ["diff", str(a), str(b), "--json"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "history.sqlite").exists()


def test_drift_lists_what_moved(runs: Path) -> None:
    runner.invoke(app, ["history", "import", str(runs)])
    result = runner.invoke(app, ["drift", "--since", "2025-03-02"], terminal_width=250)
    later = runner.invoke(app, ["drift", "--since", "2025-03-03", "--json"])
    assert result.exit_code == 0, result.output
    text = _flat(result.output)
    assert "drift: 1 of 1 spec(s) with two runs moved" in text
    assert "tiny: verdict reproduced -> not_reproduced; auc 0.9 -> 0.8" in text
    assert "packages: six 1.16.0->1.17.0" in text
    assert json.loads(later.output) == []


def test_report_writes_the_site(runs: Path, tmp_path: Path) -> None:
    runner.invoke(app, ["history", "import", str(runs)])
    result = runner.invoke(app, ["report", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site" / "index.html").is_file()
    assert "report: " in result.output


@pytest.mark.parametrize(("args", "code", "message"), [
    (["diff", "tiny@first", "tiny@last"], 2, "unknown position 'first'"),
    (["history", "nothing"], 2, "no runs of nothing"),
    (["history", "import", "/no/such/folder"], 2, "no such folder"),
    (["drift", "--since", "soon"], 2, "not a date"),
    (["history", "--history", "mysql://u@h/db"], 2, "neither SQLite nor PostgreSQL"),
    (["history", "--history", "postgresql://nobody@127.0.0.1:1/db"], 4, "cannot use the history"),
])
def test_errors_are_one_line_with_their_exit_code(runs: Path, args: list[str], code: int,
                                                  message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == code, result.output
    assert message in _flat(result.output)


def test_help_names_both_forms_of_history() -> None:
    result = runner.invoke(app, ["history", "--help"], terminal_width=200)
    assert result.exit_code == 0
    assert "import" in result.output and "show" in result.output
