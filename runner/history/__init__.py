"""The history of runs: one database of every finished run, and what is read from it.

Owns the store (SQLAlchemy 2 Core on SQLite or PostgreSQL, one code path; its schema is
versioned by the Alembic migrations shipped in `migrations/` and applied when a store is
opened), the import of run folders (the record files stay the source of truth), run
references (`NAME@last`), the comparison of two runs (metrics, verdicts and what changed
beneath: packages, image, driver...), drift between each spec's last two runs, and their
console views. May import `present`, `run`'s typed results through `record`, `audits`,
`edges`, `core`, `record`, `spec`, `errors` and `settings`; SQLAlchemy and Alembic are
imported only by the modules that open a store, never at CLI start.
"""
