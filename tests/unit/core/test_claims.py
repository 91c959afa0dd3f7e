"""Claim verdicts and the run's verdict and exit code."""

from __future__ import annotations

import pytest

from runner.core.claims import judge_claim, run_verdict
from runner.errors import ExitCode
from runner.record.model import Verdict
from runner.spec.models import Claim


def claim(**kw: object) -> Claim:
    return Claim.model_validate({"metric": "acc", "value": 0.9, "tolerance": 0.01, **kw})


@pytest.mark.parametrize(
    ("values", "verdict"),
    [([0.9], "reproduced"), ([0.905], "reproduced"), ([0.91], "reproduced"),
     ([0.95], "exceeded"), ([0.85], "not_reproduced"),
     ([0.899, 0.9, 0.901], "reproduced"), ([0.95, 0.96, 0.94], "exceeded"),
     ([0.80, 0.81, 0.79], "not_reproduced"), ([0.85, 0.95], "inconclusive")],
)
def test_verdicts(values: list[float], verdict: str) -> None:
    result = judge_claim(claim(), values, [], 0.95)
    assert result.verdict == verdict
    assert result.n == len(values) and result.values == values
    assert result.single_run == (len(values) == 1)


def test_lower_is_better_flips_exceeded() -> None:
    assert judge_claim(claim(higher_is_better=False), [0.5], [], 0.95).verdict == "exceeded"
    assert judge_claim(claim(higher_is_better=False), [0.99], [],
                       0.95).verdict == "not_reproduced"


def test_two_sided_claim_is_never_exceeded() -> None:
    assert judge_claim(claim(higher_is_better=None), [0.99], [],
                       0.95).verdict == "not_reproduced"


def test_relative_tolerance_is_applied_to_the_claimed_value() -> None:
    c = claim(value=200.0, tolerance="2%")
    result = judge_claim(c, [196.5], [], 0.95)
    assert result.tolerance == pytest.approx(4.0)
    assert result.tolerance_as_written == "2%"
    assert result.verdict == "reproduced"
    assert judge_claim(c, [195.0], [], 0.95).verdict == "not_reproduced"


def test_missing_when_no_value_with_the_reasons() -> None:
    result = judge_claim(claim(), [], ["seed-0: not found", "seed-1: not found",
                                       "seed-0: not found"], 0.95)
    assert result.verdict == "missing"
    assert result.explanation == "metric not produced: seed-0: not found; seed-1: not found"
    assert judge_claim(claim(), [], [], 0.95).explanation == "metric not produced: no value"


def test_some_seeds_missing_is_noted() -> None:
    result = judge_claim(claim(), [0.9, 0.9], ["seed-2: crashed"], 0.95)
    assert result.verdict == "reproduced"
    assert result.explanation.endswith("(1 seed(s) without a value)")


def test_welch_against_the_paper_when_it_gives_std_and_n() -> None:
    result = judge_claim(claim(std=0.01, n=5), [0.90, 0.91, 0.92], [], 0.95)
    welch = result.paper_vs_reproduction
    assert welch is not None
    assert welch.test == "Welch t" and welch.t > 0 and 0 < welch.p_value <= 1
    assert judge_claim(claim(std=0.01), [0.9, 0.91], [], 0.95).paper_vs_reproduction is None
    assert judge_claim(claim(std=0.01, n=5), [0.9], [], 0.95).paper_vs_reproduction is None


def test_paper_run_count_of_one_does_not_crash() -> None:
    result = judge_claim(claim(std=0.01, n=1), [0.899, 0.9, 0.901], [], 0.95)
    assert result.verdict == "reproduced" and result.paper_vs_reproduction is None


def test_interval_fields_for_several_seeds() -> None:
    result = judge_claim(claim(), [0.899, 0.9, 0.901], [], 0.95)
    assert result.ci_low < result.mean < result.ci_high
    assert result.band == [pytest.approx(0.89), pytest.approx(0.91)]
    assert result.difference == pytest.approx(0.0)


@pytest.mark.parametrize(
    ("verdicts", "expected"),
    [([], ("no_claims", ExitCode.REPRODUCED)),
     (["reproduced"], ("reproduced", ExitCode.REPRODUCED)),
     (["reproduced", "exceeded"], ("reproduced", ExitCode.REPRODUCED)),
     (["reproduced", "inconclusive"], ("inconclusive", ExitCode.NOT_REPRODUCED)),
     (["reproduced", "missing"], ("not_reproduced", ExitCode.NOT_REPRODUCED)),
     (["inconclusive", "not_reproduced"], ("not_reproduced", ExitCode.NOT_REPRODUCED)),
     (["exceeded", "not_reproduced"], ("not_reproduced", ExitCode.NOT_REPRODUCED))],
)
def test_run_verdict(verdicts: list[str], expected: tuple[str, ExitCode]) -> None:
    claims = [judge_claim(claim(), [], [], 0.95).model_copy(update={"verdict": Verdict(v)})
              for v in verdicts]
    assert run_verdict(claims) == expected
