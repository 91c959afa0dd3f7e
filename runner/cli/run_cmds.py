"""`repro run` and `repro show`: run a spec through the pipeline; print a record."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from runner.cli.base import MutableOpt, RepoOpt, SpecArg, err, handled, out
from runner.errors import ReproError


@handled
def run(
    spec: SpecArg, repo: RepoOpt = None, allow_mutable_ref: MutableOpt = False,
    runs_dir: Annotated[Path, typer.Option(help="where run records go")] = Path("runs"),
    rebuild: Annotated[bool, typer.Option(help="build the image even if it exists")] = False,
    allow_no_gpu: Annotated[bool, typer.Option(
        help="run a GPU spec on a host without the NVIDIA runtime; the record says so")] = False,
    variants: Annotated[str, typer.Option(
        help="variants to run too: all, or NAME,NAME")] = "",
    repeat_seed: Annotated[int | None, typer.Option(
        help="run this seed twice and compare every metric (determinism probe)")] = None,
    trust_ca: Annotated[Path | None, typer.Option(
        help="CA bundle to trust during builds (TLS proxies); default: REPRO_TRUST_CA, "
             "else PIP_CERT")] = None,
    quiet: Annotated[bool, typer.Option(help="don't stream build and step output")] = False,
) -> int:
    """Fetch, build, run every seed, fingerprint, and judge the paper's claims.

    Example: `repro run specs/aftershock-mini.yaml --variants all`
    """
    from runner.present.live import LiveView
    from runner.present.show import show_record
    from runner.record.store import load_record
    from runner.run.local import local_edges, run_options
    from runner.run.pipeline import run_spec

    options = run_options(runs_dir=runs_dir, repo=repo, allow_mutable_ref=allow_mutable_ref,
                          rebuild=rebuild, allow_no_gpu=allow_no_gpu, variants=variants,
                          repeat_seed=repeat_seed, trust_ca=trust_ca, quiet=quiet)
    try:
        with LiveView(out, total=1, echo_logs=not quiet) as view:
            outcome = run_spec(spec, options, local_edges(), view)
    except ReproError as exc:  # the run failed, with a record: it is history too
        if isinstance(exc.record_path, Path):
            _add_to_history(exc.record_path)
        raise
    show_record(load_record(outcome.record_path), out)
    out.print(f"record: {outcome.record_path}")
    _add_to_history(outcome.record_path)
    return outcome.exit_code


def _add_to_history(record_path: Path) -> None:
    """A history that cannot be written is a warning: the run and its record stand."""
    from runner.history.ingest import add_to_history

    problem = add_to_history(record_path)
    if problem is not None:
        err.print(f"[yellow]warning:[/yellow] {escape(problem)}")


@handled
def show(
    run: Annotated[Path, typer.Argument(help="run folder, record.json, run id or spec name")],
    runs_dir: Annotated[Path, typer.Option(help="where run records are")] = Path("runs"),
    json_out: Annotated[bool, typer.Option("--json", help="print the raw record")] = False,
) -> int:
    """Print a run record: findings, claims with intervals and verdicts, variants, steps.

    Example: `repro show aftershock-mini` (the latest run of that spec)
    """
    from runner.present.show import show_record
    from runner.record.store import find_record, load_record

    show_record(load_record(find_record(run, runs_dir)), out, json_out)
    return 0


def register(app: typer.Typer) -> None:
    app.command()(run)
    app.command()(show)



