"""Makespan of a batch: 8 sleep papers of mixed, known lengths on 2 slots, against the
ideal max(longest job, total / slots). Target (issue 10): >= 90% efficiency.

Two batches over the same registry and OUT: the first cold (images built, durations known
only from each spec's timeout), the second warm (images reused; durations from the first
batch's journal, so longest-first uses measured times). Two figures for each:
- end-to-end efficiency: ideal over the sleeps alone / the batch's wall time (everything
  repro adds counts against it: worker start, fetch, build or reuse, containers, records);
- packing efficiency: ideal over the jobs' measured durations / first start to last end
  (how well the scheduler packs what it was given).

Usage: python benchmarks/batch_makespan.py [--slots 2] [--lengths 40,32,26,20,16,12,8,6]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from batch_support import (  # noqa: E402
    TOKEN,
    environment,
    newest_journal,
    remove_images,
    repro,
    sleep_spec,
)


def ideal(lengths: list[float], slots: int) -> float:
    return max(max(lengths), sum(lengths) / slots)


def span(journal: dict[str, Any]) -> float:
    starts = [datetime.fromisoformat(j["started"]) for j in journal["jobs"]]
    ends = [datetime.fromisoformat(j["finished"]) for j in journal["jobs"]]
    return (max(ends) - min(starts)).total_seconds()


def report(label: str, wall: float, journal: dict[str, Any], sleeps: list[float],
           slots: int) -> None:
    measured = [j["duration_seconds"] for j in journal["jobs"]]
    order = [j["name"].rsplit("-", 1)[1] for j in sorted(journal["jobs"],
                                                         key=lambda j: j["started"])]
    best = ideal(sleeps, slots)
    print(f"{label}: wall {wall:.1f}s (first start to last end {span(journal):.1f}s), "
          f"exit {journal['exit_code']}; start order (s): {' '.join(order)}")
    print(f"  end-to-end efficiency: ideal {best:.1f}s over the sleeps / wall = "
          f"{best / wall:.1%}")
    packed = ideal(measured, slots)
    print(f"  packing efficiency: ideal {packed:.1f}s over the measured jobs "
          f"(sum {sum(measured):.1f}s) / span = {packed / span(journal):.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slots", type=int, default=2)
    parser.add_argument("--lengths", default="40,32,26,20,16,12,8,6")
    args = parser.parse_args()
    lengths = [float(x) for x in args.lengths.split(",")]
    prefix = f"bench-{TOKEN}-"
    with tempfile.TemporaryDirectory(prefix="repro-makespan-") as tmp:
        scratch = Path(tmp)
        env = environment(scratch)
        for i, seconds in enumerate(lengths):
            # Registry order is shortest first, so longest-first has something to fix.
            sleep_spec(scratch / "reg", f"{prefix}{len(lengths) - i}-{seconds:g}", seconds)
        print(f"{len(lengths)} sleep papers {args.lengths} s on {args.slots} slots; "
              f"ideal max(longest, total/slots) = {ideal(lengths, args.slots):.1f}s")
        try:
            for label in ("cold (builds, timeouts as hints)", "warm (reuse, journal durations)"):
                wall, code, output = repro(["batch", str(scratch / "reg"), "--out",
                                            str(scratch / "out"), "--slots", str(args.slots),
                                            "--quiet"], env)
                if code != 0:
                    sys.exit(f"batch failed ({code}):\n{output}")
                report(label, wall, newest_journal(scratch / "out"), lengths, args.slots)
        finally:
            remove_images(prefix)


if __name__ == "__main__":
    main()
