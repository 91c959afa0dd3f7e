"""Runs into the history: one run after `repro run` or a batch, or whole run folders.

`add_to_history` is the one function every command that finishes a run calls (`repro run`
now, `repro batch` for each of its runs): a history that cannot be written is a warning for
the caller to print, never a failed run. `import_folders` (re)builds a store from run
folders, the source of truth; it is idempotent, and skips runs that have not finished.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from runner.errors import ReproError
from runner.history.store import HistoryStore, open_store
from runner.history.summary import is_finished
from runner.record.store import RECORD_NAME, load_record


def add_to_history(record_path: Path, url: str | None = None) -> str | None:
    """Add the finished run at `record_path`; None when done, else why not (a warning)."""
    try:
        record = load_record(record_path)
        if not is_finished(record):
            return f"run {record.run_id} is {record.status}: not added to the history"
        with open_store(url) as store:
            store.add(record, record_path.parent)
    except ReproError as exc:
        return f"run not added to the history: {exc.message}"
    except Exception as exc:  # the run is done and recorded: whatever happens here, it stays
        return f"run not added to the history: {type(exc).__name__}: {exc}"
    return None


@dataclass
class ImportReport:
    new: list[str] = field(default_factory=list)
    refreshed: list[str] = field(default_factory=list)
    unfinished: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # "path: why"

    @property
    def added(self) -> int:
        return len(self.new) + len(self.refreshed)


def record_files(folders: Iterable[Path]) -> Iterator[Path]:
    """Every record.json under the folders (a run folder, a spec's, a whole runs/), sorted."""
    for folder in folders:
        if folder.is_file():
            yield folder
        elif (folder / RECORD_NAME).is_file():
            yield folder / RECORD_NAME
        else:
            yield from sorted(folder.rglob(RECORD_NAME))


def import_folders(store: HistoryStore, folders: Iterable[Path]) -> ImportReport:
    """Add every finished run found under `folders`; a bad record is listed, not fatal."""
    report = ImportReport()
    for path in record_files(folders):
        try:
            record = load_record(path)
        except ReproError as exc:
            report.unreadable.append(exc.message)
            continue
        if not is_finished(record):
            report.unfinished.append(f"{path.parent} ({record.status})")
            continue
        target = report.new if store.add(record, path.parent) else report.refreshed
        target.append(record.run_id)
    return report
