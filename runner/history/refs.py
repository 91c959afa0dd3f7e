"""Naming a run: a run folder (or its record.json), a run id (or a unique prefix of one),
or `NAME@last` / `NAME@previous`: a spec's newest run in the history and the one before.

`last` and `previous` skip interrupted runs: a run someone stopped says nothing about the
paper, and "what changed since the previous run" should compare two runs that ran.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from runner.errors import UsageError
from runner.history.store import HistoryStore
from runner.record.model import RunRecord
from runner.record.store import RECORD_NAME, load_record

POSITIONS = {"last": 1, "previous": 2}
FORMS = "a run id, a run folder, NAME@last or NAME@previous"


@dataclass(frozen=True)
class ResolvedRun:
    record: RunRecord
    folder: Path | None  # where its logs are, when this machine has them


def resolve(ref: str, store: HistoryStore | None) -> ResolvedRun:
    """The run `ref` names; a folder works without a history (`store` None)."""
    path = Path(ref).expanduser()
    if path.is_dir() and (path / RECORD_NAME).is_file():
        return ResolvedRun(load_record(path / RECORD_NAME), path)
    if path.is_file() and path.name == RECORD_NAME:
        return ResolvedRun(load_record(path), path.parent)
    if store is None:
        raise UsageError(f"{ref} is not a run folder", hint=f"give {FORMS}")
    if "@" in ref:
        return _positional(ref, store)
    found = store.ids_starting(ref) if ref else []
    exact = [run_id for run_id in found if run_id == ref]
    if exact or len(found) == 1:
        return _stored((exact or found)[0], store)
    if found:
        raise UsageError(f"{ref} names {len(found)} runs: {', '.join(found[:5])}",
                         hint="give more of the run id")
    raise UsageError(f"no run {ref!r} in the history at {store.where}", hint=f"give {FORMS}")


def _positional(ref: str, store: HistoryStore) -> ResolvedRun:
    name, _, position = ref.rpartition("@")
    if position not in POSITIONS:
        raise UsageError(f"{ref}: unknown position {position!r}", hint=f"give {FORMS}")
    runs = store.runs(spec=name, skip_interrupted=True)
    back = POSITIONS[position]
    if len(runs) < back:
        have = f"has {len(runs)} run{'s' if len(runs) != 1 else ''}" if runs else "has no runs"
        raise UsageError(f"{ref}: spec {name!r} {have} in the history at {store.where}",
                         hint="`repro history` lists what the history holds")
    return _stored(runs[-back].run_id, store)


def _stored(run_id: str, store: HistoryStore) -> ResolvedRun:
    record, folder = store.load(run_id)
    where = Path(folder) if folder else None
    return ResolvedRun(record, where if where is not None and where.is_dir() else None)
