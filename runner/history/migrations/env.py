"""Alembic's entry point for the history's migrations, run only through
`runner.history.migrate` (never the `alembic` command): the caller opens the connection,
takes the migration lock and passes the connection in `config.attributes`.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("the history's migrations run through runner.history.migrate only")
# One transaction for every step: the caller's, so a failed step leaves the old schema.
context.configure(connection=connection, transactional_ddl=True,
                  transaction_per_migration=False)
with context.begin_transaction():
    context.run_migrations()
