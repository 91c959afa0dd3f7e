"""Claims against achieved values: per-claim verdicts and the run's verdict and exit code."""

from __future__ import annotations

from collections.abc import Sequence

from runner.core.stats import decide_claim, welch_from_stats
from runner.errors import ExitCode
from runner.record.model import PASSING, ClaimResult, RunVerdict, Verdict, WelchResult
from runner.spec.models import Claim


def judge_claim(
    claim: Claim, values: Sequence[float], missing: Sequence[str], confidence: float
) -> ClaimResult:
    tol = claim.absolute_tolerance
    base = {
        "metric": claim.metric, "claimed": claim.value, "tolerance": tol,
        "tolerance_as_written": claim.tolerance, "higher_is_better": claim.higher_is_better,
        "where": claim.where, "values": list(values), "missing": list(missing),
    }
    if not values:
        reason = "; ".join(dict.fromkeys(missing)) or "no value"
        return ClaimResult(**base, verdict=Verdict.MISSING,
                           explanation=f"metric not produced: {reason}")
    decision = decide_claim(values, claim.value, tol, claim.higher_is_better, confidence)
    summary = decision.summary
    explanation = decision.explanation
    if missing:
        explanation += f" ({len(missing)} seed(s) without a value)"
    paper = None
    if claim.std is not None and claim.n is not None and claim.n >= 2 and summary.n >= 2 \
            and summary.std:
        welch = welch_from_stats(claim.value, claim.std, claim.n, summary.mean, summary.std,
                                 summary.n)
        paper = WelchResult(test="Welch t", t=welch.t, df=welch.df, p_value=welch.p_value)
    return ClaimResult(
        **base, verdict=Verdict(decision.verdict), single_run=decision.single_run, n=summary.n,
        mean=summary.mean, std=summary.std, ci_low=summary.ci_low, ci_high=summary.ci_high,
        confidence=summary.confidence, method=summary.method, difference=decision.difference,
        band=[decision.lower_bound, decision.upper_bound], tost_p=decision.tost_p,
        seeds_needed=decision.seeds_needed, explanation=explanation,
        **({"paper_vs_reproduction": paper} if paper is not None else {}),
    )


def run_verdict(claims: Sequence[ClaimResult]) -> tuple[RunVerdict, ExitCode]:
    """0 only if every claim is reproduced or exceeded."""
    if not claims:
        return RunVerdict.NO_CLAIMS, ExitCode.REPRODUCED
    verdicts = [c.verdict for c in claims]
    if all(v in PASSING for v in verdicts):
        return RunVerdict.REPRODUCED, ExitCode.REPRODUCED
    if any(v in (Verdict.NOT_REPRODUCED, Verdict.MISSING) for v in verdicts):
        return RunVerdict.NOT_REPRODUCED, ExitCode.NOT_REPRODUCED
    return RunVerdict.INCONCLUSIVE, ExitCode.NOT_REPRODUCED
