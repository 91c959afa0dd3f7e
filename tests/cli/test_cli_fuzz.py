"""Bad input never crashes: `repro validate` and `repro plan` exit 0 or 2 with file:line:key
messages, the `repro audit` commands 0, 1 or 2, on any input, never 70, never a traceback.

The named hostile inputs come first, one test each; then hypothesis runs the generators of
spec_fuzz.py and audit_fuzz.py (mutated shipped specs, wrong types at every key, broken
tables, notebooks and Python files), bounded and derandomized so CI is deterministic. The
long run is benchmarks/fuzz_specs.py.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from audit_fuzz import DEEP_PY, audit_case
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from spec_fuzz import NAMED, SHIPPED, Fuzzer, Outcome, dump, put, spec_case

FUZZ = settings(deadline=None, derandomize=True, database=None, print_blob=False,
                suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture
def fuzzer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Fuzzer:
    # Relative names keep messages on one line under the test console's 80 columns.
    monkeypatch.chdir(tmp_path)
    return Fuzzer(Path("."))


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzer]:
    """One folder for all of a hypothesis test's examples (they overwrite their files)."""
    yield Fuzzer(tmp_path_factory.mktemp("fuzz"))


def assert_handled(outcome: Outcome) -> None:
    assert not outcome.crashed, f"{outcome.command} exit {outcome.code}:\n{outcome.output}"


@pytest.mark.parametrize("name", sorted(NAMED))
def test_a_hostile_spec_is_an_error_naming_the_file(fuzzer: Fuzzer, name: str) -> None:
    content = NAMED[name](random.Random(0))
    for outcome in fuzzer.spec(content, random.Random(0)):
        assert_handled(outcome)
        assert outcome.code == 2, outcome.output
        assert "paper.yaml" in outcome.output


@pytest.mark.parametrize("command", ["validate", "plan"])
def test_a_folder_missing_file_or_empty_file_is_an_error(fuzzer: Fuzzer, command: str) -> None:
    fuzzer.write("folder.yaml", None)
    Path("empty.yaml").write_bytes(b"")
    for name in ["folder.yaml", "nowhere.yaml", "empty.yaml"]:
        outcome = fuzzer.invoke([command, name])
        assert_handled(outcome)
        assert outcome.code == 2 and name in outcome.output, outcome.output


def test_a_wrong_type_is_reported_at_its_line_and_key(fuzzer: Fuzzer) -> None:
    data = yaml.safe_load(SHIPPED[0].read_text(encoding="utf-8"))
    data["resources"]["memory"] = [1, 2]
    outcomes = fuzzer.spec(dump(data, random.Random(0)))
    assert [o.code for o in outcomes] == [2, 2]
    line = next(i for i, text in enumerate(dump(data, random.Random(0)).decode().splitlines(), 1)
                if text.strip().startswith("memory:"))
    assert f"paper.yaml:{line}: resources.memory:" in outcomes[0].output


TABLES: dict[str, bytes | None] = {
    "folder.csv": None,
    "empty.csv": b"",
    "latin1.csv": b"label,score\n1,0.5\n\xe9t\xe9,0.1\n",
    "latin1.jsonl": b'{"label": 1, "score": "\xe9"}\n',
    "deep.jsonl": b"[" * 100_000 + b"\n",
    "long-int.jsonl": b'{"label": ' + b"1" * 5000 + b', "score": 0.5}\n',
    "junk.npy": bytes(range(256)) * 4,
    "junk.h5": b"\x89HDF\r\n\x1a\n" + bytes(300),
    "ragged.csv": b"label,score\n1,0.5,7\n",
    "header-only.csv": b"label,score\n",
}
AUDITS = [
    ["leakage", "{f}", "--item", "label", "--split", "score", "--group-column", "label"],
    ["duplicates", "{f}", "{f}"],
    ["balance", "{f}", "--label", "label", "--predictions", "score"],
    ["baseline", "{f}", "{f}", "--features", "score", "--label", "label"],
    ["neighbours", "{f}", "{f}", "--features", "score"],
]


@pytest.mark.parametrize("args", AUDITS, ids=lambda a: a[0])
@pytest.mark.parametrize("name", [*TABLES, "missing.csv"])
def test_an_audit_of_a_malformed_table_is_an_error(fuzzer: Fuzzer, name: str,
                                                   args: list[str]) -> None:
    if name in TABLES:
        fuzzer.write(name, TABLES[name])
    outcome = fuzzer.invoke(["audit", *(a.format(f=name) for a in args)])
    assert_handled(outcome)
    assert outcome.code == 2 and name in outcome.output, outcome.output


SOURCES: dict[str, bytes] = {
    **{f"deep{i}.py": text.encode() for i, text in enumerate(DEEP_PY)},
    "nul.py": b"x = 1\x00\n",
    "latin1.py": b"x = '\xe9'\n",
    "binary.py": bytes(range(256)),
    "list.ipynb": b"[1]",
    "cells-int.ipynb": b'{"cells": 5}',
    "deep-cell.ipynb": json.dumps({"cells": [{"cell_type": "code", "source": "-" * 100_000 + "1",
                                              "metadata": {}, "outputs": [],
                                              "execution_count": None}],
                                   "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode(),
}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_the_code_audit_of_a_hostile_file_is_handled(fuzzer: Fuzzer, name: str) -> None:
    fuzzer.write(name, SOURCES[name])
    outcome = fuzzer.invoke(["audit", "code", name])
    assert_handled(outcome)
    assert outcome.code == 0 or name in outcome.output, outcome.output


@settings(FUZZ, max_examples=120)
@given(seed=st.integers(0, 2**32 - 1))
def test_fuzz_validate_and_plan(shared: Fuzzer, seed: int) -> None:
    rng = random.Random(seed)
    kind, content = spec_case(rng)
    note(f"case kind {kind}")
    for outcome in shared.spec(content, rng):
        assert_handled(outcome)


# Values of every type YAML can hold, nested: put at random keys of a shipped spec.
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=12,
)


@settings(FUZZ, max_examples=100)
@given(spec=st.sampled_from(SHIPPED), values=st.lists(VALUES, min_size=1, max_size=4),
       seed=st.integers(0, 2**16))
def test_fuzz_wrong_types_everywhere(shared: Fuzzer, spec: Path, values: list[Any],
                                     seed: int) -> None:
    rng = random.Random(seed)
    data = yaml.safe_load(spec.read_text(encoding="utf-8"))
    for value in values:
        data = put(data, rng, value)
    for outcome in shared.spec(dump(data, rng), rng):
        assert_handled(outcome)


@settings(FUZZ, max_examples=100)
@given(seed=st.integers(0, 2**32 - 1))
def test_fuzz_audits(shared: Fuzzer, seed: int) -> None:
    assert_handled(audit_case(random.Random(seed), shared))
