"""Train the aftershock network: python3 train.py --seed SEED [--fraction F].

Environment: SPLIT=cell|group (default cell, the flawed split), FRACTION (default 1.0,
overridden by --fraction), PREPROCESS=clean|leaky (default clean; leaky oversamples the
aftershock cells with SMOTE before the split: the leaky-preprocess variant). Writes
out/model.npz.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import nn
import numpy as np
import quakes
import smote

MODEL_PATH = Path("out/model.npz")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, required=True, help="training seed")
    parser.add_argument(
        "--fraction", type=float, default=float(os.environ.get("FRACTION", "1.0")),
        help="share of the training rows to train on (learning curve)",
    )
    args = parser.parse_args()
    if not 0.0 < args.fraction <= 1.0:
        parser.error("--fraction must be in (0, 1]")
    return args


def subsample(rng: np.random.Generator, rows: np.ndarray, fraction: float) -> np.ndarray:
    """A random share of the training rows (sorted, so files list them in world order)."""
    if fraction >= 1.0:
        return rows
    size = max(2, round(fraction * len(rows)))
    return np.sort(rng.choice(rows, size=size, replace=False))


def main() -> None:
    args = parse_args()
    split = os.environ.get("SPLIT", "cell")
    started = time.perf_counter()
    world = quakes.make_world()
    if os.environ.get("PREPROCESS", "clean") == "leaky":
        # The leaky-preprocess variant's mistake, on purpose: oversampling before the split.
        world = smote.Smote(seed=quakes.SPLIT_SEED).fit_resample(world)
    train_rows, _ = quakes.split_rows(world, split)
    # One generator for everything the seed controls: subsample, init, batch order.
    rng = np.random.default_rng(args.seed)
    train_rows = subsample(rng, train_rows, args.fraction)
    x = quakes.features(world.stress[train_rows])
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-12
    y = world.aftershock[train_rows].astype(np.float64)
    params = nn.train(rng, (x - mean) / std, y)
    nn.save(
        MODEL_PATH, params, mean=mean, std=std, train_rows=train_rows,
        split=np.array(split), fraction=np.array(args.fraction), seed=np.array(args.seed),
    )
    elapsed = time.perf_counter() - started
    print(f"trained on {len(train_rows)} rows (split={split}, fraction={args.fraction}, "
          f"seed={args.seed}) in {elapsed:.1f} s -> {MODEL_PATH}")


if __name__ == "__main__":
    main()
