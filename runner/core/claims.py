"""Claims against achieved values: per-claim verdicts and the run's verdict and exit code."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from runner.core.stats import decide_claim, welch_from_stats
from runner.errors import ExitCode
from runner.spec.models import Claim

PASSING = ("reproduced", "exceeded")


def judge_claim(
    claim: Claim, values: Sequence[float], missing: Sequence[str], confidence: float
) -> dict[str, Any]:
    tol = claim.absolute_tolerance
    base: dict[str, Any] = {
        "metric": claim.metric, "claimed": claim.value, "tolerance": tol,
        "tolerance_as_written": claim.tolerance, "higher_is_better": claim.higher_is_better,
        "where": claim.where, "values": list(values), "missing": list(missing),
    }
    if not values:
        reason = "; ".join(dict.fromkeys(missing)) or "no value"
        return {**base, "verdict": "missing", "explanation": f"metric not produced: {reason}"}
    decision = decide_claim(values, claim.value, tol, claim.higher_is_better, confidence)
    summary = decision.summary
    out = {
        **base, "verdict": decision.verdict, "single_run": decision.single_run, "n": summary.n,
        "mean": summary.mean, "std": summary.std, "ci_low": summary.ci_low,
        "ci_high": summary.ci_high, "confidence": summary.confidence, "method": summary.method,
        "difference": decision.difference, "band": [decision.lower_bound, decision.upper_bound],
        "tost_p": decision.tost_p, "seeds_needed": decision.seeds_needed,
        "explanation": decision.explanation,
    }
    if missing:
        out["explanation"] += f" ({len(missing)} seed(s) without a value)"
    if claim.std is not None and claim.n is not None and claim.n >= 2 and summary.n >= 2 \
            and summary.std:
        welch = welch_from_stats(claim.value, claim.std, claim.n, summary.mean, summary.std,
                                 summary.n)
        out["paper_vs_reproduction"] = {"test": "Welch t", "t": welch.t, "df": welch.df,
                                        "p_value": welch.p_value}
    return out


def run_verdict(claims: Sequence[dict[str, Any]]) -> tuple[str, ExitCode]:
    """0 only if every claim is reproduced or exceeded."""
    if not claims:
        return "no_claims", ExitCode.REPRODUCED
    verdicts = [c["verdict"] for c in claims]
    if all(v in PASSING for v in verdicts):
        return "reproduced", ExitCode.REPRODUCED
    if any(v in ("not_reproduced", "missing") for v in verdicts):
        return "not_reproduced", ExitCode.NOT_REPRODUCED
    return "inconclusive", ExitCode.NOT_REPRODUCED
