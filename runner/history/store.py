"""The history store: add a finished run, list runs, load a run's record back.

One code path for SQLite and PostgreSQL (SQLAlchemy Core). Adding a run is an upsert keyed
by the run id, so importing the same folder twice changes nothing, and a re-import after a
record changed replaces the row and its metrics in one transaction.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runner.errors import UsageError
from runner.history.location import history_url, masked
from runner.history.summary import (
    CUT_SHORT,
    MetricSummary,
    as_utc,
    gpu_model,
    hostname,
    is_finished,
    metric_summaries,
    parse_time,
)
from runner.record.model import RunRecord

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine, Row


@dataclass
class RunRow:
    """One run as a history listing shows it (the record itself stays in the store)."""

    run_id: str
    spec_name: str
    status: str
    verdict: str | None
    started: datetime
    duration_seconds: float | None
    commit: str | None
    image_id: str | None
    base_digest: str | None
    hostname: str | None
    gpu: str | None
    critical_findings: int
    folder: str | None
    exit_code: int | None
    reason: str | None
    metrics: dict[str, MetricSummary] = field(default_factory=dict)


class HistoryStore:
    """An open history. Use `open_store()`; close it (or use `with`) when done."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url

    @property
    def where(self) -> str:
        return masked(self.url)

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    @contextlib.contextmanager
    def _begin(self) -> Iterator[Connection]:
        """A transaction; a database error becomes the one-line InfraError (exit 4)."""
        from sqlalchemy.exc import SQLAlchemyError

        from runner.history.db import unreachable

        try:
            with self.engine.begin() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise unreachable(self.url, exc) from None

    def add(self, record: RunRecord, folder: Path | None) -> bool:
        """Add or refresh one finished run; True when it was not in the history yet."""
        if not is_finished(record):
            raise UsageError(f"run {record.run_id} is {record.status}, not finished")
        from sqlalchemy import delete, insert, select

        from runner.history.schema import metrics, runs

        row = _run_values(record, folder)
        with self._begin() as conn:
            known = conn.execute(select(runs.c.run_id).where(
                runs.c.run_id == record.run_id)).first() is not None
            conn.execute(_upsert(conn, row))
            conn.execute(delete(metrics).where(metrics.c.run_id == record.run_id))
            summaries = metric_summaries(record)
            if summaries:
                conn.execute(insert(metrics), [
                    {"run_id": record.run_id, **s.to_json()} for s in summaries.values()])
        return not known

    def spec_names(self) -> list[str]:
        from sqlalchemy import select

        from runner.history.schema import runs

        with self._begin() as conn:
            found = conn.execute(select(runs.c.spec_name).distinct()).scalars()
            return sorted(found)

    def runs(self, spec: str | None = None, last: int | None = None,
             skip_interrupted: bool = False) -> list[RunRow]:
        """Runs oldest first; `last` keeps the newest N (of `spec`, or of each spec)."""
        from sqlalchemy import select

        from runner.history.schema import runs

        query = select(*[c for c in runs.c if c.name != "record"])
        if spec is not None:
            query = query.where(runs.c.spec_name == spec)
        if skip_interrupted:
            query = query.where(runs.c.status.notin_(CUT_SHORT))
        query = query.order_by(runs.c.spec_name, runs.c.started, runs.c.run_id)
        with self._begin() as conn:
            rows = [_row(r) for r in conn.execute(query)]
            if last is not None:
                rows = _newest(rows, last)
            _attach_metrics(conn, rows)
        return rows

    def load(self, run_id: str) -> tuple[RunRecord, str | None]:
        """A run's record as it was added, and the folder it was read from."""
        from sqlalchemy import select

        from runner.history.schema import runs

        with self._begin() as conn:
            found = conn.execute(select(runs.c.record, runs.c.folder).where(
                runs.c.run_id == run_id)).first()
        if found is None:
            raise UsageError(f"no run {run_id} in the history at {self.where}")
        return RunRecord.model_validate(json.loads(found.record)), found.folder

    def ids_starting(self, prefix: str) -> list[str]:
        from sqlalchemy import select

        from runner.history.schema import runs

        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        with self._begin() as conn:
            return sorted(conn.execute(select(runs.c.run_id).where(
                runs.c.run_id.like(f"{escaped}%", escape="\\"))).scalars())


def open_store(url: str | None = None) -> HistoryStore:
    """Open (creating and migrating when needed) the history at `url` or `REPRO_HISTORY`."""
    from sqlalchemy.exc import SQLAlchemyError

    from runner.history.db import make_engine, unreachable
    from runner.history.migrate import upgrade

    resolved = history_url(url)
    engine = make_engine(resolved)
    try:
        upgrade(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise unreachable(resolved, exc) from None
    except BaseException:
        engine.dispose()
        raise
    return HistoryStore(engine, resolved)


def _upsert(conn: Connection, row: dict[str, Any]) -> Any:
    from runner.history.schema import runs

    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        pg = pg_insert(runs).values(**row)
        return pg.on_conflict_do_update(index_elements=[runs.c.run_id],
                                        set_={k: pg.excluded[k] for k in row if k != "run_id"})
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    lite = sqlite_insert(runs).values(**row)
    return lite.on_conflict_do_update(index_elements=[runs.c.run_id],
                                      set_={k: lite.excluded[k] for k in row if k != "run_id"})


def _run_values(record: RunRecord, folder: Path | None) -> dict[str, Any]:
    image = record.image
    return {
        "run_id": record.run_id, "spec_name": record.spec.name or "spec",
        "spec_path": record.spec.path, "spec_sha256": record.spec.sha256,
        "status": str(record.status), "verdict": record.verdict and str(record.verdict),
        "summary": record.summary, "exit_code": record.exit_code, "reason": record.reason,
        "started": parse_time(record.started), "finished": parse_time(record.finished),
        "duration_seconds": record.duration_seconds,
        "commit": record.source.commit if record.source else None,
        "image_id": image.id if image else None,
        "base_digest": image.base_digest if image else None,
        "hostname": hostname(record), "gpu": gpu_model(record),
        "runner_version": record.runner_version,
        "critical_findings": record.critical_findings,
        "folder": str(folder.resolve()) if folder is not None else None,
        "record": json.dumps(record.to_json_data(), default=str),
        "imported_at": datetime.now(UTC),
    }


def _row(found: Row[Any]) -> RunRow:
    values = found._mapping
    return RunRow(
        run_id=values["run_id"], spec_name=values["spec_name"], status=values["status"],
        verdict=values["verdict"], started=as_utc(values["started"]),
        duration_seconds=values["duration_seconds"], commit=values["commit"],
        image_id=values["image_id"], base_digest=values["base_digest"],
        hostname=values["hostname"], gpu=values["gpu"],
        critical_findings=values["critical_findings"], folder=values["folder"],
        exit_code=values["exit_code"], reason=values["reason"])


def _newest(rows: list[RunRow], last: int) -> list[RunRow]:
    by_spec: dict[str, list[RunRow]] = {}
    for row in rows:
        by_spec.setdefault(row.spec_name, []).append(row)
    return [row for spec_rows in by_spec.values() for row in spec_rows[-last:]] if last else []


def _attach_metrics(conn: Connection, rows: list[RunRow]) -> None:
    from sqlalchemy import select

    from runner.history.schema import metrics

    by_id = {row.run_id: row for row in rows}
    ids = list(by_id)
    for start in range(0, len(ids), 500):  # bounded IN lists, whatever the history's size
        query = select(metrics).where(metrics.c.run_id.in_(ids[start:start + 500]))
        for found in conn.execute(query):
            values = dict(found._mapping)
            run_id = values.pop("run_id")
            by_id[run_id].metrics[values["name"]] = MetricSummary(**values)
