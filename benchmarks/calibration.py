"""Print how often decide_claim gives each verdict when the true mean is known.

For each n (seeds) and true offset from the claim (in units of the tolerance), simulate many
reproductions from N(claim + offset, sd) with a seeded RNG and tabulate the verdict rates,
next to the "reproduced" rate predicted by runner.core.stats.tost_power. Direction: higher is
better, so a positive offset is the "exceeded" side.

    python benchmarks/calibration.py [--sims 2000] [--tol-sd 2.0] [--seed 0]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, uninstalled
from runner.core import stats  # noqa: E402

CLAIM, SD = 0.849, 0.01
VERDICTS = ("reproduced", "inconclusive", "exceeded", "not_reproduced")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sims", type=int, default=2000)
    parser.add_argument("--tol-sd", type=float, default=2.0, help="tolerance in sds")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    tol = args.tol_sd * SD
    rng = np.random.default_rng(args.seed)
    print(f"claim {CLAIM}, tol {tol:g} ({args.tol_sd:g} sd), sd {SD}, {args.sims} simulated "
          f"reproductions per row, 95% t interval (TOST at 2.5%)")
    header = f"{'n':>3} {'offset':>8} {'predicted':>9} " + " ".join(f"{v:>14}" for v in VERDICTS)
    print(header)
    print("-" * len(header))
    for n in (3, 5, 10):
        for frac in (0.0, 0.5, 1.0, 1.5):
            draws = rng.normal(CLAIM + frac * tol, SD, size=(args.sims, n))
            counts = Counter(stats.decide_claim(list(r), CLAIM, tol).verdict for r in draws)
            predicted = stats.tost_power(frac * tol, SD, n, tol)
            rates = " ".join(f"{counts[v] / args.sims:>14.3f}" for v in VERDICTS)
            print(f"{n:>3} {frac:>6.1f}tol {predicted:>9.3f} {rates}")


if __name__ == "__main__":
    main()
