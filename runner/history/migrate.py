"""Bring a history's schema to this repro's revision, safely when many processes open it.

A store already at `HEAD` is opened with one query and without importing Alembic (every
`repro run` opens the history once). Otherwise the upgrade runs inside one transaction that
holds the migration lock (SQLite: the database lock of `BEGIN IMMEDIATE`; PostgreSQL: an
advisory lock), so two processes opening a new history at once migrate it once. A history
written by a newer repro is refused, never downgraded.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from runner.errors import UsageError
from runner.history.location import masked
from runner.history.schema import HEAD

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
KNOWN = ("0001",)  # every revision in migrations/versions, oldest first (a test checks)
_LOCK_KEY = 0x7265_7072_6F68  # "reproh": any constant shared by every repro


def current_revision(connection: Connection) -> str | None:
    from sqlalchemy import inspect, text

    if not inspect(connection).has_table("alembic_version"):
        return None
    value = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return str(value) if value is not None else None


def upgrade(engine: Engine) -> None:
    with engine.begin() as connection:
        if current_revision(connection) == HEAD:
            return
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            from sqlalchemy import text

            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        found = current_revision(connection)  # again: another process may have migrated
        if found == HEAD:
            return
        if found is not None and found not in KNOWN:
            raise UsageError(
                f"the history at {masked(str(engine.url))} has schema revision {found}, "
                f"newer than this repro knows ({HEAD})", hint="upgrade repro to use it")
        _alembic_upgrade(connection)


def _alembic_upgrade(connection: Connection) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
