"""The spec's JSON Schema, generated from the models (shipped as specs/schema.json)."""

from __future__ import annotations

import json

from runner.spec.models import Spec


def schema() -> dict[str, object]:
    body = Spec.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            **body, "title": "repro spec, version 1"}


def schema_text() -> str:
    return json.dumps(schema(), indent=2, sort_keys=False) + "\n"
