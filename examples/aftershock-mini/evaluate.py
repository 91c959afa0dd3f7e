"""Evaluate out/model.npz: python3 evaluate.py.

Prints the test AUC as the original code does ("merged AUC on testing data set") and the
Coulomb baseline, writes results/metrics.json, out/train.csv, out/test.csv and
data/split.csv. The split comes from the model file, so it always matches training.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

import nn
import numpy as np
import quakes
import smote
from auc import roc_auc
from train import MODEL_PATH

COLUMNS = ("item", "cell", *quakes.COMPONENTS, "coulomb", quakes.INVARIANT, "aftershock", "score")


def write_rows(path: Path, world: quakes.World, rows: np.ndarray, scores: np.ndarray) -> None:
    """One CSV line per (event, cell) with features, label and the model's probability."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        handle.write(",".join(COLUMNS) + "\n")
        for row, score in zip(rows, scores, strict=True):
            numbers = [*world.stress[row], world.coulomb[row], world.max_shear[row]]
            handle.write(
                f"{world.item[row]},{world.cell[row]},"
                + ",".join(f"{v:.9g}" for v in numbers)
                + f",{world.aftershock[row]},{score:.9g}\n"
            )


def split_table(world: quakes.World, parts: Iterable[tuple[str, np.ndarray]]) -> list[str]:
    """Name,Original lines: one per (event, side) that occurs, in world order."""
    lines = ["Name,Original"]
    events = list(dict.fromkeys(world.item))  # unique, order kept
    present = {label: set(world.item[rows]) for label, rows in parts}
    for event in events:
        lines += [f"{event},{label}" for label, names in present.items() if event in names]
    return lines


def main() -> None:
    params, meta = nn.load(MODEL_PATH)
    split = str(meta["split"])
    world = quakes.make_world()
    if os.environ.get("PREPROCESS", "clean") == "leaky":
        # The same oversampled world as training saw (see train.py).
        world = smote.Smote(seed=quakes.SPLIT_SEED).fit_resample(world)
    train_rows = meta["train_rows"]
    # TESTSET=shifted (the shifted-testset variant): the same model on a second test set.
    tested = quakes.shifted_world() if os.environ.get("TESTSET") == "shifted" else world
    _, test_rows = quakes.split_rows(tested, split)

    def score(source: quakes.World, rows: np.ndarray) -> np.ndarray:
        x = (quakes.features(source.stress[rows]) - meta["mean"]) / meta["std"]
        return nn.predict(params, x)

    train_scores, test_scores = score(world, train_rows), score(tested, test_rows)
    y_train, y_test = world.aftershock[train_rows], tested.aftershock[test_rows]
    test_auc = roc_auc(y_test, test_scores)
    coulomb_auc = roc_auc(y_test, tested.coulomb[test_rows])
    metrics = {
        "train": {"auc": round(roc_auc(y_train, train_scores), 6)},
        "test": {"auc": round(test_auc, 6), "coulomb_auc": round(coulomb_auc, 6)},
        "n_train": int(len(train_rows)),
        "n_test": int(len(test_rows)),
        "split": split,
        "fraction": float(meta["fraction"]),
    }
    Path("results").mkdir(exist_ok=True)
    Path("results/metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    write_rows(Path("out/train.csv"), world, train_rows, train_scores)
    write_rows(Path("out/test.csv"), tested, test_rows, test_scores)
    table = split_table(world, [("Training", train_rows), ("Testing", test_rows)])
    Path("data").mkdir(exist_ok=True)
    Path("data/split.csv").write_text("\n".join(table) + "\n")
    print(f"merged AUC on testing data set: {test_auc:.3f}")
    print(f"Coulomb AUC on testing data set: {coulomb_auc:.3f}")


if __name__ == "__main__":
    main()
