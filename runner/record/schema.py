"""The run record's JSON Schema, generated from its model (shipped as specs/record.schema.json)."""

from __future__ import annotations

import json

from runner.record.model import RunRecord


def record_schema_text() -> str:
    body = RunRecord.model_json_schema()
    data = {"$schema": "https://json-schema.org/draft/2020-12/schema", **body,
            "title": "repro run record, version 1"}
    return json.dumps(data, indent=2) + "\n"
