"""Environment values must survive the trip into a Dockerfile ENV line."""

from __future__ import annotations

import pytest

from runner.spec import SpecError, load_spec_text

SPEC = """\
version: 1
paper: {title: t}
repo: {path: code}
environment:
  base: img
  env:
    GOOD: "plain"
    BAD: "line one\\nline two"
steps: [{name: s, run: "true"}]
"""


def test_a_line_break_in_an_env_value_is_refused_with_its_line() -> None:
    with pytest.raises(SpecError) as err:
        load_spec_text(SPEC, "env.yaml")
    [problem] = err.value.problems
    assert problem.path[:2] == ("environment", "env")
    assert problem.line == 6
    assert "line break" in problem.message


UNION = """\
version: 1
paper: {title: t}
repo: {path: code}
environment: {base: img}
determinism: {mode: strict, prob: true}
resources: {gpus: [0, a]}
steps: [{name: s, run: "true"}]
"""


def test_a_union_reports_the_specific_problem_not_every_branch() -> None:
    with pytest.raises(SpecError) as err:
        load_spec_text(UNION, "u.yaml")
    paths = sorted(".".join(map(str, p.path)) for p in err.value.problems)
    assert paths == ["determinism.prob", "resources.gpus.1"]
    prob = next(p for p in err.value.problems if p.path[-1] == "prob")
    assert prob.hint == "did you mean `probe`?" and prob.line == 5


def test_yes_no_on_off_stay_strings_while_true_false_are_booleans() -> None:
    text = SPEC.replace('    BAD: "line one\\nline two"\n', "    MODE: off\n    FLAG: yes\n"
                        "    STRICT: true\n")
    spec = load_spec_text(text, "env.yaml")
    assert spec.environment.env == {"GOOD": "plain", "MODE": "off", "FLAG": "yes",
                                    "STRICT": "true"}
