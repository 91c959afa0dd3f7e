"""Calibration of decide_claim on simulated reproductions with a known true mean.

Each scenario draws SIMS reproductions of n seeds from N(claim + offset, SD) with a seeded RNG
and counts verdicts. The expected "reproduced" rate is computed here by numerical integration
(scipy.integrate.quad over the chi-square law of the sample variance), independently of
runner.core.stats. Run with `pytest -s` to see the observed rates.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
from scipy import integrate
from scipy import stats as ss

from runner.core import stats

SIMS = 2000
SD = 0.01
CLAIM = 0.849


def _simulate(n: int, offset: float, tol: float, seed: int) -> Counter[str]:
    rng = np.random.default_rng(seed)
    draws = rng.normal(CLAIM + offset, SD, size=(SIMS, n))
    return Counter(stats.decide_claim(list(row), CLAIM, tol).verdict for row in draws)


def _predicted_reproduced(n: int, offset: float, tol: float, confidence: float = 0.95) -> float:
    """P(t interval inside the band): given V = (n-1) s^2 / sd^2 ~ chi2(n-1), the interval fits
    iff |mean - claim - ...| stays within tol - t * s / sqrt(n), a normal probability."""
    df, crit = n - 1, ss.t.ppf((1 + confidence) / 2, n - 1)
    se = SD / math.sqrt(n)

    def integrand(v: float) -> float:
        half = crit * SD * math.sqrt(v / df) / math.sqrt(n)
        inside = ss.norm.cdf((tol - half - offset) / se) - ss.norm.cdf((-tol + half - offset) / se)
        return float(max(inside, 0.0) * ss.chi2.pdf(v, df))

    v_max = df * (tol * math.sqrt(n) / (crit * SD)) ** 2  # beyond it the interval is too wide
    value, _ = integrate.quad(integrand, 0.0, v_max, limit=200)
    return float(value)


def _binomial_slack(p: float) -> float:
    # 4 binomial standard errors, plus a floor so a predicted rate near 0 or 1 is not brittle.
    return 4.0 * math.sqrt(p * (1.0 - p) / SIMS) + 0.005


@pytest.mark.parametrize(("n", "tol_sd", "seed"), [(5, 3.0, 1), (5, 1.5, 2), (10, 1.0, 3)])
def test_reproduced_rate_at_the_claim_matches_predicted_power(
    n: int, tol_sd: float, seed: int
) -> None:
    tol = tol_sd * SD
    counts = _simulate(n, 0.0, tol, seed)
    observed = counts["reproduced"] / SIMS
    predicted = _predicted_reproduced(n, 0.0, tol)
    print(f"\n[truth = claim, n={n}, tol={tol_sd} sd] reproduced {observed:.3f} "
          f"(predicted {predicted:.3f}); {dict(counts)}")
    assert abs(observed - predicted) <= _binomial_slack(predicted)
    # The module's own power formula must agree with this independent integral.
    assert stats.tost_power(0.0, SD, n, tol) == pytest.approx(predicted, abs=1e-4)


@pytest.mark.parametrize(("n", "sign", "seed"), [(5, 1.0, 4), (5, -1.0, 5), (10, 1.0, 6)])
def test_false_reproduced_at_the_band_edge_is_at_most_5_percent(
    n: int, sign: float, seed: int
) -> None:
    tol = 3.0 * SD
    counts = _simulate(n, sign * tol, tol, seed)  # truth on the edge: the worst case
    observed = counts["reproduced"] / SIMS
    print(f"\n[truth = claim {'+' if sign > 0 else '-'} tol, n={n}] reproduced {observed:.3f} "
          f"(TOST level 0.025); {dict(counts)}")
    assert observed <= 0.05
    # Equivalence at 95% confidence is TOST at 2.5%: the rate should sit at or under that.
    assert observed <= 0.025 + _binomial_slack(0.025)
    # Nor should the wrong side be called: truth on the upper edge is never "exceeded" > 2.5%.
    wrong = "exceeded" if sign > 0 else "not_reproduced"
    assert counts[wrong] / SIMS <= 0.025 + _binomial_slack(0.025)


def test_truth_well_outside_is_rarely_reproduced() -> None:
    tol = 3.0 * SD
    counts = _simulate(5, 1.5 * tol, tol, seed=7)
    print(f"\n[truth = claim + 1.5 tol, n=5] {dict(counts)}")
    assert counts["reproduced"] / SIMS <= 0.01
