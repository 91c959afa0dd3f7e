"""Specs the fuzz run (benchmarks/fuzz_specs.py) found mishandled.

A spec with tens of thousands of problems (its "many keys" case) is reported in a few
seconds with the first 50, not after half a minute with every one of them; a lone surrogate
escape (`"\\ud800"`) is refused at its line instead of crashing `repro plan` (exit 70).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from runner.spec import SpecError, load_spec, load_spec_text
from runner.spec.errors import MAX_SHOWN, Problem
from runner.spec.yamlsafe import MAX_BYTES


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


@pytest.mark.parametrize("doc", [
    'version: 1\nrepo: {path: "x\\ud800"}\n',  # plan resolved the path: UnicodeEncodeError
    'version: 1\n"k\\udfff": 1\n',  # in a key
    'version: 1\nsteps: [{run: "echo \\ud83d\\ude00"}]\n',  # PyYAML keeps both halves
])
def test_a_surrogate_escape_is_refused_at_its_line(doc: str) -> None:
    with pytest.raises(SpecError) as info:
        load_spec_text(doc, "paper.yaml")
    (problem,) = info.value.problems
    assert problem.line == 2 and "a UTF-16 surrogate" in problem.message


def test_a_32_bit_escape_is_text() -> None:
    with pytest.raises(SpecError) as info:  # invalid for other reasons, not for the name
        load_spec_text('version: 1\nname: "\\U0001F600"\n', "paper.yaml")
    assert not any("surrogate" in p.message for p in info.value.problems)


@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_a_device_or_pipe_is_not_read(tmp_path: Path, kind: str) -> None:
    # /dev/zero was read until memory ran out; a fifo with no writer blocked forever.
    path = Path("/dev/zero")
    if kind == "fifo":
        path = tmp_path / "paper.yaml"
        os.mkfifo(path)
    with pytest.raises(SpecError, match="not a regular file"):
        load_spec(path)


def test_a_huge_file_is_refused_for_its_size_after_reading_only_the_limit(
        tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("name: " + "é" * MAX_BYTES)  # the cut falls inside a character
    with pytest.raises(SpecError, match=f"file is larger than {MAX_BYTES} bytes"):
        load_spec(path)
