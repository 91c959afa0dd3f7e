"""`repro batch`: every spec of a registry through the run pipeline, on this machine's GPUs
or a Ray cluster; a journal, a summary, JUnit XML and the history's drift and report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from runner.cli.base import JsonOpt, handled, out


@handled
def batch(
    registry: Annotated[list[Path] | None, typer.Argument(
        help="spec files or folders (every *.yaml below; lock files skipped)",
        show_default=False)] = None,
    slots: Annotated[str, typer.Option(help="most jobs at once: N, or auto (what fits)")] = "auto",
    gpus: Annotated[str, typer.Option(
        help="GPUs to hand out: auto (NVML), none, or device ids like 0,1")] = "auto",
    engine: Annotated[str, typer.Option(help="local (this machine) or ray (a cluster)")] = "local",
    ray_address: Annotated[str | None, typer.Option(
        help="the Ray cluster (default RAY_ADDRESS; neither: a local one for the batch)")] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="where batch folders go")] = Path(
        "runs/batches"),
    resume: Annotated[Path | None, typer.Option(
        help="finish a batch that was killed: BATCH_DIR (OUT/<batch-id>)")] = None,
    only: Annotated[str, typer.Option(help="run only these spec names: NAME,NAME")] = "",
    junit: Annotated[Path | None, typer.Option(help="write JUnit XML here for CI")] = None,
    report: Annotated[Path | None, typer.Option(
        help="then write the history's static report into DIR")] = None,
    json_out: JsonOpt = False,
    quiet: Annotated[bool, typer.Option(help="no live table; only the summary")] = False,
) -> int:
    """Run every spec of a registry, packed onto this machine or spread over a Ray cluster.

    Exit code: the worst of its jobs (0 reproduced, 1 not reproduced, 3 could not complete,
    4 infrastructure). Example: `repro batch specs/ --slots 2 --junit junit.xml`
    """
    from runner.batch.capacity import parse_gpus, parse_slots
    from runner.batch.session import BatchOptions, run_batch
    from runner.batch.view import BatchView, print_summary

    options = BatchOptions(
        registry=list(registry or []), out=out_dir, slots=parse_slots(slots),
        gpus=parse_gpus(gpus), engine=engine, ray_address=ray_address, resume=resume,
        only=[n for n in only.split(",") if n], junit=junit, report=report)
    result = run_batch(options, BatchView(out, quiet=quiet or json_out))
    if json_out:
        out.print_json(json.dumps(result.journal.to_json()))
    else:
        print_summary(result.journal, out, result.warnings)
    return result.exit_code


def register(app: typer.Typer) -> None:
    app.command()(batch)
