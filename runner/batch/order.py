"""Longest jobs first, so the night ends sooner (LPT: the longest job never starts last).

A job's expected duration is its newest duration in an earlier batch's journal under the
same output folder, else in the history store, else its spec's timeout (or the sum of its
steps' timeouts), else an hour.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from runner.batch.journal import JOURNAL_NAME
from runner.batch.registry import Entry
from runner.spec import Spec

UNKNOWN_SECONDS = 3600.0


def journal_durations(out_dir: Path, exclude: Path | None = None) -> dict[str, float]:
    """Each spec's duration in the newest earlier batch that finished it (journals in OUT)."""
    found: dict[str, tuple[str, float]] = {}
    for path in out_dir.glob(f"*/{JOURNAL_NAME}"):
        if exclude is not None and path.parent == exclude:
            continue
        try:
            data = json.loads(path.read_text())
            jobs = data["jobs"]
        except (OSError, ValueError, KeyError, TypeError):
            continue  # a damaged journal only costs its hints
        for job in jobs:
            if job.get("state") == "done" and isinstance(job.get("duration_seconds"), float):
                when = str(job.get("finished") or "")
                if job["name"] not in found or when > found[job["name"]][0]:
                    found[job["name"]] = (when, job["duration_seconds"])
    return {name: seconds for name, (_, seconds) in found.items()}


def history_durations(names: Iterable[str], url: str | None = None) -> dict[str, float]:
    """Each spec's newest finished run's duration in the history store; {} without one."""
    from runner.history.store import open_store

    wanted = set(names)
    try:
        with open_store(url) as store:
            rows = store.runs(last=1, skip_interrupted=True)
    except Exception:  # no history, or one that cannot be read: a hint lost, nothing more
        return {}
    return {r.spec_name: r.duration_seconds for r in rows
            if r.spec_name in wanted and r.duration_seconds is not None}


def spec_guess(spec: Spec) -> float:
    if spec.resources.timeout:
        return float(spec.resources.timeout)
    steps = [s.timeout for s in spec.steps]
    if steps and all(t is not None for t in steps):
        return float(sum(t for t in steps if t is not None)) * len(spec.seeds)
    return UNKNOWN_SECONDS


def expected(entries: Sequence[Entry], known: dict[str, float]) -> dict[str, float]:
    return {e.name: known.get(e.name) or (spec_guess(e.spec) if e.spec else 0.0)
            for e in entries}


def longest_first(names: Sequence[str], seconds: dict[str, float]) -> list[str]:
    """Stable: equal estimates keep the registry's order."""
    return sorted(names, key=lambda n: -seconds.get(n, UNKNOWN_SECONDS))
