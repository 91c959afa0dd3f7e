"""Spec loading: a full example, the default name, unknown and missing keys, and problem lines."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from runner.errors import ExitCode
from runner.spec import Problem, SpecError, load_spec, load_spec_text
from runner.spec.errors import format_path

SHA = "0123456789abcdef0123456789abcdef01234567"
DIGEST = "sha256:" + "a" * 64

FULL = f"""\
version: 1
name: full-example
paper:
  title: A paper
  authors: [A. Author, B. Author]
  year: 2020
  venue: Somewhere
  doi: 10.1/x
  url: https://example.org/paper
repo:
  url: https://example.org/code.git
  commit: {SHA}
  submodules: true
environment:
  base: python:3.11-slim@{DIGEST}
  python: python3
  apt: [git, libhdf5-dev]
  pip:
    requirements: requirements.txt
    packages: [numpy==1.26.4]
  env: {{A: 0, B: true, C: text}}
  setup: [make]
  workdir: /work/repo
resources: {{gpus: [0, 1], cpus: 4, memory: 16g, shm: 512m, pids: 100, timeout: 12h}}
data:
  - name: train-set
    url: https://example.org/data.zip
    sha256: {"B" * 64}
    mount: /work/Data
  - name: manual-set
    source: manual
    instructions: ask the authors
    mount: /work/Manual
seeds: [0, 1, 2]
determinism: {{mode: strict, probe: true}}
statistics: {{confidence: 0.9}}
steps:
  - name: train
    run: python train.py --seed {{seed}} --fraction {{fraction}}
    timeout: 90m
    network: true
    env: {{X: 1}}
  - name: evaluate
    run: python eval.py
metrics:
  acc: {{regex: 'accuracy: ([0-9.]+)', step: evaluate, occurrence: first}}
  f1: {{file: results/metrics.json, key: test.f1, format: json}}
claims:
  - metric: acc
    value: 0.9
    tolerance: 0.01
    where: Table 1
    std: 0.005
    n: 5
  - metric: f1
    value: 0.8
    tolerance: "2%"
    higher_is_better: null
variants:
  no-aug: {{env: {{AUG: 0}}, steps: {{train: python train.py --no-aug}}}}
artifacts: [model.h5, out/plots]
audits:
  train_test_gap:
    - {{train: acc, test: f1}}
"""


def problems_of(text: str, file: str = "spec.yaml", **kw: bool) -> list[Problem]:
    with pytest.raises(SpecError) as info:
        load_spec_text(text, file, **kw)
    return info.value.problems


def test_full_example_loads_with_every_section() -> None:
    spec = load_spec_text(FULL, "full.yaml")
    assert spec.name == "full-example"
    assert spec.repo.commit == SHA and spec.repo.submodules is True
    assert spec.environment.env == {"A": "0", "B": "true", "C": "text"}
    assert spec.resources.gpus == [0, 1]
    assert spec.resources.memory == 16 * 1024**3
    assert spec.resources.shm == 512 * 1024**2
    assert spec.resources.timeout == 12 * 3600
    assert spec.steps[0].timeout == 90 * 60
    assert spec.steps[0].env == {"X": "1"}
    assert [d.manual for d in spec.data] == [False, True]
    assert spec.data[0].sha256 == "b" * 64  # normalised to lower case
    assert spec.determinism_settings.mode == "strict" and spec.determinism_settings.probe
    assert spec.metrics["acc"].occurrence == "first"
    assert spec.claims[1].absolute_tolerance == pytest.approx(0.016)
    assert spec.claims[1].higher_is_better is None
    assert spec.variants["no-aug"].env == {"AUG": "0"}
    assert spec.step("evaluate").run == "python eval.py"


@pytest.mark.parametrize(
    ("file", "expected"),
    [("specs/My Paper.yaml", "my-paper"), ("x/aftershock.yml", "aftershock"),
     ("A_B.C.yaml", "a_b.c"), ("__.yaml", "spec")],
)
def test_name_defaults_to_the_slugified_file_name(file: str, expected: str) -> None:
    text = FULL.replace("name: full-example\n", "")
    assert load_spec_text(text, file).name == expected


def test_explicit_name_must_be_a_slug() -> None:
    (problem,) = problems_of(FULL.replace("name: full-example", "name: Full Example"))
    assert problem.path == ("name",) and problem.line == 2
    assert "not a slug" in problem.message


def test_spec_error_is_exit_code_2_and_lists_every_problem() -> None:
    assert SpecError.exit_code == ExitCode.INVALID == 2
    text = FULL.replace("claims:", "claimz:").replace("  year: 2020", "  yeer: 2020")
    problems = problems_of(text, "dir/spec.yaml")
    assert {p.path for p in problems} == {("claimz",), ("paper", "yeer")}
    assert all(p.file == "dir/spec.yaml" for p in problems)


@pytest.mark.parametrize(
    ("old", "new", "path", "line", "suggestion"),
    [
        ("claims:", "claimz:", ("claimz",), 48, "claims"),
        ("  year: 2020", "  yeer: 2020", ("paper", "yeer"), 6, "year"),
        ("    timeout: 90m", "    timout: 90m", ("steps", 0, "timout"), 40, "timeout"),
        ("resources: {gpus:", "resources: {gpuz:", ("resources", "gpuz"), 24, "gpus"),
        ("    packages: [", "    packges: [", ("environment", "pip", "packges"), 20, "packages"),
        ("    sha256: B", "    sha265: B", ("data", 0, "sha265"), 28, "sha256"),
        ("    where: Table 1", "    were: Table 1", ("claims", 0, "were"), 52, "where"),
        ("step: evaluate, occurrence:", "step: evaluate, ocurrence:",
         ("metrics", "acc", "ocurrence"), 46, "occurrence"),
        ("format: json}", "formt: json}", ("metrics", "f1", "formt"), 47, "format"),
        ("{env: {AUG: 0}, steps:", "{env: {AUG: 0}, stepz:", ("variants", "no-aug", "stepz"),
         60, "steps"),
        ("  train_test_gap:", "  train_test_gap_:", ("audits", "train_test_gap_"), 63,
         "train_test_gap"),
        ("probe: true}", "prob: true}", ("determinism", "prob"), 35, "probe"),
    ],
)
def test_unknown_key_names_line_path_and_closest_key(
    old: str, new: str, path: tuple[str | int, ...], line: int, suggestion: str
) -> None:
    assert FULL.count(old) == 1
    problems = problems_of(FULL.replace(old, new), "full.yaml")
    unknown = [p for p in problems if p.message == "unknown key"]
    assert len(unknown) == 1
    (problem,) = unknown
    assert problem.path == path
    assert problem.line == line
    assert problem.hint == f"did you mean `{suggestion}`?"
    assert problem.file == "full.yaml"


def test_unknown_key_without_close_match_lists_valid_keys() -> None:
    (problem,) = problems_of(FULL + "zzzzzz: 1\n")
    assert problem.hint is not None and problem.hint.startswith("valid keys here:")
    assert "claims" in problem.hint and "steps" in problem.hint


@pytest.mark.parametrize("key", ["version", "paper", "repo", "environment", "steps"])
def test_missing_required_top_level_key(key: str) -> None:
    lines = FULL.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith(" "))
    problems = problems_of("".join(lines[:start] + lines[end:]))
    missing = [p for p in problems if p.message == "required key is missing"]
    assert [p.path for p in missing] == [(key,)]
    assert missing[0].hint == f"add `{key}:` here (see docs/spec.md)"


def test_missing_nested_keys_point_at_their_parent_line() -> None:
    text = FULL.replace("  title: A paper\n", "").replace(
        "    run: python eval.py\n", "")
    problems = {p.path: p for p in problems_of(text)}
    assert problems[("paper", "title")].line == 3
    assert problems[("steps", 1, "run")].line == 42  # the `- name: evaluate` item (title removed)
    assert all(p.message == "required key is missing" for p in problems.values())


MULTI = """\
version: 1
paper:
  title: T
repo:
  url: https://example.org/code.git
  commit: main
environment:
  base: img
  workdir: relative/dir
resources:
  memory: lots
  gpus: -1
seeds: [1, 1]
steps:
  - name: train
    run: python train.py
  - name: train
    run: python again.py
metrics:
  acc: {regex: 'acc ([0-9.]+)', step: train}
claims:
  - metric: ac
    value: 0.9
    tolerance: -1
"""


def test_every_problem_of_a_multi_error_file_has_its_exact_line() -> None:
    problems = problems_of(MULTI, "multi.yaml")
    found = {(format_path(p.path), p.line) for p in problems}
    # Field errors and cross-reference errors come all at once.
    assert found == {
        ("repo.commit", 6),
        ("environment.workdir", 9),
        ("resources.memory", 11),
        ("resources.gpus", 12),
        ("seeds", 13),
        ("steps[1].name", 17),
        ("claims[0].metric", 22),
        ("claims[0].tolerance", 24),
    }
    assert all(p.file == "multi.yaml" for p in problems)
    rendered = str(SpecError(problems))
    assert rendered.startswith("invalid spec: 8 problems")
    assert "multi.yaml:9: environment.workdir:" in rendered


def test_reference_problems_are_reported_together_with_lines() -> None:
    text = MULTI.replace("  commit: main", f"  commit: {SHA}").replace(
        "  workdir: relative/dir\n", "").replace("  memory: lots\n  gpus: -1\n", "  gpus: 0\n"
    ).replace("seeds: [1, 1]", "seeds: [1]").replace("tolerance: -1", "tolerance: 1")
    problems = problems_of(text, "refs.yaml")
    found = {(format_path(p.path), p.line, p.hint) for p in problems}
    assert found == {
        ("steps[1].name", 15, "names must be unique"),
        ("claims[0].metric", 20, "did you mean `acc`?"),
    }


def test_problems_are_sorted_by_line_and_render_file_line_path() -> None:
    problems = problems_of(MULTI, "multi.yaml")
    lines = [p.line or 0 for p in problems]
    assert lines == sorted(lines)
    assert problems[0].render().startswith("multi.yaml:6: repo.commit: ")


def test_load_spec_reads_a_file_and_reports_its_path(tmp_path: Path) -> None:
    good = tmp_path / "good-one.yaml"
    good.write_text(FULL.replace("name: full-example\n", ""))
    assert load_spec(good).name == "good-one"
    bad = tmp_path / "bad.yaml"
    bad.write_text(MULTI)
    with pytest.raises(SpecError) as info:
        load_spec(bad)
    assert {p.file for p in info.value.problems} == {str(bad)}


def test_load_spec_missing_file_and_undecodable_file(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as info:
        load_spec(tmp_path / "nope.yaml")
    assert info.value.problems[0].message == "no such file"
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"version: 1\n\xff\xfe\n")
    with pytest.raises(SpecError) as info:
        load_spec(binary)
    assert info.value.problems[0].message.startswith("cannot read")


def test_format_path_reads_like_yaml() -> None:
    assert format_path(("claims", 0, "tolerance")) == "claims[0].tolerance"
    assert format_path(()) == "(top level)"


def _key_paths(node: object, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    items = node.items() if isinstance(node, dict) else (
        enumerate(node) if isinstance(node, list) else [])
    out = []
    for key, value in items:
        out += [(*path, key), *_key_paths(value, (*path, key))]
    return out


def test_any_value_of_the_wrong_shape_is_a_spec_error_never_a_crash() -> None:
    import copy
    import itertools

    import yaml

    base = yaml.safe_load(FULL)
    # Containers where scalars belong are what trips code that hashes or indexes values.
    odd_values = itertools.cycle([[["a"]], {"a": {"b": 1}}])
    cases = [*zip(_key_paths(base), odd_values, strict=False),
             *((path, odd) for path in _key_paths(base) if len(path) == 1
               for odd in (None, "x", 7))]
    for path, odd in cases:
        data = copy.deepcopy(base)
        node = data
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = odd
        with contextlib.suppress(SpecError):  # anything else fails the test
            load_spec_text(yaml.safe_dump(data), "f.yaml")
