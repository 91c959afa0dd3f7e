"""Which `if` tests on environment variables the code audit decides, and how."""

from __future__ import annotations

import ast

import pytest

from runner.audits.code_env import EnvReader


def _decide(test: str, env: dict[str, str], setup: str = "") -> bool | None:
    reader = EnvReader(env)
    for stmt in ast.parse(setup).body:
        assert isinstance(stmt, ast.Assign)
        reader.remember(stmt.targets[0], stmt.value)
    expr = ast.parse(test, mode="eval").body
    return reader.decide(expr)


@pytest.mark.parametrize(("test", "env", "expected"), [
    ('os.environ.get("M") == "leaky"', {}, False),
    ('os.environ.get("M") == "leaky"', {"M": "leaky"}, True),
    ('os.environ.get("M", "leaky") == "leaky"', {}, True),
    ('os.getenv("M", "a") != "a"', {"M": "b"}, True),
    ('os.environ["M"] == "x"', {"M": "x"}, True),
    ('os.environ["M"] == "x"', {}, None),  # the code would raise KeyError: undecided
    ('os.environ.get("M") in ("a", "b")', {"M": "b"}, True),
    ('os.environ.get("M") not in ("a", "b")', {"M": "b"}, False),
    ('not os.environ.get("M")', {}, True),
    ('os.environ.get("M")', {"M": "1"}, True),
    ('os.environ.get("M") == other', {}, None),
    ('os.environ.get(key) == "x"', {}, None),
    ('x > 3', {}, None),
])
def test_decisions(test: str, env: dict[str, str], expected: bool | None) -> None:
    assert _decide(test, env) is expected


def test_a_name_read_from_the_environment_is_followed() -> None:
    setup = 'mode = os.environ.get("PREPROCESS", "clean")'
    assert _decide('mode == "leaky"', {}, setup) is False
    assert _decide('mode == "leaky"', {"PREPROCESS": "leaky"}, setup) is True
    assert _decide('other == "leaky"', {}, setup) is None
