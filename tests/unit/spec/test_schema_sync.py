"""specs/schema.json is what `repro schema` prints, and agrees with the models on real specs."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from runner.spec import SpecError, load_spec_text
from runner.spec.schema import schema, schema_text

ROOT = Path(__file__).resolve().parents[3]
SCHEMA_FILE = ROOT / "specs" / "schema.json"
SHIPPED = ["aftershock.yaml", "aftershock-mini.yaml"]


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    body = schema()
    jsonschema.Draft202012Validator.check_schema(body)
    return jsonschema.Draft202012Validator(body)


def test_schema_file_is_up_to_date() -> None:
    assert SCHEMA_FILE.is_file(), "run `repro schema > specs/schema.json`"
    assert json.loads(SCHEMA_FILE.read_text()) == schema(), \
        "specs/schema.json is stale: run `repro schema > specs/schema.json`"
    assert SCHEMA_FILE.read_text() == schema_text()


def test_schema_describes_spec_version_1() -> None:
    body = schema()
    assert body["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert body["additionalProperties"] is False
    assert set(body["required"]) >= {"version", "paper", "repo", "environment", "steps"}


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_specs_validate_against_the_schema(
    name: str, validator: jsonschema.Draft202012Validator
) -> None:
    data = yaml.safe_load((ROOT / "specs" / name).read_text())
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []


SHA = "0123456789abcdef0123456789abcdef01234567"
MINIMAL = {"version": 1, "paper": {"title": "t"}, "repo": {"url": "u", "commit": SHA},
           "environment": {"base": "b"}, "steps": [{"name": "s", "run": "r"}]}


@pytest.mark.parametrize(
    "value", ["90m", "12h", "1.5d", "30", 30, "250ms", "2HR", "10 sec", "soon", "1e3", 0, -1, "5 x"]
)
def test_schema_and_model_agree_on_durations(
    value: object, validator: jsonschema.Draft202012Validator
) -> None:
    data = {**MINIMAL, "resources": {"timeout": value}}
    _agree(data, validator)


@pytest.mark.parametrize(
    "value", ["16g", "512m", "2GiB", "1024", 1024, "1KB", "4 G", "lots", "1pb", 0, -5, "1gg"]
)
def test_schema_and_model_agree_on_sizes(
    value: object, validator: jsonschema.Draft202012Validator
) -> None:
    data = {**MINIMAL, "resources": {"memory": value}}
    _agree(data, validator)


def _agree(data: dict[str, object], validator: jsonschema.Draft202012Validator) -> None:
    schema_ok = validator.is_valid(data)
    try:
        load_spec_text(yaml.safe_dump(data), "s.yaml")
        model_ok = True
    except SpecError:
        model_ok = False
    assert schema_ok == model_ok


def test_schema_refuses_unknown_keys_like_the_model(
    validator: jsonschema.Draft202012Validator,
) -> None:
    assert validator.is_valid(MINIMAL)
    assert not validator.is_valid({**MINIMAL, "claimz": []})
    assert not validator.is_valid({**MINIMAL, "steps": [{"name": "s", "run": "r", "rum": 1}]})
