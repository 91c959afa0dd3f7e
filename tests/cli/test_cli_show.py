"""`repro show` on a run record written by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from runner.cli import app
from runner.record.store import RECORD_NAME, RECORD_VERSION, write_json_atomic

runner = CliRunner()

RECORD: dict[str, Any] = {
    "record_version": RECORD_VERSION,
    "run_id": "20260101T000000Z-abc123",
    "started": "2026-01-01T00:00:00+00:00",
    "runner_version": "0.1.0",
    "spec": {"name": "demo", "path": "specs/demo.yaml", "sha256": "a" * 64},
    "paper": {"title": "A demo paper", "year": 2026},
    "options": {},
    "seeds": [0],
    "source": {"kind": "git", "location": "https://x/y.git", "commit": "0" * 40,
               "pinned": True},
    "image": {"tag": "repro/demo:0123456789abcdef", "id": "sha256:" + "1" * 64, "reused": True,
              "reason": "an image with the same content hash exists", "seconds": 0.01,
              "base_reference": "repro/debian-python:bookworm", "base_digest": "sha256:" + "2" * 64,
              "base_pinned": False, "cache_key": "3" * 64, "labels": {},
              "dockerfile": "Dockerfile", "build_log": "build.log"},
    "status": "completed",
    "exit_code": 1,
    "duration_seconds": 12.5,
    "verdict": "not_reproduced",
    "summary": "not reproduced",
    "claims": [
        {"metric": "nn_auc", "claimed": 0.85, "tolerance": 0.02, "tolerance_as_written": 0.02,
         "higher_is_better": True, "values": [0.85, 0.851, 0.852], "missing": [],
         "n": 3, "mean": 0.851,
         "ci_low": 0.84, "ci_high": 0.86, "difference": 0.001, "verdict": "reproduced",
         "explanation": "inside the band"},
        {"metric": "cf_auc", "claimed": 0.58, "tolerance": 0.02, "tolerance_as_written": 0.02,
         "higher_is_better": True, "values": [0.49, 0.5, 0.51], "missing": [],
         "n": 3, "mean": 0.5,
         "ci_low": 0.49, "ci_high": 0.51, "difference": -0.08, "verdict": "not_reproduced",
         "explanation": "below the band"},
    ],
    "runs": [{"label": "seed-0", "seed": 0, "status": "ok",
              "steps": [{"name": "train", "command": "python train.py", "env": {},
                         "exit_code": 0, "timed_out": False, "duration_seconds": 3.25,
                         "timeout_seconds": None, "network": False,
                         "log": "seed-0/train.log"}]}],
}


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "runs" / "demo" / RECORD["run_id"]
    folder.mkdir(parents=True)
    write_json_atomic(folder / RECORD_NAME, RECORD)
    return folder


def test_show_prints_claims_and_verdict(run_dir: Path) -> None:
    result = runner.invoke(app, ["show", str(run_dir / RECORD_NAME)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "demo" in out and "A demo paper (2026)" in out
    assert "verdict  not reproduced" in out
    assert "claims" in out
    # At 80 columns (a pipe) the verdicts are whole; the intervals may wrap.
    for text in ("nn_auc", "cf_auc", " reproduced ", "not_reproduced", "±0.02", "0.851",
                 "[0.84,", "0.86]", "inside the band", "below the band"):
        assert text in out, text
    assert "seed-0" in out and "train (0, 3.2)" in out


def test_show_by_folder_and_by_spec_name(run_dir: Path) -> None:
    runs = run_dir.parent.parent
    by_folder = runner.invoke(app, ["show", str(run_dir)])
    by_name = runner.invoke(app, ["show", "demo", "--runs-dir", str(runs)])
    assert by_folder.exit_code == 0 and by_name.exit_code == 0
    assert "cf_auc" in by_name.stdout and by_name.stdout == by_folder.stdout


def test_show_json_prints_the_record(run_dir: Path) -> None:
    result = runner.invoke(app, ["show", "--json", str(run_dir)])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == RECORD


def test_show_missing_run_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["show", "nothing-here", "--runs-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "no run record found" in result.stderr


def test_show_refuses_another_record_version(tmp_path: Path) -> None:
    path = tmp_path / RECORD_NAME
    write_json_atomic(path, {**RECORD, "record_version": 99})
    result = runner.invoke(app, ["show", str(path)])
    assert result.exit_code == 2 and "record version 99" in result.stderr


def test_show_refuses_a_corrupt_record(tmp_path: Path) -> None:
    path = tmp_path / RECORD_NAME
    path.write_text("{not json")
    result = runner.invoke(app, ["show", str(path)])
    assert result.exit_code == 2 and "not a readable run record" in result.stderr
