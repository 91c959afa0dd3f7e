"""The `repro` command line: parse options, call one function, turn its result into an exit code.

Exit codes: 0 reproduced, 1 not reproduced, 2 invalid spec or usage, 3 the run could not
complete, 4 infrastructure error, 130 interrupted.
"""

from __future__ import annotations

import functools
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.markup import escape

from runner import __version__
from runner.audits.cli import audit_app
from runner.console import make_console
from runner.errors import ExitCode, ReproError

out = make_console()
err = make_console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    name="repro", no_args_is_help=True, rich_markup_mode="markdown",
    help="Run a paper's code in a pinned container and check its claims.\n\n"
         "Exit codes: 0 reproduced, 1 not reproduced, 2 invalid spec or usage, "
         "3 run could not complete, 4 infrastructure error, 130 interrupted.",
)
images_app = typer.Typer(help="Base images for machines with no container registry.",
                         no_args_is_help=True)
app.add_typer(images_app, name="images")
app.add_typer(audit_app, name="audit")

SpecArg = Annotated[Path, typer.Argument(help="the spec file (YAML)", show_default=False)]
RepoOpt = Annotated[str | None, typer.Option(
    "--repo", help="fetch the same commit from this URL or path (a mirror, a fork)")]
MutableOpt = Annotated[bool, typer.Option(
    "--allow-mutable-ref", help="accept a branch or tag as repo.commit; the SHA is recorded")]


def handled(func: F) -> F:
    """One handler for every command: ReproError -> its exit code, Ctrl-C -> 130, bug -> 70."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            code = func(*args, **kwargs)
        except ReproError as exc:
            err.print(f"[bold red]error:[/bold red] {escape(str(exc))}", highlight=False)
            if exc.record_path is not None:
                err.print(f"record: {exc.record_path}", highlight=False)
            raise typer.Exit(int(exc.exit_code)) from None
        except KeyboardInterrupt:
            err.print("interrupted")
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception:
            log = Path(tempfile.gettempdir()) / f"repro-crash-{os.getpid()}.log"
            log.write_text(traceback.format_exc())
            err.print(f"[bold red]repro crashed (a bug):[/bold red] details in {log}")
            raise typer.Exit(70) from None
        raise typer.Exit(int(code or 0))

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        out.print(f"repro {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="print the version and exit")] = False,
) -> None:
    """repro: reproduce a paper's claims in a container."""


@app.command()
@handled
def validate(
    specs: Annotated[list[Path], typer.Argument(help="spec files or folders of *.yaml")],
    allow_mutable_ref: MutableOpt = False,
) -> int:
    """Check specs and report every problem with file, line and key.

    Example: `repro validate specs/` or `repro validate specs/aftershock.yaml`
    """
    from runner.commands import validate as run_validate

    return run_validate(specs, out, allow_mutable_ref)


@app.command()
@handled
def schema() -> int:
    """Print the spec's JSON Schema (point your editor at specs/schema.json).

    Example: `repro schema > specs/schema.json`
    """
    from runner.commands import schema_text

    sys.stdout.write(schema_text())
    return 0


@app.command()
@handled
def plan(
    spec: SpecArg, repo: RepoOpt = None, allow_mutable_ref: MutableOpt = False,
    json_out: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> int:
    """Show what a run would do, with no engine: commit, Dockerfile, image tag, steps, claims.

    Example: `repro plan specs/aftershock.yaml`
    """
    from runner.commands import plan_for, show_plan

    return show_plan(plan_for(spec, repo, allow_mutable_ref), out, json_out)


@app.command()
@handled
def lock(spec: SpecArg, repo: RepoOpt = None) -> int:
    """Resolve the base digest, exact pip versions and data checksums into SPEC.lock.yaml.

    Needs the engine (pip resolves inside the base image). Example:
    `repro lock specs/aftershock-mini.yaml`
    """
    from runner.commands import lock as run_lock

    return run_lock(spec, repo, out)


@images_app.command("bootstrap")
@handled
def images_bootstrap(
    recipe: Annotated[str, typer.Option(help="recipe folder under images/")] = "debian-python",
    mirror: Annotated[str | None, typer.Option(help="Debian mirror; default: apt's own")] = None,
    force: Annotated[bool, typer.Option(help="rebuild even if the image exists")] = False,
) -> int:
    """Build a local Debian base image with Python from the distribution's packages.

    Example: `repro images bootstrap` (then use `base: repro/debian-python:bookworm`)
    """
    from runner.bootstrap import bootstrap

    return bootstrap(recipe, mirror, force, out)


@app.command()
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
    from runner.runcmd import run_command

    return run_command(spec, repo=repo, allow_mutable_ref=allow_mutable_ref, runs_dir=runs_dir,
                       rebuild=rebuild, allow_no_gpu=allow_no_gpu, variants=variants,
                       repeat_seed=repeat_seed, trust_ca=trust_ca, quiet=quiet, out=out)


@app.command()
@handled
def show(
    run: Annotated[Path, typer.Argument(help="run folder, record.json, run id or spec name")],
    runs_dir: Annotated[Path, typer.Option(help="where run records are")] = Path("runs"),
    json_out: Annotated[bool, typer.Option("--json", help="print the raw record")] = False,
) -> int:
    """Print a run record: findings, claims with intervals and verdicts, variants, steps.

    Example: `repro show aftershock-mini` (the latest run of that spec)
    """
    from runner.record import find_record, load_record
    from runner.show import show_record

    show_record(load_record(find_record(run, runs_dir)), out, json_out)
    return 0


def main() -> None:
    """The console script. Exits without the interpreter's teardown once all is written.

    Tearing down numpy, scipy, pydantic and the docker SDK module by module takes 0.3-0.6 s
    on a small machine, after the verdict is printed and the record is on disk: time a
    nightly batch of many specs pays for nothing. Every file repro writes is closed (and
    the record fsynced) before a command returns, and the thread pools are shut down; so
    after flushing the streams and running the exit hooks, the process can end at once.
    """
    try:
        app()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)  # sys.exit("message") semantics
        code = 1
    _fast_exit(code or 0)


def _fast_exit(code: int) -> None:
    import atexit
    import contextlib
    import logging

    logging.shutdown()
    # The exit hooks still run (thread pools joined, handlers flushed); only the module
    # teardown is skipped. CPython has had this hook runner since 2.x.
    getattr(atexit, "_run_exitfuncs", lambda: None)()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing to deliver
            stream.flush()
    os._exit(code)
