"""`write_site`: the history as a static site, written whole and swapped into place.

    OUT/index.html                every spec: last verdict, trend, drift, critical findings
    OUT/spec/NAME.html            metrics over time, verdict timeline, findings, last change
    OUT/run/RUN_ID/index.html     one run's evidence, with record.json and logs/ beside it

The site is built in a sibling folder and renamed into place, so a reader (or a web server)
never sees half a site; a folder that holds something else than a repro report is never
replaced. Pages are self-contained: inline CSS and SVG, no JavaScript, no fetched font, and
a Content-Security-Policy that forbids any request, so a page reads the same from file://
on a machine with no network.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runner import __version__
from runner.errors import InfraError, UsageError
from runner.history.store import HistoryStore, RunRow, open_store
from runner.history.summary import parse_time
from runner.record.model import RunRecord
from runner.report.evidence import copy_evidence
from runner.report.pages import (
    SpecPage,
    file_name,
    index_entry,
    metric_figure,
    spec_page,
    timeline,
)
from runner.report.run_page import run_context

if TYPE_CHECKING:
    from jinja2 import Environment

MARKER = ".repro-report"


def write_site(out_dir: Path, history_url: str | None = None) -> Path:
    """Write the site of the history at `history_url` (default REPRO_HISTORY) into
    `out_dir`; returns the index page. The batch calls this at its end (`--report DIR`)."""
    _check_target(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    previous = out_dir if _same_version(out_dir) else None
    try:
        with open_store(history_url) as store:
            _build(store, build, previous)
        (build / MARKER).write_text(_stamp(), encoding="utf-8")
        _swap(build, out_dir)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    return out_dir / "index.html"


def _stamp() -> str:
    return f"written by repro {__version__}\n"


def _same_version(out_dir: Path) -> bool:
    """An earlier report by this repro: its run pages can be reused when unchanged."""
    try:
        return (out_dir / MARKER).read_text(encoding="utf-8") == _stamp()
    except OSError:
        return False


def _check_target(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{out_dir} is a file, not a folder for the report")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / MARKER).exists():
        raise UsageError(f"{out_dir} is not empty and holds no repro report",
                         hint="give a new folder, or one an earlier `repro report` wrote")


def _swap(build: Path, out_dir: Path) -> None:
    old = out_dir.with_name(f".{out_dir.name}.old-{build.name[-8:]}")
    try:
        if out_dir.exists():
            out_dir.rename(old)
        build.chmod(0o755)  # mkdtemp's 0700 would hide the site from a web server
        build.rename(out_dir)
    except OSError as exc:
        raise InfraError(f"cannot put the report in place at {out_dir}: {exc.strerror}") from None
    shutil.rmtree(old, ignore_errors=True)


def _build(store: HistoryStore, root: Path, previous: Path | None) -> None:
    env = _templates()
    common = {"version": __version__,
              "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}
    all_rows = store.runs()
    by_spec: dict[str, list[RunRow]] = {}
    for row in all_rows:
        by_spec.setdefault(row.spec_name, []).append(row)
    entries = []
    for name, rows in by_spec.items():
        page = _write_spec(env, store, (root, previous), name, rows, common)
        entries.append(index_entry(page))
    drifted = [e for e in entries if e["flags"]]
    _render(env, "index.html.j2", root / "index.html", specs=entries, drifted=drifted,
            total=len(all_rows), root="", **common)


def _write_spec(env: Environment, store: HistoryStore, roots: tuple[Path, Path | None],
                name: str, rows: list[RunRow], common: dict[str, Any]) -> SpecPage:
    """The spec's run pages, then its own page; its records are dropped afterwards."""
    root, previous = roots
    records: dict[str, RunRecord] = {}
    for row in rows:
        record, folder = store.load(row.run_id)
        records[row.run_id] = record
        _write_run(env, record, folder, (root, previous), file_name(name), common)
    page = spec_page(name, rows, records)
    plots = [(m, metric_figure(name, m, rows)) for m in page.metrics]
    _render(env, "spec.html.j2", root / "spec" / f"{file_name(name)}.html", root="../",
            page=page, plots=[(m, p) for m, p in plots if p is not None],
            timeline=timeline(rows), **common)
    return page


def _write_run(env: Environment, record: RunRecord, folder: str | None,
               roots: tuple[Path, Path | None], spec_file: str, common: dict[str, Any]) -> None:
    """A run's page, record and logs; copied from the previous report when the record is
    the same (a nightly report then draws only the new runs' plots)."""
    root, previous = roots
    page_dir = root / "run" / file_name(record.run_id)
    text = json.dumps(record.to_json_data(), indent=2, default=str) + "\n"
    if previous is not None:
        old = previous / "run" / file_name(record.run_id)
        with contextlib.suppress(OSError):
            if (old / "record.json").read_text(encoding="utf-8") == text:
                shutil.copytree(old, page_dir)
                return
    page_dir.mkdir(parents=True)
    (page_dir / "record.json").write_text(text, encoding="utf-8")
    local = Path(folder) if folder and Path(folder).is_dir() else None
    logs = copy_evidence(record, local, page_dir)
    _render(env, "run.html.j2", page_dir / "index.html", root="../../", spec_file=spec_file,
            have_folder=local is not None, **run_context(record, logs), **common)


def _templates() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    # autoescape on for every template: each ends in .j2, which select_autoescape misses.
    env = Environment(loader=PackageLoader("runner.report", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["when"] = _when
    return env


def _when(iso: str | None) -> str:
    """A record's ISO time as `2025-03-06 03:00 UTC`."""
    moment = parse_time(iso)
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "-"


def _render(env: Environment, template: str, path: Path, **values: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(env.get_template(template).render(**values), encoding="utf-8")
