"""Statistics core: does a set of seeded runs reproduce a paper's claimed metric?

Pure functions, no I/O. A claim is a value with an absolute tolerance (the margin); the
question is an equivalence test, so a claim is "reproduced" only when the evidence says the
mean is inside the band, not merely when we fail to show it is outside (TOST).

Confidence and the TOST level: `decide_claim` checks whether the two-sided Student t interval
at `confidence` lies inside [claim - tol, claim + tol]. That is exactly TOST at level
alpha = (1 - confidence) / 2 (a 95% interval is TOST at 2.5%), so the reported `tost_p`
satisfies: reproduced <=> tost_p <= (1 - confidence) / 2 (see `tost_level`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import special

Verdict = Literal["reproduced", "not_reproduced", "exceeded", "inconclusive"]
_Side = Literal["inside", "above", "below", "straddle"]

POWER_TARGET = 0.8
MAX_SEEDS = 1000  # seeds_needed beyond this is reported as None: not worth planning for
# Gauss-Legendre nodes on [-1, 1]; fixed quadrature keeps power evaluation vectorized and fast,
# because seeds_needed runs it inside a search for every inconclusive claim.
_GL_X, _GL_W = np.polynomial.legendre.leggauss(96)


@dataclass(frozen=True)
class Summary:
    n: int
    mean: float
    std: float | None
    ci_low: float | None
    ci_high: float | None
    confidence: float
    method: str


@dataclass(frozen=True)
class ClaimDecision:
    verdict: Verdict
    single_run: bool
    summary: Summary
    difference: float
    lower_bound: float
    upper_bound: float
    tost_p: float | None
    seeds_needed: int | None
    explanation: str


@dataclass(frozen=True)
class WelchResult:
    t: float
    df: float
    p_value: float
    mean_a: float
    mean_b: float
    difference: float  # mean_b - mean_a


def _check_values(values: Sequence[float]) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError("values must be a non-empty flat sequence of numbers")
    if not np.all(np.isfinite(arr)):
        raise ValueError("values must be finite (no NaN or inf)")
    return arr


def _check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")


def _t_crit(df: int, confidence: float) -> float:
    # scipy.special ufuncs rather than scipy.stats.t: same values, ~50x less call overhead,
    # which matters because seeds_needed evaluates power inside a search.
    return float(special.stdtrit(df, (1.0 + confidence) / 2.0))


def summarize(values: Sequence[float], confidence: float = 0.95) -> Summary:
    """Mean, sample std (ddof=1) and the Student t interval of the mean (n-1 df).

    Identical values give std exactly 0 and a zero-width interval; testing min == max avoids
    the ~1e-17 std that float rounding in the mean would otherwise leave.
    """
    arr = _check_values(values)
    _check_confidence(confidence)
    n = int(arr.size)
    method = "Student t interval of the mean (n-1 df)"
    if n < 2:
        return Summary(1, float(arr[0]), None, None, None, confidence, "single value, no interval")
    if arr.min() == arr.max():
        m = float(arr[0])
        return Summary(n, m, 0.0, m, m, confidence, method)
    mean, std = float(arr.mean()), float(arr.std(ddof=1))
    half = _t_crit(n - 1, confidence) * std / math.sqrt(n)
    return Summary(n, mean, std, mean - half, mean + half, confidence, method)


def tost_level(confidence: float) -> float:
    """TOST significance level equivalent to "the `confidence` interval lies in the band"."""
    _check_confidence(confidence)
    return (1.0 - confidence) / 2.0


def tost_p_value(mean: float, std: float, n: int, lower: float, upper: float) -> float:
    """Standard TOST p-value: the larger of the two one-sided Student t p-values (n-1 df)."""
    if n < 2 or not std > 0:
        raise ValueError("TOST needs n >= 2 and std > 0")
    se = std / math.sqrt(n)
    p_low = float(special.stdtr(n - 1, -(mean - lower) / se))  # H0: mu <= lower
    p_high = float(special.stdtr(n - 1, -(upper - mean) / se))  # H0: mu >= upper
    return max(p_low, p_high)


def tost_power(offset: float, sigma: float, n: int, tol: float, confidence: float = 0.95) -> float:
    """P(the `confidence` t interval of n normal draws lies inside [-tol, tol]), mean `offset`.

    Exact: conditional on the sample std s the interval fits iff the mean lies within
    tol - t*s/sqrt(n) of 0, a normal probability; that is integrated over the scaled chi law of
    s/sigma by Gauss-Legendre quadrature (the closed form is Owen's Q function).
    """
    if n < 2 or not sigma > 0 or tol < 0:
        raise ValueError("tost_power needs n >= 2, sigma > 0, tol >= 0")
    df, crit = n - 1, _t_crit(n - 1, confidence)
    w_max = math.sqrt(n) * tol / (sigma * crit)  # past this s/sigma the interval exceeds the band
    # s/sigma = sqrt(X/df), X ~ chi2(df); integrate between its 1e-12 and 1 - 1e-12 quantiles.
    lo = math.sqrt(float(special.chdtri(df, 1.0 - 1e-12)) / df)
    hi = min(math.sqrt(float(special.chdtri(df, 1e-12)) / df), w_max)
    if hi <= lo:
        return 0.0
    w = lo + (hi - lo) * (_GL_X + 1.0) / 2.0
    x = df * w**2
    log_pdf = (np.log(2.0 * df * w) + (df / 2.0 - 1.0) * np.log(x) - x / 2.0
               - (df / 2.0) * math.log(2.0) - float(special.gammaln(df / 2.0)))
    a = math.sqrt(n) * (tol - offset) / sigma
    b = math.sqrt(n) * (-tol - offset) / sigma
    inner = special.ndtr(a - crit * w) - special.ndtr(b + crit * w)
    total = np.sum(_GL_W * inner * np.exp(log_pdf)) * (hi - lo) / 2.0
    return float(np.clip(total, 0.0, 1.0))


def beyond_power(distance: float, sigma: float, n: int, confidence: float = 0.95) -> float:
    """P(the whole t interval lies beyond a boundary that the true mean exceeds by `distance`).

    The one-sided t statistic against the boundary is noncentral t (n-1 df, ncp d*sqrt(n)/sigma).
    """
    if n < 2 or not sigma > 0:
        raise ValueError("beyond_power needs n >= 2 and sigma > 0")
    crit = _t_crit(n - 1, confidence)
    return 1.0 - float(special.nctdtr(n - 1, distance * math.sqrt(n) / sigma, crit))


def seeds_needed(offset: float, sigma: float, tol: float, confidence: float = 0.95) -> int | None:
    """Smallest total seed count n with >= 80% power to decide, taking the observed mean offset
    (mean - claim) and std as the truth (a plug-in estimate, so only a rough guide).

    Inside the band, "decide" means the interval fits in the band (`tost_power`); outside it,
    that the interval clears the nearest edge (`beyond_power`). Power rises with n, so the
    answer is bracketed from the normal-approximation guess ((z_a + z_0.8) sigma / gap)^2 and
    bisected. None when even MAX_SEEDS seeds would not do (a mean on the edge: power ~ alpha).
    """
    def power(n: int) -> float:
        if abs(offset) < tol:
            return tost_power(offset, sigma, n, tol, confidence)
        return beyond_power(abs(offset) - tol, sigma, n, confidence)

    gap = abs(tol - abs(offset))
    z = float(special.ndtri(1.0 - tost_level(confidence)) + special.ndtri(POWER_TARGET))
    guess = MAX_SEEDS if gap == 0 else min(MAX_SEEDS, max(2, math.ceil((z * sigma / gap) ** 2)))
    bracket = _bracket(lambda n: power(n) >= POWER_TARGET, guess)
    if bracket is None:
        return None
    low, high = bracket  # invariant: low fails (n = 1 always does), high decides
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (low, mid) if power(mid) >= POWER_TARGET else (mid, high)
    return high


def _bracket(ok: Callable[[int], bool], guess: int) -> tuple[int, int] | None:
    # Gallop outward from the guess with doubling steps: the guess is usually within a few
    # seeds of the answer, so this costs far fewer power evaluations than bisecting 2..MAX.
    step = 1
    if ok(guess):
        high, low = guess, guess - 1
        while low >= 2 and ok(low):
            high, step = low, step * 2
            low = max(1, low - step)
        return low, high
    low, high = guess, min(MAX_SEEDS, guess + 1)
    while not ok(high):
        if high == MAX_SEEDS:
            return None
        low, step = high, step * 2
        high = min(MAX_SEEDS, high + step)
    return low, high


def _side(low: float, high: float, lower: float, upper: float, eps: float) -> _Side:
    # eps absorbs float noise in claim +/- tol (0.849 + 0.01 != 0.859 exactly): edges count inside.
    if low >= lower - eps and high <= upper + eps:
        return "inside"
    if low > upper + eps:
        return "above"
    if high < lower - eps:
        return "below"
    return "straddle"


def _verdict(side: _Side, higher_is_better: bool | None) -> Verdict:
    if side == "inside":
        return "reproduced"
    if side == "straddle":
        return "inconclusive"
    if higher_is_better is None:
        return "not_reproduced"
    better = "above" if higher_is_better else "below"
    return "exceeded" if side == better else "not_reproduced"


def _fmt(x: float, tol: float) -> str:
    # Show one digit finer than the tolerance so a value near a band edge reads as such.
    if tol > 0:
        return f"{x:.{max(0, 1 - math.floor(math.log10(tol)))}f}"
    return f"{x:.6g}"


def _explain(s: Summary, claim: float, tol: float, side: _Side, verdict: Verdict,
             needed: int | None) -> str:
    band = f"{_fmt(claim, tol)} ± {tol:g}"
    if s.n == 1:
        head = f"single run, value {_fmt(s.mean, tol)} (no interval)"
    elif s.std == 0:
        head = f"{s.n} seeds, all {_fmt(s.mean, tol)} (no spread)"
    else:
        assert s.ci_low is not None and s.ci_high is not None
        ci = f"{s.confidence:.0%} CI [{_fmt(s.ci_low, tol)}, {_fmt(s.ci_high, tol)}]"
        head = f"{s.n} seeds, mean {_fmt(s.mean, tol)}, {ci}"
    where = {"inside": "inside", "above": "above", "below": "below",
             "straddle": "overlapping an edge of"}[side]
    tail = verdict.replace("_", " ")
    if verdict == "inconclusive":
        tail += (f", about {needed} seeds would likely decide" if needed is not None
                 else f", too close to the edge to decide with {MAX_SEEDS} seeds")
    return f"{head}; {where} {band}: {tail}"


def decide_claim(values: Sequence[float], claim: float, tol: float,
                 higher_is_better: bool | None = True, confidence: float = 0.95) -> ClaimDecision:
    """Verdict on `claim` ± `tol` from seeded run `values` (equivalence testing, see module doc).

    n == 1 or zero spread: the point itself is compared with the band (edges inclusive) and
    tost_p is None (the t statistic is undefined). Otherwise the `confidence` t interval decides.
    """
    if not (math.isfinite(claim) and math.isfinite(tol)) or tol < 0:
        raise ValueError("claim must be finite and tol finite and >= 0")
    s = summarize(values, confidence)
    lower, upper = claim - tol, claim + tol
    eps = 1e-12 * max(1.0, abs(claim), tol)
    point = s.std is None or s.std == 0
    low, high = (s.mean, s.mean) if point else (s.ci_low, s.ci_high)
    assert low is not None and high is not None
    side = _side(low, high, lower, upper, eps)
    verdict = _verdict(side, higher_is_better)
    tost_p = None if point else tost_p_value(s.mean, s.std or 0.0, s.n, lower, upper)
    needed = None
    if verdict == "inconclusive":
        needed = seeds_needed(s.mean - claim, s.std or 0.0, tol, confidence)
    return ClaimDecision(verdict, s.n == 1, s, s.mean - claim, lower, upper, tost_p, needed,
                         _explain(s, claim, tol, side, verdict, needed))


def welch_from_stats(mean_a: float, std_a: float, n_a: int,
                     mean_b: float, std_b: float, n_b: int) -> WelchResult:
    """Two-sided Welch t test from summary statistics (Welch-Satterthwaite df).

    Raises ValueError when it is undefined: n < 2 on either side, a negative or non-finite
    input, or both stds 0 (zero standard error) - never a silent NaN or division by zero.
    """
    if n_a < 2 or n_b < 2:
        raise ValueError("Welch's test needs at least 2 values on each side")
    if not all(math.isfinite(x) for x in (mean_a, std_a, mean_b, std_b)):
        raise ValueError("Welch's test needs finite means and stds")
    if std_a < 0 or std_b < 0:
        raise ValueError("standard deviations must be >= 0")
    var_a, var_b = std_a**2 / n_a, std_b**2 / n_b
    if var_a + var_b == 0:
        raise ValueError("both standard deviations are 0: Welch's test is undefined")
    t = (mean_b - mean_a) / math.sqrt(var_a + var_b)
    df = (var_a + var_b) ** 2 / (var_a**2 / (n_a - 1) + var_b**2 / (n_b - 1))
    # Two-sided tail of Student t via scipy.special (scipy.stats costs ~1 s to import).
    p = float(2.0 * special.stdtr(df, -abs(t)))
    return WelchResult(t, df, min(p, 1.0), mean_a, mean_b, mean_b - mean_a)


def welch(values_a: Sequence[float], values_b: Sequence[float]) -> WelchResult:
    """Two-sided Welch t test of mean(b) - mean(a) from raw values (same rules as above)."""
    a, b = _check_values(values_a), _check_values(values_b)
    std_a = float(a.std(ddof=1)) if a.size > 1 else 0.0
    std_b = float(b.std(ddof=1)) if b.size > 1 else 0.0
    return welch_from_stats(float(a.mean()), std_a, int(a.size), float(b.mean()), std_b,
                            int(b.size))


def holm_bonferroni(p_values: Sequence[float]) -> list[float]:
    """Holm step-down adjusted p-values in input order: monotone, capped at 1.

    NaN entries stay NaN and do not count towards the number of tests m.
    """
    p = np.asarray(p_values, dtype=float)
    finite = ~np.isnan(p)
    if np.any((p[finite] < 0) | (p[finite] > 1)):
        raise ValueError("p-values must lie in [0, 1]")
    out = np.full(p.shape, np.nan)
    idx = np.flatnonzero(finite)
    order = idx[np.argsort(p[idx], kind="stable")]
    m = order.size
    scaled = (m - np.arange(m)) * p[order]
    out[order] = np.minimum(np.maximum.accumulate(scaled), 1.0)
    return [float(x) for x in out]


def max_abs_difference(a: Mapping[str, float], b: Mapping[str, float]) -> dict[str, float]:
    """|a - b| per metric present in both (in a's order), for the determinism probe.

    Equal values (including equal infinities) and two NaNs count as 0: a run that diverges
    the same way twice is still deterministic. One NaN gives NaN.
    """
    out: dict[str, float] = {}
    for key, x in a.items():
        if key in b:
            y = b[key]
            same = x == y or (math.isnan(x) and math.isnan(y))
            out[key] = 0.0 if same else abs(x - y)
    return out
