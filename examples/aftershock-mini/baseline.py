"""The critique's "one neuron": logistic regression on a single stress invariant.

python3 baseline.py fits aftershock ~ sigmoid(a + b * log(max_shear)) on the training
side of the split (env SPLIT, default cell) and reports its test AUC next to the
network's. No seed: Newton's method on a convex loss is deterministic. Writes
results/baseline.json.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import nn
import numpy as np
import quakes
from auc import roc_auc


def main() -> None:
    split = os.environ.get("SPLIT", "cell")
    world = quakes.make_world()
    train_rows, test_rows = quakes.split_rows(world, split)
    x = np.log(world.max_shear)
    intercept, slope = nn.fit_logistic_1d(x[train_rows], world.aftershock[train_rows])
    aucs = {}
    for side, rows in (("train", train_rows), ("test", test_rows)):
        aucs[side] = roc_auc(world.aftershock[rows], intercept + slope * x[rows])
    result = {
        "model": f"logistic regression on log({quakes.INVARIANT})",
        "coef": {"intercept": round(intercept, 6), "slope": round(slope, 6)},
        "train": {"auc": round(aucs["train"], 6)},
        "test": {"auc": round(aucs["test"], 6)},
        "n_train": int(len(train_rows)),
        "n_test": int(len(test_rows)),
        "split": split,
    }
    Path("results").mkdir(exist_ok=True)
    Path("results/baseline.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"{quakes.INVARIANT} logistic regression AUC on testing data set: {aucs['test']:.3f}")


if __name__ == "__main__":
    main()
