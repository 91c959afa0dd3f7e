"""Long fuzz run: `repro validate`/`plan` on hostile specs, `repro audit` on malformed files.

Usage: .venv/bin/python benchmarks/fuzz_specs.py [--cases N] [--seed S] [--only spec|audit]

Every fourth case is an audit (a random `repro audit` subcommand on freshly written hostile
tables, notebooks or Python files), the others a spec (validate, then plan). Prints the
count of cases and of commands run per command and exit code, and every crash (exit 70,
a code outside 0/2 for validate and plan or 0/1/2 for audit, a traceback) with the case
number that remakes it: `--cases 1 --seed S --first N`. Exits 1 when any case crashed.
The suite runs the same generators, bounded, under hypothesis (tests/cli/test_cli_fuzz.py).
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DO_NOT_TRACK", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "cli"))

from audit_fuzz import audit_case  # noqa: E402
from spec_fuzz import Fuzzer, Outcome, spec_case  # noqa: E402


def run_case(fuzzer: Fuzzer, seed: int, i: int, only: str | None) -> tuple[str, list[Outcome]]:
    rng = random.Random(seed * 1_000_003 + i)
    if only == "audit" or (only is None and i % 4 == 0):
        return "audit", [audit_case(rng, fuzzer)]
    kind, content = spec_case(rng)
    return kind, fuzzer.spec(content, rng)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--first", type=int, default=0, help="number of the first case")
    parser.add_argument("--only", choices=["spec", "audit"])
    args = parser.parse_args()
    started = time.monotonic()
    codes: collections.Counter[tuple[str, int]] = collections.Counter()
    crashes = 0
    with tempfile.TemporaryDirectory(prefix="repro-fuzz-") as tmp:
        fuzzer = Fuzzer(Path(tmp))
        for i in range(args.first, args.first + args.cases):
            kind, outcomes = run_case(fuzzer, args.seed, i, args.only)
            for o in outcomes:
                codes[(o.command, o.code)] += 1
                if o.crashed:
                    crashes += 1
                    print(f"CRASH case {i} seed {args.seed} ({kind}): {o.command} exit {o.code}"
                          f"\n{o.output[-2500:]}", flush=True)
    took = time.monotonic() - started
    print(f"cases: {args.cases} (seed {args.seed}, first {args.first}) in {took:.0f}s; "
          f"commands run: {sum(codes.values())}")
    per_command: collections.Counter[str] = collections.Counter()
    for (name, _), count in codes.items():
        per_command[name] += count
    for name in sorted(per_command):
        seen = ", ".join(f"exit {code}: {n}" for (c, code), n in sorted(codes.items())
                         if c == name)
        print(f"  {name}: {per_command[name]} ({seen})")
    print(f"crashes: {crashes}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
