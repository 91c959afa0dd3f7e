"""The neighbour audit on 10^6 rows: time, peak memory and the share of test rows flagged,
with and without SMOTE-style oversampling before the split.

Data: 6 continuous features, two Gaussian classes (10% minority). "clean": 10^6 rows split
at random 80/20. "smote": 555,556 rows whose minority is oversampled with SMOTE (a segment
between a minority row and one of its 5 nearest minority rows) until the classes balance,
1,000,000 rows in all, then split 80/20: the leak the audit exists for. Each audit runs in a
fresh process reading .npy files, so its time and peak RSS are its own.

Usage: python benchmarks/neighbours_audit.py [--rows 1000000] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

FEATURES = [str(i) for i in range(6)]


def _classes(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    y = (rng.uniform(size=n) < 0.1).astype(np.int64)
    x = rng.standard_normal((n, 6)) + y[:, None] * 1.5
    return x, y


def _smote(rng: np.random.Generator, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    from sklearn.neighbors import KDTree

    minority = x[y == 1]
    count = int((y == 0).sum() - len(minority))
    near = KDTree(minority).query(minority, k=6)[1][:, 1:]
    a = rng.integers(len(minority), size=count)
    b = near[a, rng.integers(5, size=count)]
    synthetic = minority[a] + rng.uniform(size=(count, 1)) * (minority[b] - minority[a])
    return np.vstack([x, synthetic])


def _write(folder: Path, name: str, data: np.ndarray, rng: np.random.Generator) -> None:
    order = rng.permutation(len(data))
    cut = int(0.8 * len(data))
    np.save(folder / f"{name}_train.npy", data[order[:cut]])
    np.save(folder / f"{name}_test.npy", data[order[cut:]])


def _audit(train: str, test: str) -> None:
    from runner.audits.neighbours import audit_neighbours

    began = time.perf_counter()
    (finding,) = audit_neighbours(Path(train), Path(test), FEATURES)
    seconds = time.perf_counter() - began
    ev = finding.evidence
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({
        "rows": ev["train_rows"] + ev["test_rows"], "seconds": round(seconds, 1),
        # CPU time as well: on a shared machine the wall time carries others' load.
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_rss_mb": usage.ru_maxrss // 1024,
        "share_flagged": ev["share_flagged"], "near_copies": ev["near_copies"],
        "interpolated": ev["interpolated"], "severity": finding.severity}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--audit", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.audit:
        _audit(*args.audit)
        return
    folder = args.workdir or Path(tempfile.mkdtemp(prefix="neighbours-bench-"))
    rng = np.random.default_rng(0)
    _write(folder, "clean", _classes(rng, args.rows)[0], rng)
    x, y = _classes(rng, round(args.rows / 1.8))
    _write(folder, "smote", _smote(rng, x, y), rng)
    for name in ("clean", "smote"):
        done = subprocess.run([sys.executable, __file__, "--audit",
                               str(folder / f"{name}_train.npy"),
                               str(folder / f"{name}_test.npy")],
                              capture_output=True, text=True, check=True)
        print(name, done.stdout.strip())


if __name__ == "__main__":
    main()
