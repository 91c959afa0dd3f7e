"""`repro history`, `repro diff`, `repro drift` and `repro report`: what runs did over time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from runner.cli.base import JsonOpt, err, handled, out

HistoryOpt = Annotated[str | None, typer.Option(
    "--history", help="history path or URL (postgresql://user@host:port/db); "
                      "default: REPRO_HISTORY, else ~/.local/share/repro/history.sqlite")]


class _ShowByDefault(TyperGroup):
    """`repro history [NAME]` lists runs; `repro history import DIR...` is a subcommand."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = ["show", *args]
        return super().parse_args(ctx, args)


history_app = typer.Typer(cls=_ShowByDefault, help=(
    "Every finished run, over time. `repro history [NAME]` lists runs (the `show` "
    "subcommand); `repro history import DIR...` (re)builds the history from run folders."))


@history_app.command("show")
@handled
def history_show(
    name: Annotated[str | None, typer.Argument(help="a spec's name; default: every spec")] = None,
    last: Annotated[int | None, typer.Option(min=1, help="the newest N runs (per spec)")] = None,
    json_out: JsonOpt = False, history: HistoryOpt = None,
) -> int:
    """Per spec, its runs over time: date, commit, image, verdict, metrics, duration, host.

    Example: `repro history aftershock-mini --last 5`
    """
    from runner.errors import UsageError
    from runner.history.store import open_store
    from runner.history.views import history_table, row_json

    with open_store(history) as store:
        rows = store.runs(spec=name, last=last)
        where = store.where
    if name is not None and not rows:
        raise UsageError(f"no runs of {name} in the history at {where}",
                         hint="`repro history` lists every spec it holds")
    by_spec: dict[str, list[Any]] = {}
    for row in rows:
        by_spec.setdefault(row.spec_name, []).append(row)
    if json_out:
        print(json.dumps({"history": where, "specs": [
            {"name": spec, "runs": [row_json(r) for r in runs]}
            for spec, runs in by_spec.items()]}, indent=2))
        return 0
    for spec, runs in by_spec.items():
        out.print(history_table(spec, runs))
    if not by_spec:
        out.print(f"the history at {where} holds no runs yet", highlight=False)
    return 0


@history_app.command("import")
@handled
def history_import(
    folders: Annotated[list[Path], typer.Argument(
        help="run folders, spec folders or whole runs/ folders", show_default=False)],
    history: HistoryOpt = None,
) -> int:
    """Add every finished run under the folders to the history (idempotent).

    Example: `repro history import runs/`
    """
    from runner.errors import UsageError
    from runner.history.ingest import import_folders
    from runner.history.store import open_store

    missing = [str(f) for f in folders if not f.exists()]
    if missing:
        raise UsageError(f"no such folder: {', '.join(missing)}")
    with open_store(history) as store:
        report = import_folders(store, folders)
        where = store.where
    for problem in report.unreadable:
        err.print(f"skipped: {problem}", highlight=False)
    for folder in report.unfinished:
        err.print(f"skipped, not finished: {folder}", highlight=False)
    out.print(f"{report.added} run(s) in the history at {where}: {len(report.new)} new, "
              f"{len(report.refreshed)} already there (refreshed)", highlight=False)
    return 0


@handled
def diff(
    run_a: Annotated[str, typer.Argument(help="run id, run folder, NAME@last or NAME@previous")],
    run_b: Annotated[str, typer.Argument(help="the run to compare with RUN_A")],
    json_out: JsonOpt = False, history: HistoryOpt = None,
) -> int:
    """Two runs side by side: metrics, verdicts, and what changed beneath them.

    Example: `repro diff aftershock-mini@previous aftershock-mini@last`
    """
    from runner.history.compare import diff_runs
    from runner.history.refs import resolve
    from runner.history.views import print_diff

    store = _store_if_needed(history, run_a, run_b)
    try:
        a, b = resolve(run_a, store), resolve(run_b, store)
    finally:
        if store is not None:
            store.close()
    result = diff_runs(a.record, b.record)
    if json_out:
        print(json.dumps(result.to_json(), indent=2, default=str))
    else:
        print_diff(result, out)
    return 0


def _store_if_needed(history: str | None, *refs: str) -> Any:
    """Two run folders are compared without opening (or creating) a history."""
    from runner.history.store import open_store
    from runner.record.store import RECORD_NAME

    if all((Path(r) / RECORD_NAME).is_file() or Path(r).name == RECORD_NAME for r in refs):
        return None
    return open_store(history)


@handled
def drift(
    since: Annotated[str | None, typer.Option(
        help="only specs whose newest run started since: 2024-05-01, an ISO time, 36h, 7d")
    ] = None,
    json_out: JsonOpt = False, history: HistoryOpt = None,
) -> int:
    """Each spec's newest run against its previous one: verdicts, metrics, time, environment.

    Example: `repro drift --since 24h`
    """
    from runner.history.drift import find_drift
    from runner.history.store import open_store
    from runner.history.timeparse import parse_since
    from runner.history.views import print_drift

    moment = parse_since(since) if since else None
    with open_store(history) as store:
        found = find_drift(store, moment)
    if json_out:
        print(json.dumps([d.to_json() for d in found], indent=2, default=str))
    else:
        print_drift(found, out)
    return 0


@handled
def report(
    out_dir: Annotated[Path, typer.Argument(help="folder for the site (created or replaced)")],
    history: HistoryOpt = None,
) -> int:
    """Write a static site of the history: an index, a page per spec and one per run.

    Opens from file:// with no network; no JavaScript needed.
    Example: `repro report site/ && xdg-open site/index.html`
    """
    from runner.report.site import write_site

    index = write_site(out_dir, history)
    out.print(f"report: {index}", highlight=False)
    return 0


def register(app: typer.Typer) -> None:
    app.add_typer(history_app, name="history")
    app.command()(diff)
    app.command()(drift)
    app.command()(report)
