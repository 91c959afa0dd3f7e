"""Per-job overhead inside a batch against a lone `repro run` of the same spec.

One tiny spec (a step that prints its metric), its image built once first. Then, each
`--repeats` times: `repro run SPEC` and `repro batch REGISTRY` with that one spec. For
both, the pipeline's own time is the record's `duration_seconds`; what is around it:
- lone run: process wall - pipeline time (interpreter start, CLI, history, summary);
- batch job: the job's duration in the journal - pipeline time (the worker process start,
  its imports, result hand-off, journal writes);
- the batch's fixed cost: batch wall - job duration (lock, registry validation, capacity,
  history hints and ingest, drift, summary).

Usage: python benchmarks/batch_overhead.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from batch_support import (  # noqa: E402
    TOKEN,
    environment,
    newest_journal,
    remove_images,
    repro,
    sleep_spec,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    name = f"bench-{TOKEN}-overhead"
    with tempfile.TemporaryDirectory(prefix="repro-overhead-") as tmp:
        scratch = Path(tmp)
        env = environment(scratch)
        spec = sleep_spec(scratch / "reg", name, 0)
        runs, out = scratch / "runs", scratch / "out"
        try:
            repro(["run", str(spec), "--runs-dir", str(runs), "--quiet"], env)  # the build
            lone, batch, fixed = [], [], []
            for _ in range(args.repeats):
                wall, code, output = repro(["run", str(spec), "--runs-dir", str(runs),
                                            "--quiet"], env)
                assert code == 0, output
                newest = max(runs.glob(f"{name}/*/record.json"), key=lambda p: p.stat().st_mtime)
                pipeline = json.loads(newest.read_text())["duration_seconds"]
                lone.append((wall, pipeline))
                wall, code, output = repro(["batch", str(scratch / "reg"), "--out", str(out),
                                            "--quiet"], env)
                assert code == 0, output
                journal = newest_journal(out)
                [job] = journal["jobs"]
                record = json.loads((out / journal["batch_id"] / job["record"]).read_text())
                batch.append((job["duration_seconds"], record["duration_seconds"]))
                fixed.append(wall - job["duration_seconds"])
        finally:
            remove_images(f"bench-{TOKEN}-")
    med = statistics.median
    print(f"{args.repeats} repeats, image reused; medians:")
    print(f"lone `repro run`: wall {med(w for w, _ in lone):.2f}s, pipeline "
          f"{med(p for _, p in lone):.2f}s, around it {med(w - p for w, p in lone):.2f}s")
    print(f"batch job:        job {med(j for j, _ in batch):.2f}s, pipeline "
          f"{med(p for _, p in batch):.2f}s, around it {med(j - p for j, p in batch):.2f}s "
          f"(the per-job overhead of a batch)")
    print(f"batch fixed cost: {med(fixed):.2f}s per batch (wall - job)")


if __name__ == "__main__":
    main()
