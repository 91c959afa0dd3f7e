"""Test rows that are near copies of training rows: the empirical side of the code audit.

For each test row: the distance to its nearest training row (features standardised with the
training rows' mean and standard deviation), against the training rows' own leave-one-out
nearest-neighbour distances. Two signs of rows made from other rows are counted:

  * near copies: closer to a training row than all but `quantile` (1%) of the training rows
    are to their nearest other training row. A clean random split flags about `quantile` of
    the test rows; a test set that holds near duplicates of training rows flags many more.
  * interpolated rows: on the straight segment between two of the test row's five nearest
    training rows (the distances add up to the segment's length within one part in 10^6),
    which is how SMOTE and its kin make synthetic rows. Continuous data almost never do this
    by chance. When the data were oversampled before a random split, the training rows are
    oversampled too and the first sign is blind (test and training rows are exchangeable);
    this one is not.

More than `max_share` of the test rows flagged is critical. A KD-tree (scikit-learn) answers
the queries chunk by chunk; the leave-one-out distances come from up to LOO_SAMPLE training
rows drawn with a fixed seed, which pins the 1% quantile closely.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from runner.audits.findings import MAX_EXAMPLES, Finding
from runner.audits.readers import iter_chunks
from runner.errors import UsageError

AUDIT = "neighbours"
NEIGHBOURS = 5
ON_SEGMENT = 1e-6  # (d(s,a) + d(s,b) - d(a,b)) / d(a,b) below this: s lies on segment ab
LOO_SAMPLE = 100_000  # pins the 1% quantile to about ±0.03%
QUERY_CHUNK = 50_000


def load_matrix(path: Path, features: Sequence[str], chunk_size: int | None = None
                ) -> np.ndarray:
    """The feature columns of a table as an (n, d) float64 matrix, read chunk by chunk."""
    parts = [np.column_stack([chunk[f] for f in features])
             for chunk in iter_chunks(path, features, chunk_size, numeric=features)]
    return np.concatenate(parts).astype(np.float64, copy=False)


def _loo_distances(tree: Any, train: np.ndarray, sample: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    rows = np.arange(len(train)) if len(train) <= sample else np.sort(
        rng.choice(len(train), size=sample, replace=False))
    out = [tree.query(train[rows[i:i + QUERY_CHUNK]], k=2)[0][:, 1]
           for i in range(0, len(rows), QUERY_CHUNK)]
    return np.concatenate(out)


def _interpolated(train: np.ndarray, dist: np.ndarray, ind: np.ndarray) -> np.ndarray:
    """Per query row: does it lie strictly inside a segment between two of its neighbours?"""
    points = train[ind]  # (m, k, d)
    gaps = np.linalg.norm(points[:, :, None, :] - points[:, None, :, :], axis=-1)  # (m, k, k)
    sums = dist[:, :, None] + dist[:, None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        excess = (sums - gaps) / gaps
    inside = (gaps > 0) & (dist[:, :, None] > 0) & (dist[:, None, :] > 0)
    upper = np.triu(np.ones(gaps.shape[1:], dtype=bool), k=1)
    found: np.ndarray = np.any(inside & upper & (excess < ON_SEGMENT), axis=(1, 2))
    return found


def _scan(tree: Any, x_train: np.ndarray, x_test: np.ndarray, tau: float
          ) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """Count near copies, interpolated rows and their union over the test rows, by chunk."""
    k = min(NEIGHBOURS, len(x_train))
    counts = {"near_copies": 0, "interpolated": 0, "flagged": 0}
    examples: list[dict[str, Any]] = []
    for start in range(0, len(x_test), QUERY_CHUNK):
        dist, ind = tree.query(x_test[start:start + QUERY_CHUNK], k=k)
        is_near, is_interp = dist[:, 0] < tau, _interpolated(x_train, dist, ind)
        counts["near_copies"] += int(is_near.sum())
        counts["interpolated"] += int(is_interp.sum())
        counts["flagged"] += int((is_near | is_interp).sum())
        for i in np.flatnonzero(is_near | is_interp)[: MAX_EXAMPLES - len(examples)].tolist():
            examples.append({"test_row": start + i + 1, "train_row": int(ind[i, 0]) + 1,
                             "distance": round(float(dist[i, 0]), 9),
                             "near_copy": bool(is_near[i]), "interpolated": bool(is_interp[i])})
    return counts, examples


def audit_neighbours(train: Path, test: Path, features: Sequence[str], quantile: float = 0.01,
                     max_share: float = 0.05, chunk_size: int | None = None) -> list[Finding]:
    """One finding: the share of test rows that are near copies of, or interpolated between,
    training rows; critical above `max_share`."""
    from sklearn.neighbors import KDTree

    x_train = load_matrix(train, features, chunk_size)
    x_test = load_matrix(test, features, chunk_size)
    if len(x_train) < 3:
        raise UsageError(f"{train}: needs at least 3 training rows, has {len(x_train)}")
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    std[std == 0] = 1.0
    x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
    tree = KDTree(x_train)
    loo = _loo_distances(tree, x_train, LOO_SAMPLE)
    tau = float(np.quantile(loo, quantile))
    counts, examples = _scan(tree, x_train, x_test, tau)
    evidence: dict[str, Any] = {
        "features": list(features), "train_rows": len(x_train), "test_rows": len(x_test),
        "loo_rows": len(loo), "quantile": quantile, "near_distance": round(tau, 9), **counts,
        "share_flagged": round(counts["flagged"] / len(x_test), 6), "max_share": max_share,
        "examples": examples,
    }
    return [_finding(evidence)]


def _finding(ev: dict[str, Any]) -> Finding:
    share, flagged, rows = ev["share_flagged"], ev["flagged"], ev["test_rows"]
    statement = (
        f"{flagged} of {rows} test rows ({share:.1%}) are near copies of training rows "
        f"({ev['near_copies']}: closer than {1 - ev['quantile']:.0%} of training rows are to "
        f"each other) or interpolated between two ({ev['interpolated']})")
    if share > ev["max_share"]:
        return Finding(AUDIT, "critical", statement + "; a clean split flags about "
                       f"{ev['quantile']:.0%}: the test set holds rows made from training rows",
                       ev)
    return Finding(AUDIT, "info", statement + f"; not above {ev['max_share']:.0%}", ev)
