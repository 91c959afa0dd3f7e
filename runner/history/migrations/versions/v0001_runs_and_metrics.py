"""The first schema: runs (one row per finished run, the record as JSON) and metrics.

Revision ID: 0001
Revises: none
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("run_id", sa.String(64), primary_key=True),
        sa.Column("spec_name", sa.String(128), nullable=False),
        sa.Column("spec_path", sa.Text, nullable=False),
        sa.Column("spec_sha256", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("verdict", sa.String(32)),
        sa.Column("summary", sa.Text),
        sa.Column("exit_code", sa.Integer),
        sa.Column("reason", sa.Text),
        sa.Column("started", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished", sa.DateTime(timezone=True)),
        sa.Column("duration_seconds", sa.Float),
        sa.Column("commit", sa.String(128)),
        sa.Column("image_id", sa.String(128)),
        sa.Column("base_digest", sa.String(128)),
        sa.Column("hostname", sa.Text),
        sa.Column("gpu", sa.Text),
        sa.Column("runner_version", sa.String(32), nullable=False),
        sa.Column("critical_findings", sa.Integer, nullable=False),
        sa.Column("folder", sa.Text),
        sa.Column("record", sa.Text, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_runs_spec_name", "runs", ["spec_name"])
    op.create_index("ix_runs_started", "runs", ["started"])
    op.create_table(
        "metrics",
        sa.Column("run_id", sa.String(64), sa.ForeignKey("runs.run_id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("name", sa.String(128), primary_key=True),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("mean", sa.Float),
        sa.Column("ci_low", sa.Float),
        sa.Column("ci_high", sa.Float),
        sa.Column("claimed", sa.Float),
        sa.Column("tolerance", sa.Float),
        sa.Column("higher_is_better", sa.Boolean),
        sa.Column("verdict", sa.String(32)),
    )


def downgrade() -> None:
    op.drop_table("metrics")
    op.drop_index("ix_runs_started", "runs")
    op.drop_index("ix_runs_spec_name", "runs")
    op.drop_table("runs")
