"""Time the history and the report on a synthetic history: import, listing, drift, site.

N specs with M nightly runs each (records made in code, written as run folders), into a
fresh SQLite history (or `--history URL`), then `write_site`. Prints seconds per phase.

    python benchmarks/history_report.py [--specs 20] [--runs 30] [--history URL]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout, uninstalled
sys.path.insert(0, str(ROOT / "tests"))  # the record factory of the tests
from record_factory import curve_finding, make_record, write_run  # noqa: E402

from runner.history.drift import find_drift  # noqa: E402
from runner.history.ingest import import_folders  # noqa: E402
from runner.history.store import open_store  # noqa: E402
from runner.report.site import write_site  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--specs", type=int, default=20)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--history", default=None, help="default: a new SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        url = args.history or f"sqlite:///{base / 'history.sqlite'}"
        for s in range(args.specs):
            for day in range(args.runs):
                write_run(base / "runs", make_record(
                    f"spec-{s:02d}", day, values=[0.9 + day / 1e4, 0.905, 0.897],
                    findings=[curve_finding()]))
        total = args.specs * args.runs
        print(f"{args.specs} specs x {args.runs} runs = {total} runs")
        with open_store(url) as store:
            _time("import (new)", lambda: import_folders(store, [base / "runs"]))
            _time("import again (idempotent)", lambda: import_folders(store, [base / "runs"]))
            _time("history listing (all runs)", store.runs)
            _time("drift (every spec)", lambda: find_drift(store))
        _time("report site (new)", lambda: write_site(base / "site", url))
        _time("report site again (reused)", lambda: write_site(base / "site", url))
        pages = len(list((base / "site").rglob("*.html")))
        print(f"report: {pages} pages")


def _time(label: str, work: object) -> None:
    start = time.perf_counter()
    work()  # type: ignore[operator]
    print(f"{label:<30} {time.perf_counter() - start:7.2f} s")


if __name__ == "__main__":
    main()
