"""The run record's typed model: its schema file, its round trip, its refusals."""

from __future__ import annotations

import json
import math
from pathlib import Path

import jsonschema
import pytest

from runner.errors import UsageError
from runner.record.model import RunRecord, RunStatus, Verdict
from runner.record.schema import record_schema_text
from runner.record.store import RECORD_NAME, Recorder, load_record

ROOT = Path(__file__).resolve().parents[3]


def minimal() -> RunRecord:
    return RunRecord.model_validate({
        "run_id": "20260101T000000Z-abc123", "status": "running",
        "started": "2026-01-01T00:00:00+00:00", "runner_version": "0.1.0",
        "spec": {"name": "demo", "path": "demo.yaml", "sha256": "a" * 64},
        "paper": {"title": "T"}, "options": {}, "seeds": [0, 1]})


def test_schema_file_is_what_repro_schema_record_prints() -> None:
    shipped = ROOT / "specs" / "record.schema.json"
    assert shipped.read_text() == record_schema_text(), \
        "stale: run `repro schema --record > specs/record.schema.json`"


def test_recorder_writes_what_the_schema_accepts(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path, minimal())
    recorder.update(claims=[{
        "metric": "acc", "claimed": 0.9, "tolerance": 0.01, "tolerance_as_written": 0.01,
        "higher_is_better": True, "values": [0.9], "missing": [], "verdict": "reproduced",
        "explanation": "inside"}],
        variants=[{"variant": "v", "metric": "acc", "n": 1, "values": [0.8],
                   "p_value": math.nan}])
    recorder.finish(RunStatus.COMPLETED, 0)
    data = json.loads((tmp_path / RECORD_NAME).read_text())
    jsonschema.Draft202012Validator(json.loads(record_schema_text())).validate(data)
    assert data["status"] == "completed" and data["exit_code"] == 0
    assert math.isnan(data["variants"][0]["p_value"])  # NaN kept, not turned into null
    assert "image" not in data  # a part never reached is absent, as before
    back = load_record(tmp_path / RECORD_NAME)
    assert back.claims[0].verdict is Verdict.REPRODUCED and back.status is RunStatus.COMPLETED


def test_a_typo_in_a_field_is_refused_when_written(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path, minimal())
    with pytest.raises(ValueError):
        recorder.update(claims=[{"metric": "acc", "verdikt": "reproduced"}])


def test_load_refuses_a_record_that_is_not_one(tmp_path: Path) -> None:
    path = tmp_path / RECORD_NAME
    path.write_text(json.dumps({"record_version": 1, "run_id": "x"}))
    with pytest.raises(UsageError, match="not a valid run record"):
        load_record(path)
    path.write_text(json.dumps({"record_version": 99}))
    with pytest.raises(UsageError, match="record version 99"):
        load_record(path)
