"""How fast the CLI starts: `repro --help` and `repro validate SPEC`, median of N runs.

Usage: python benchmarks/cli_start.py [--tree PATH] [--runs N]
`--tree` measures another checkout (its `runner` package first on the path), e.g. an older
commit in a git worktree, with the same interpreter and libraries.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENTRY = "from runner.cli import main; main()"


def measure(tree: Path, args: list[str], runs: int) -> list[float]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run([sys.executable, "-c", ENTRY, *args], cwd=tree, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - began)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tree", type=Path, default=ROOT)
    parser.add_argument("--runs", type=int, default=15)
    opts = parser.parse_args()
    spec = str(ROOT / "specs" / "aftershock-mini.yaml")
    for label, args in (("repro --help", ["--help"]), ("repro validate", ["validate", spec])):
        times = measure(opts.tree, args, opts.runs)
        print(f"{label:16} median {statistics.median(times):.3f}s  "
              f"min {min(times):.3f}s  (n={len(times)}, tree {opts.tree})")


if __name__ == "__main__":
    main()
