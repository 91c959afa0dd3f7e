"""TODO values: explained at their line and key, and never reported twice."""

from __future__ import annotations

import pytest

from runner.spec import SpecError, load_spec_text

DRAFT = """\
version: 1
paper: {title: t}
repo: {url: https://example.invalid/x.git, commit: %s}
environment:
  base: python:3.11-slim
  pip:
    packages:
      - numpy==TODO  # TODO: the numpy the paper used
steps:
  - {name: train, run: python train.py}
metrics:
  auc: {regex: 'AUC: ([0-9.]+)', step: train}
claims:
  - metric: auc
    value: TODO    # the AUC in Table 2
    tolerance: TODO
""" % ("a" * 40)


def test_each_todo_is_a_problem_with_its_line_key_and_explanation() -> None:
    with pytest.raises(SpecError) as caught:
        load_spec_text(DRAFT, "draft.yaml")
    error = caught.value
    assert error.only_todos
    assert [p.render() for p in error.problems] == [
        "draft.yaml:8: environment.pip.packages[0]: TODO: fill in the numpy the paper used",
        "draft.yaml:15: claims[0].value: TODO: fill in the AUC in Table 2",
        'draft.yaml:16: claims[0].tolerance: TODO: fill in how far a rerun may fall from it: '
        'absolute (0.01) or relative ("2%")',
    ]
    assert str(error).startswith("the spec is a draft: 3 TODOs to fill in")


def test_a_real_problem_beside_todos_makes_the_spec_invalid() -> None:
    with pytest.raises(SpecError) as caught:
        load_spec_text(DRAFT.replace("step: train", "step: nope"), "draft.yaml")
    assert not caught.value.only_todos
    assert any("metrics.auc.step" in p.render() for p in caught.value.problems)
    assert str(caught.value).startswith("invalid spec: 4 problems")


def test_todo_inside_a_word_is_an_ordinary_value() -> None:
    spec = load_spec_text(DRAFT.replace("numpy==TODO", "numpy").replace(
        "value: TODO", "value: 0.8").replace("tolerance: TODO", "tolerance: 0.01").replace(
        "python train.py", "python train.py --notes TODOS"), "ok.yaml")
    assert spec.steps[0].run.endswith("TODOS")
