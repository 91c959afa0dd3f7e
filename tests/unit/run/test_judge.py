"""Judging is pure: literal metric values in, claims and a verdict out."""

from __future__ import annotations

from runner.errors import ExitCode
from runner.record.model import RunVerdict, Verdict
from runner.run.judge import judge_metrics
from runner.spec import load_spec_text

SPEC = """\
version: 1
name: judged
paper: {title: T, year: 2026}
repo: {path: .}
environment: {base: debian}
seeds: [0, 1, 2]
steps: [{name: s, run: "true"}]
metrics:
  acc: {regex: 'acc ([0-9.]+)', step: s}
  f1: {regex: 'f1 ([0-9.]+)', step: s}
claims:
  - {metric: acc, value: 0.9, tolerance: 0.01}
  - {metric: f1, value: 0.5, tolerance: 0.05}
"""


def test_all_claims_held_is_reproduced_exit_0() -> None:
    spec = load_spec_text(SPEC, "judged.yaml")
    runs = [({"acc": 0.9 + d, "f1": 0.5}, {}) for d in (-0.002, 0.0, 0.002)]
    judged = judge_metrics(spec, runs)
    assert judged.verdict is RunVerdict.REPRODUCED and judged.exit_code is ExitCode.REPRODUCED
    assert [c.verdict for c in judged.claims] == [Verdict.REPRODUCED, Verdict.REPRODUCED]


def test_a_metric_never_printed_is_missing_with_reasons_exit_1() -> None:
    spec = load_spec_text(SPEC, "judged.yaml")
    runs = [({"acc": 0.9}, {"f1": f"seed-{i}: pattern not found"}) for i in range(3)]
    judged = judge_metrics(spec, runs)
    assert judged.verdict is RunVerdict.NOT_REPRODUCED
    assert judged.exit_code is ExitCode.NOT_REPRODUCED
    f1 = judged.claims[1]
    assert f1.verdict is Verdict.MISSING and "seed-0: pattern not found" in f1.explanation


def test_far_below_the_claim_is_not_reproduced() -> None:
    spec = load_spec_text(SPEC, "judged.yaml")
    judged = judge_metrics(spec, [({"acc": 0.8, "f1": 0.5}, {})] * 3)
    assert judged.claims[0].verdict is Verdict.NOT_REPRODUCED
