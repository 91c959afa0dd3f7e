"""The store on SQLite: migrations match the tables, references, and warnings not failures."""

from __future__ import annotations

from pathlib import Path

import pytest
from record_factory import make_record, write_run

from runner.errors import InfraError, UsageError
from runner.history.ingest import add_to_history, import_folders
from runner.history.migrate import KNOWN, MIGRATIONS
from runner.history.refs import resolve
from runner.history.schema import HEAD, metadata
from runner.history.store import open_store


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'h' / 'history.sqlite'}"


def test_migrations_create_exactly_the_tables_the_code_reads(url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    revisions = [r.revision for r in ScriptDirectory.from_config(config).walk_revisions()]
    assert list(reversed(revisions)) == list(KNOWN) and KNOWN[-1] == HEAD
    with open_store(url) as store, store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def test_history_from_a_newer_repro_is_refused(url: str) -> None:
    from sqlalchemy import text

    with open_store(url) as store, store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    with pytest.raises(UsageError, match="revision 0099, newer than this repro knows"):
        open_store(url)


def test_references(url: str, tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    first = write_run(runs, make_record("tiny", 0))
    write_run(runs, make_record("tiny", 1))
    interrupted = make_record("tiny", 2)
    interrupted["status"] = "interrupted"
    write_run(runs, interrupted)
    with open_store(url) as store:
        import_folders(store, [runs])
        assert resolve("tiny@last", store).record.started.startswith("2025-03-02")
        assert resolve("tiny@previous", store).record.run_id == first.name
        assert resolve(first.name[:18], store).record.run_id == first.name
        assert resolve(str(first), None).folder == first
        with pytest.raises(UsageError, match="names 3 runs"):
            resolve("2025", store)
        with pytest.raises(UsageError, match="no run 'nope'"):
            resolve("nope", store)
        with pytest.raises(UsageError, match="unknown position 'first'"):
            resolve("tiny@first", store)
        with pytest.raises(UsageError, match="has no runs"):
            resolve("other@last", store)


def test_a_history_that_cannot_be_written_is_a_warning(tmp_path: Path) -> None:
    folder = write_run(tmp_path / "runs", make_record("tiny", 0))
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    problem = add_to_history(folder / "record.json", str(blocked / "sub" / "h.sqlite"))
    assert problem is not None and problem.startswith("run not added to the history:")
    problem = add_to_history(folder / "record.json", "postgresql://nobody@127.0.0.1:1/none")
    assert problem is not None and "cannot use the history at postgresql://nobody@" in problem


def test_unreachable_server_is_an_infrastructure_error() -> None:
    with pytest.raises(InfraError, match="cannot use the history at postgresql://nobody@"):
        open_store("postgresql://nobody@127.0.0.1:1/none")
