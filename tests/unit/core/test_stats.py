"""Unit tests for runner.core.stats.

Reference numbers come from scipy.stats called directly here (or from textbook tables and
Monte Carlo with a fixed seed), never from the code under test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as ss

from runner.core import stats

VALUES = [0.84, 0.845, 0.841]  # mean 0.842, sample std sqrt(7e-6)


# --- summarize ------------------------------------------------------------------------------


def test_summarize_matches_hand_computed_t_interval() -> None:
    s = stats.summarize(VALUES)
    t975 = ss.t.ppf(0.975, 2)
    assert t975 == pytest.approx(4.303, abs=5e-4)  # Student t table, 2 df
    half = t975 * math.sqrt(7e-6) / math.sqrt(3)
    assert s.n == 3
    assert s.mean == pytest.approx(0.842)
    assert s.std == pytest.approx(math.sqrt(7e-6))
    assert s.ci_low == pytest.approx(0.842 - half)
    assert s.ci_high == pytest.approx(0.842 + half)
    assert s.confidence == 0.95
    assert "Student t" in s.method


def test_summarize_matches_scipy_ttest_interval_at_other_confidence() -> None:
    data = [71.2, 69.8, 70.5, 72.9, 70.1, 71.7]
    ref = ss.ttest_1samp(data, 0.0).confidence_interval(confidence_level=0.9)
    s = stats.summarize(data, confidence=0.9)
    assert (s.ci_low, s.ci_high) == pytest.approx((ref.low, ref.high))


def test_summarize_single_value_and_all_equal() -> None:
    one = stats.summarize([0.5])
    assert (one.n, one.mean, one.std, one.ci_low, one.ci_high) == (1, 0.5, None, None, None)
    same = stats.summarize([0.1, 0.1, 0.1])  # float mean would leave a ~1e-17 std
    assert (same.std, same.ci_low, same.ci_high, same.mean) == (0.0, 0.1, 0.1, 0.1)


@pytest.mark.parametrize("values", [[], [1.0, math.nan], [1.0, math.inf], [-math.inf]])
def test_summarize_rejects_bad_values(values: list[float]) -> None:
    with pytest.raises(ValueError):
        stats.summarize(values)


@pytest.mark.parametrize("confidence", [0.0, 1.0, -0.5, 1.5, math.nan])
def test_summarize_rejects_bad_confidence(confidence: float) -> None:
    with pytest.raises(ValueError):
        stats.summarize(VALUES, confidence)


# --- decide_claim: verdict branches ---------------------------------------------------------


def test_reproduced_when_interval_inside_band() -> None:
    d = stats.decide_claim([0.845, 0.85, 0.848, 0.851], claim=0.849, tol=0.01)
    assert d.verdict == "reproduced"
    assert not d.single_run and d.seeds_needed is None
    assert (d.lower_bound, d.upper_bound) == pytest.approx((0.839, 0.859))
    assert d.difference == pytest.approx(0.8485 - 0.849)
    assert "4 seeds" in d.explanation and "reproduced" in d.explanation


def test_exceeded_and_not_reproduced_by_direction() -> None:
    high, low = [0.90, 0.905, 0.91], [0.80, 0.805, 0.81]
    assert stats.decide_claim(high, 0.849, 0.01, True).verdict == "exceeded"
    assert stats.decide_claim(low, 0.849, 0.01, True).verdict == "not_reproduced"
    assert stats.decide_claim(high, 0.849, 0.01, False).verdict == "not_reproduced"
    assert stats.decide_claim(low, 0.849, 0.01, False).verdict == "exceeded"
    assert stats.decide_claim(high, 0.849, 0.01, None).verdict == "not_reproduced"
    assert stats.decide_claim(low, 0.849, 0.01, None).verdict == "not_reproduced"


def test_inconclusive_reports_seeds_needed() -> None:
    d = stats.decide_claim(VALUES, claim=0.849, tol=0.01)
    # 95% CI [0.8354, 0.8486] crosses the lower edge 0.839.
    assert d.verdict == "inconclusive"
    assert d.seeds_needed is not None and d.seeds_needed > 3
    assert f"about {d.seeds_needed} seeds" in d.explanation


def test_inconclusive_mean_on_edge_gives_no_seed_estimate() -> None:
    d = stats.decide_claim([0.5, 1.0, 1.5], claim=0.0, tol=1.0)  # mean exactly claim + tol
    assert d.verdict == "inconclusive"
    assert d.seeds_needed is None
    assert "too close" in d.explanation


def test_single_run_compares_the_point_inclusively() -> None:
    inside = stats.decide_claim([0.859], claim=0.849, tol=0.01)  # on the edge (float noise)
    assert inside.verdict == "reproduced" and inside.single_run
    assert inside.tost_p is None and inside.summary.ci_low is None
    assert "single run" in inside.explanation
    assert stats.decide_claim([0.87], 0.849, 0.01).verdict == "exceeded"
    assert stats.decide_claim([0.83], 0.849, 0.01).verdict == "not_reproduced"
    assert stats.decide_claim([0.83], 0.849, 0.01, False).verdict == "exceeded"
    assert stats.decide_claim([0.87], 0.849, 0.01, None).verdict == "not_reproduced"


def test_zero_spread_is_decided_like_a_point_but_not_single_run() -> None:
    d = stats.decide_claim([0.85, 0.85, 0.85], claim=0.849, tol=0.01)
    assert d.verdict == "reproduced" and not d.single_run
    assert d.tost_p is None and d.summary.std == 0.0
    assert stats.decide_claim([0.9] * 4, 0.849, 0.01).verdict == "exceeded"
    assert stats.decide_claim([0.8] * 4, 0.849, 0.01).verdict == "not_reproduced"


def test_zero_tolerance() -> None:
    assert stats.decide_claim([1.0, 1.0], claim=1.0, tol=0.0).verdict == "reproduced"
    assert stats.decide_claim([1.0], claim=1.0, tol=0.0).verdict == "reproduced"
    assert stats.decide_claim([1.1], claim=1.0, tol=0.0).verdict == "exceeded"
    spread = stats.decide_claim([0.9, 1.0, 1.1], claim=1.0, tol=0.0)
    assert spread.verdict == "inconclusive" and spread.seeds_needed is None
    assert spread.tost_p is not None and spread.tost_p >= 0.5
    above = stats.decide_claim([2.0, 2.1, 2.2], claim=1.0, tol=0.0)
    assert above.verdict == "exceeded"
    off = stats.decide_claim([1.0, 1.2, 1.4], claim=1.0, tol=0.0)  # mean off the point: plannable
    assert off.verdict == "inconclusive" and off.seeds_needed is not None


@pytest.mark.parametrize(
    ("claim", "tol"), [(math.nan, 0.01), (0.8, -0.01), (0.8, math.inf), (math.inf, 0.1)]
)
def test_decide_claim_rejects_bad_claim(claim: float, tol: float) -> None:
    with pytest.raises(ValueError):
        stats.decide_claim(VALUES, claim, tol)


def test_decide_claim_rejects_bad_values_and_confidence() -> None:
    for bad in ([], [0.8, math.nan]):
        with pytest.raises(ValueError):
            stats.decide_claim(bad, 0.8, 0.01)
    with pytest.raises(ValueError):
        stats.decide_claim(VALUES, 0.8, 0.01, confidence=1.0)


# --- TOST -------------------------------------------------------------------------------------


def test_tost_p_matches_two_scipy_one_sided_tests() -> None:
    data = [0.845, 0.85, 0.848, 0.851, 0.839]
    d = stats.decide_claim(data, claim=0.849, tol=0.01)
    p_low = ss.ttest_1samp(data, 0.839, alternative="greater").pvalue
    p_high = ss.ttest_1samp(data, 0.859, alternative="less").pvalue
    assert d.tost_p == pytest.approx(max(p_low, p_high), rel=1e-9)


def test_confidence_maps_to_tost_level_half_of_one_minus_confidence() -> None:
    assert stats.tost_level(0.95) == pytest.approx(0.025)
    assert stats.tost_level(0.90) == pytest.approx(0.05)
    # Scan many samples: "CI inside band" must coincide with "tost_p <= (1 - c) / 2".
    rng = np.random.default_rng(7)
    for confidence in (0.9, 0.95):
        for _ in range(300):
            data = list(rng.normal(0.0, 1.0, 6))
            d = stats.decide_claim(data, 0.0, 1.2, confidence=confidence)
            assert d.tost_p is not None
            if abs(d.tost_p - stats.tost_level(confidence)) > 1e-9:
                assert (d.verdict == "reproduced") == (d.tost_p < stats.tost_level(confidence))


def test_lower_confidence_can_turn_inconclusive_into_reproduced() -> None:
    data = [0.84, 0.845, 0.841, 0.85]
    assert stats.decide_claim(data, 0.849, 0.01, confidence=0.95).verdict == "inconclusive"
    assert stats.decide_claim(data, 0.849, 0.01, confidence=0.80).verdict == "reproduced"


# --- power and seeds_needed -------------------------------------------------------------------


def _mc_rates(offset: float, n: int, tol: float, draws: int = 200_000) -> tuple[float, float]:
    """Monte Carlo (sigma 1): P(95% CI inside [-tol, tol]), P(CI entirely above tol)."""
    x = np.random.default_rng(12345).normal(offset, 1.0, (draws, n))
    m, s = x.mean(axis=1), x.std(axis=1, ddof=1)
    h = ss.t.ppf(0.975, n - 1) * s / math.sqrt(n)
    return float(np.mean((m - h >= -tol) & (m + h <= tol))), float(np.mean(m - h > tol))


@pytest.mark.parametrize(("offset", "n", "tol"), [(0.0, 5, 1.5), (0.5, 5, 1.5), (0.3, 2, 3.0),
                                                  (1.0, 10, 1.0), (0.2, 20, 0.8)])
def test_tost_power_matches_monte_carlo(offset: float, n: int, tol: float) -> None:
    inside, _ = _mc_rates(offset, n, tol)
    assert stats.tost_power(offset, 1.0, n, tol) == pytest.approx(inside, abs=0.005)


@pytest.mark.parametrize(("distance", "n"), [(0.0, 5), (0.5, 5), (1.0, 3), (0.3, 30)])
def test_beyond_power_matches_monte_carlo_and_scipy_nct(distance: float, n: int) -> None:
    _, above = _mc_rates(1.0 + distance, n, 1.0)
    crit = ss.t.ppf(0.975, n - 1)
    reference = ss.nct.sf(crit, n - 1, distance * math.sqrt(n))
    assert stats.beyond_power(distance, 1.0, n) == pytest.approx(reference, rel=1e-6)
    assert stats.beyond_power(distance, 1.0, n) == pytest.approx(above, abs=0.005)


def test_power_limits() -> None:
    assert stats.tost_power(0.0, 1.0, 5, 0.0) == 0.0  # a point band is never hit by an interval
    assert stats.tost_power(0.0, 1.0, 5, 100.0) == pytest.approx(1.0)
    assert stats.tost_power(0.1, 1.0, 2000, 0.1) == pytest.approx(0.025, abs=0.002)  # on edge
    with pytest.raises(ValueError):
        stats.tost_power(0.0, 0.0, 5, 1.0)


def test_seeds_needed_outside_band_matches_normal_approximation() -> None:
    # Far from small n, n ~ ((z_.975 + z_.8) * sigma / d)^2 (textbook sample-size formula).
    d = 0.2
    approx = ((ss.norm.ppf(0.975) + ss.norm.ppf(0.8)) / d) ** 2
    needed = stats.seeds_needed(1.2, 1.0, 1.0)
    assert needed is not None and approx <= needed <= approx + 6


def test_seeds_needed_inside_band_is_the_first_n_with_80_percent_power() -> None:
    needed = stats.seeds_needed(0.5, 1.0, 1.0)
    assert needed is not None
    se = math.sqrt(0.8 * 0.2 / 200_000)
    assert _mc_rates(0.5, needed, 1.0)[0] >= 0.8 - 4 * se
    assert _mc_rates(0.5, needed - 1, 1.0)[0] <= 0.8 + 4 * se
    assert stats.seeds_needed(1.0, 1.0, 1.0) is None  # on the edge: never
    assert stats.seeds_needed(0.0, 1.0, 0.0) is None  # point band: never


# --- Welch, Holm, max_abs_difference ---------------------------------------------------------


def test_welch_matches_scipy() -> None:
    a, b = [0.81, 0.83, 0.82, 0.80], [0.85, 0.84, 0.88, 0.86, 0.87]
    ref = ss.ttest_ind(b, a, equal_var=False)
    r = stats.welch(a, b)
    assert r.t == pytest.approx(ref.statistic)
    assert r.p_value == pytest.approx(ref.pvalue)
    assert r.df == pytest.approx(ref.df)
    assert r.difference == pytest.approx(np.mean(b) - np.mean(a))
    assert (r.mean_a, r.mean_b) == pytest.approx((np.mean(a), np.mean(b)))


def test_welch_from_stats_matches_scipy_and_allows_one_zero_std() -> None:
    ref = ss.ttest_ind_from_stats(0.842, 0.006, 3, 0.849, 0.004, 5, equal_var=False)  # b - a
    r = stats.welch_from_stats(0.849, 0.004, 5, 0.842, 0.006, 3)
    assert (r.t, r.p_value) == pytest.approx((ref.statistic, ref.pvalue))
    assert r.difference == pytest.approx(0.842 - 0.849)
    ref0 = ss.ttest_ind_from_stats(1.2, 0.1, 4, 1.0, 0.0, 3, equal_var=False)
    r0 = stats.welch_from_stats(1.0, 0.0, 3, 1.2, 0.1, 4)
    assert (r0.t, r0.p_value) == pytest.approx((ref0.statistic, ref0.pvalue))


@pytest.mark.parametrize(
    "args",
    [(1.0, 0.1, 1, 1.1, 0.1, 5), (1.0, 0.0, 3, 1.1, 0.0, 3), (1.0, -0.1, 3, 1.1, 0.1, 3),
     (math.nan, 0.1, 3, 1.1, 0.1, 3)],
)
def test_welch_degenerate_raises(args: tuple[float, float, int, float, float, int]) -> None:
    with pytest.raises(ValueError):
        stats.welch_from_stats(*args)


def test_welch_raw_degenerate_raises() -> None:
    with pytest.raises(ValueError):
        stats.welch([1.0], [1.0, 2.0])
    with pytest.raises(ValueError):
        stats.welch([1.0, 1.0], [2.0, 2.0])


def test_holm_known_example() -> None:
    adjusted = stats.holm_bonferroni([0.01, 0.04, 0.03, 0.005])
    assert adjusted == pytest.approx([0.03, 0.06, 0.06, 0.02])


def test_holm_nan_cap_and_edges() -> None:
    out = stats.holm_bonferroni([0.01, math.nan, 0.04])
    assert out[0] == pytest.approx(0.02) and math.isnan(out[1]) and out[2] == pytest.approx(0.04)
    assert stats.holm_bonferroni([0.6, 0.7]) == [1.0, 1.0]
    assert stats.holm_bonferroni([]) == []
    with pytest.raises(ValueError):
        stats.holm_bonferroni([0.5, 1.2])


def test_max_abs_difference() -> None:
    a = {"acc": 0.91, "loss": math.nan, "f1": math.inf, "only_a": 1.0, "auc": 0.5}
    b = {"acc": 0.90, "loss": math.nan, "f1": math.inf, "only_b": 1.0, "auc": math.nan}
    out = stats.max_abs_difference(a, b)
    assert set(out) == {"acc", "loss", "f1", "auc"}
    assert out["acc"] == pytest.approx(0.01)
    assert out["loss"] == 0.0 and out["f1"] == 0.0 and math.isnan(out["auc"])


@pytest.mark.parametrize(("offset", "tol"), [(0.0, 1.0), (0.3, 1.0), (0.9, 1.0), (1.2, 1.0),
                                             (3.0, 1.0), (0.5, 0.0), (0.0, 5.0)])
def test_seeds_needed_equals_linear_scan(offset: float, tol: float) -> None:
    # The bracketing search must give what a plain scan over n gives.
    def decides(n: int) -> bool:
        if abs(offset) < tol:
            return stats.tost_power(offset, 1.0, n, tol) >= 0.8
        return stats.beyond_power(abs(offset) - tol, 1.0, n) >= 0.8

    scan = next((n for n in range(2, 1001) if decides(n)), None)
    assert stats.seeds_needed(offset, 1.0, tol) == scan
