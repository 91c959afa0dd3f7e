"""Opening the history's database: one SQLAlchemy engine, SQLite or PostgreSQL.

Concurrent runs write to one history. SQLite: every transaction starts with `BEGIN
IMMEDIATE`, so writers queue on the database lock (with a long busy timeout) instead of
failing when a read lock cannot be upgraded; pysqlite's own transaction handling is turned
off so that it does not interfere (SQLAlchemy's documented recipe). PostgreSQL: row locks
and `ON CONFLICT` upserts (see store.py), and an advisory lock around migrations.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from runner.errors import InfraError, UsageError
from runner.history.location import masked

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

BUSY_TIMEOUT_S = 60.0  # a batch's runs finishing together wait for each other this long
CONNECT_TIMEOUT_S = 10


def make_engine(url: str) -> Engine:
    """An engine for `url`; a missing driver or a bad URL is a one-line usage error."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise UsageError(f"history URL {masked(url)!r} is not valid: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        return _sqlite(parsed.database)
    if parsed.drivername == "postgresql":
        # The plain scheme means psycopg 3, the driver of `repro[postgres]`, whatever the
        # SQLAlchemy version's own default (psycopg2 before 2.1).
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        return create_engine(parsed, pool_pre_ping=True,
                             connect_args={"connect_timeout": CONNECT_TIMEOUT_S})
    except ImportError as exc:
        raise UsageError(f"no PostgreSQL driver for the history ({exc})",
                         hint="pip install 'repro[postgres]'") from None


def _sqlite(database: str | None) -> Engine:
    from sqlalchemy import create_engine, event

    if not database or database == ":memory:":
        raise UsageError("the history needs a SQLite file, not an in-memory database")
    path = Path(database)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InfraError(f"cannot create the history's folder {path.parent}: "
                         f"{exc.strerror}") from None
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def unreachable(url: str, exc: Exception) -> InfraError:
    """The one error for a history that cannot be opened or written: first line only."""
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return InfraError(f"cannot use the history at {masked(url)}: "
                      f"{detail[0] if detail else type(exc).__name__}")
