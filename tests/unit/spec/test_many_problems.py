"""A spec with tens of thousands of problems (the fuzz run's "many keys" case) is reported in
a few seconds with the first 50, not after half a minute with every one of them."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from runner.spec import SpecError, load_spec
from runner.spec.errors import MAX_SHOWN, Problem


def test_only_the_first_problems_of_a_file_are_shown(tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    path.write_text("".join(f"k{i}: {i}\n" for i in range(5000)))
    started = time.monotonic()
    with pytest.raises(SpecError) as info:
        load_spec(path)
    took = time.monotonic() - started
    problems = info.value.problems
    assert len(problems) > 5000  # every unknown key, plus the required ones
    text = str(info.value)
    assert text.count("unknown key") <= MAX_SHOWN
    assert f"many.yaml: ... and {len(problems) - MAX_SHOWN} more problems" in text
    assert took < 20, took  # a guard against a quadratic report, not a benchmark


def test_each_file_shows_its_own_first_problems() -> None:
    problems = [Problem(name, i, ("k",), "bad") for name in ("a.yaml", "b.yaml")
                for i in range(1, MAX_SHOWN + 3)]
    text = str(SpecError(problems))
    assert "a.yaml: ... and 2 more problems" in text and "b.yaml: ... and 2 more" in text
    assert "b.yaml:1: k: bad" in text
