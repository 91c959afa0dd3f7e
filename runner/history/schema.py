"""The history's tables, as SQLAlchemy Core sees them (the migrations create them).

`runs` holds one row per finished run: what a history listing shows, plus the whole
record as JSON so that a diff or a report never needs the run folder (a lab's shared
PostgreSQL history is read on machines that never saw the folders). `metrics` holds each
metric's summary per run, for trends. A test checks that these tables and the migrated
database agree; a change here needs a new migration in `migrations/versions/`.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

# The newest migration: a store at this revision is opened without loading Alembic.
HEAD = "0001"

metadata = MetaData()

runs = Table(
    "runs", metadata,
    Column("run_id", String(64), primary_key=True),
    Column("spec_name", String(128), nullable=False, index=True),
    Column("spec_path", Text, nullable=False),
    Column("spec_sha256", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("verdict", String(32)),
    Column("summary", Text),
    Column("exit_code", Integer),
    Column("reason", Text),
    Column("started", DateTime(timezone=True), nullable=False, index=True),
    Column("finished", DateTime(timezone=True)),
    Column("duration_seconds", Float),
    Column("commit", String(128)),
    Column("image_id", String(128)),
    Column("base_digest", String(128)),
    Column("hostname", Text),
    Column("gpu", Text),
    Column("runner_version", String(32), nullable=False),
    Column("critical_findings", Integer, nullable=False),
    Column("folder", Text),
    Column("record", Text, nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
)

metrics = Table(
    "metrics", metadata,
    Column("run_id", String(64), ForeignKey("runs.run_id", ondelete="CASCADE"),
           primary_key=True),
    Column("name", String(128), primary_key=True),
    Column("n", Integer, nullable=False),
    Column("mean", Float),
    Column("ci_low", Float),
    Column("ci_high", Float),
    Column("claimed", Float),
    Column("tolerance", Float),
    Column("higher_is_better", Boolean),
    Column("verdict", String(32)),
)
