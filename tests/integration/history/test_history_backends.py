"""The history store on SQLite and on a real PostgreSQL server, through one code path."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from record_factory import make_record, write_run

from runner.history.drift import find_drift
from runner.history.ingest import add_to_history, import_folders
from runner.history.migrate import current_revision
from runner.history.refs import resolve
from runner.history.schema import HEAD
from runner.history.store import open_store

pytestmark = pytest.mark.postgres


def test_migrated_on_open_and_reopened_without_change(history_url: str) -> None:
    with open_store(history_url) as store, store.engine.begin() as conn:
        assert current_revision(conn) == HEAD
    with open_store(history_url) as store:
        assert store.runs() == []


def test_import_is_idempotent_and_keeps_what_history_shows(history_url: str,
                                                           tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    for day in range(3):
        write_run(runs, make_record("tiny", day, values=[0.9, 0.91, 0.89 + day / 100]))
    write_run(runs, make_record("other", 0))
    running = make_record("tiny", 9, run_id="20250310T030000Z-running")
    running["status"] = "running"
    write_run(runs, running)

    with open_store(history_url) as store:
        first = import_folders(store, [runs])
        again = import_folders(store, [runs / "tiny", runs / "other"])
        rows = store.runs("tiny")

    assert len(first.new) == 4 and first.refreshed == []
    assert first.unfinished == [f"{runs / 'tiny' / '20250310T030000Z-running'} (running)"]
    assert again.new == [] and len(again.refreshed) == 4
    assert [r.started.day for r in rows] == [1, 2, 3]
    last = rows[-1]
    assert last.commit == "a" * 40 and last.hostname == "lab-node-1"
    assert last.image_id is not None and last.image_id.startswith("sha256:")
    auc = last.metrics["auc"]
    assert auc.n == 3 and auc.claimed == 0.9 and auc.tolerance == 0.01
    assert auc.mean == pytest.approx((0.9 + 0.91 + 0.91) / 3)
    assert auc.ci_low is not None and auc.ci_low < auc.mean < (auc.ci_high or 0)


def test_refs_and_drift_read_back_whole_records(history_url: str, tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    write_run(runs, make_record("tiny", 0))
    write_run(runs, make_record("tiny", 1, values=[0.8, 0.81, 0.79], verdict="not_reproduced",
                                pip=["numpy==1.26.4", "pip==23.0.1", "six==1.17.0"]))
    with open_store(history_url) as store:
        import_folders(store, [runs])
        last, previous = resolve("tiny@last", store), resolve("tiny@previous", store)
        [drift] = find_drift(store)

    assert last.record.started > previous.record.started
    assert last.folder == runs / "tiny" / last.record.run_id
    assert drift.spec == "tiny" and drift.flags[0] == "verdict reproduced -> not_reproduced"
    assert drift.diff.packages is not None
    assert drift.diff.packages.changed == {"six": ("1.16.0", "1.17.0")}


def _add_many(url: str, folders: list[str]) -> list[str | None]:
    return [add_to_history(Path(f) / "record.json", url) for f in folders]


def test_concurrent_writers_lose_nothing(history_url: str, tmp_path: Path) -> None:
    # Four processes open a new history at once (each migrates it or waits for the one
    # that does) and add runs at the same time, as the runs of a batch finishing together.
    folders = [str(write_run(tmp_path / "runs", make_record(f"spec-{i % 3}", i)))
               for i in range(16)]
    chunks = [folders[i::4] for i in range(4)]
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = pool.starmap(_add_many, [(history_url, chunk) for chunk in chunks])

    assert [r for chunk in results for r in chunk] == [None] * 16
    with open_store(history_url) as store:
        assert len(store.runs()) == 16
        assert store.spec_names() == ["spec-0", "spec-1", "spec-2"]
