"""Long fuzz run: `repro validate`/`plan` on hostile specs, `repro audit` on malformed files.

Usage: .venv/bin/python benchmarks/fuzz_specs.py [CASES] [SEED]

Prints the count of cases and commands run and every crash (exit 70, a code outside
0/2 for validate and plan or 0/1/2 for audit, a traceback), with the seed that remakes it.
Exits 1 when any case crashed. The suite runs the same cases, bounded, under hypothesis
(tests/cli/test_cli_fuzz.py).
"""

from __future__ import annotations

import collections
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "cli"))

from spec_fuzz import Fuzzer, spec_case  # noqa: E402


def main(cases: int, seed: int) -> int:
    started = time.monotonic()
    commands: collections.Counter[str] = collections.Counter()
    codes: collections.Counter[str] = collections.Counter()
    crashes = []
    with tempfile.TemporaryDirectory(prefix="repro-fuzz-") as tmp:
        fuzzer = Fuzzer(Path(tmp))
        for i in range(cases):
            rng = random.Random(seed * 1_000_003 + i)
            kind = "audit"
            if i % 4:
                kind, content = spec_case(rng)
                outcomes = fuzzer.spec(content)
            else:
                outcomes = fuzzer.audit(rng)
            for o in outcomes:
                commands[o.command] += 1
                codes[f"{o.command} -> {o.code}"] += 1
                if o.crashed:
                    crashes.append((i, kind, o))
                    print(f"CRASH case {i} ({kind}): {o.command} exit {o.code}\n"
                          f"{o.output[-1500:]}", flush=True)
    took = time.monotonic() - started
    print(f"cases: {cases} (seed {seed}) in {took:.0f}s; commands run: {sum(commands.values())}")
    for name, count in sorted(codes.items()):
        print(f"  {name}: {count}")
    print(f"crashes: {len(crashes)}")
    return 1 if crashes else 0


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    s = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    sys.exit(main(n, s))
