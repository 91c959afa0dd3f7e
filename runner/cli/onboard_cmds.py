"""`repro new`, `doctor`, `shell`, `fetch`: a new lab member's first hour (runner/onboard/)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from runner.cli.base import JsonOpt, RepoOpt, SpecArg, err, handled, out


@handled
def new(
    repo: Annotated[str, typer.Argument(help="a git URL, or the path of a local clone")],
    commit: Annotated[str | None, typer.Option(
        "--commit", help="a branch, tag or SHA to pin (default: HEAD)")] = None,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="the spec file to write (default: NAME.yaml)")] = None,
    force: Annotated[bool, typer.Option(help="overwrite an existing file")] = False,
) -> int:
    """Draft a commented spec from a repository: environment, Python, steps, metrics.

    Guesses are marked `# guess:`; unknowns are `TODO` values that `repro validate` lists.
    Example: `repro new https://github.com/phoebemrdevries/Learning-aftershock-location-patterns`
    """
    from runner.onboard.new import new_spec

    result = new_spec(repo, commit, output, force)
    count = len(result.todos)
    out.print(f"wrote {result.path} (commit {result.commit}); {count} TODO"
              f"{'s' if count != 1 else ''} to fill in (`repro validate {result.path}` "
              "lists them again):", highlight=False)
    for todo in result.todos:
        out.print(f"  {todo}", markup=False, highlight=False)
    return 0


@handled
def doctor(json_out: JsonOpt = False) -> int:
    """Check this host for runs: engine, storage, disk, cgroup limits, GPUs, folders, CA, Ray.

    Each failing check says how to fix it. Exit 0 when everything a run needs works, 1
    otherwise (GPU checks only warn: specs without GPUs do not need them).
    Example: `repro doctor`, `repro doctor --json`
    """
    import json

    from runner.edges.base_images import load_recipe
    from runner.onboard.doctor import run_checks
    from runner.present.doctor_view import show_doctor
    from runner.run.local import docker_engine

    result = run_checks(docker_engine, load_recipe("debian-python").tag)
    if json_out:
        print(json.dumps(result.as_json(), indent=2))
    else:
        show_doctor(result.checks, result.ok, out)
    return 0 if result.ok else 1


@handled
def shell(
    spec: SpecArg,
    command: Annotated[list[str] | None, typer.Argument(
        help="a command to run instead of a shell (after --)", show_default=False)] = None,
    seed: Annotated[int | None, typer.Option(help="the seed whose environment to set "
                                             "(default: the spec's first)")] = None,
    network: Annotated[bool, typer.Option(
        "--network", help="give the container the network (a run's steps have none)")] = False,
    repo: RepoOpt = None,
) -> int:
    """A shell in the paper's built image, in the container a run's job gets.

    Same sandbox, data mounts and environment as a run, the repository at its commit;
    the container is removed on exit. With a terminal it is a real TTY (resize, Ctrl-C
    goes to the shell). The exit code is the shell's (or the command's).
    Example: `repro shell specs/aftershock-mini.yaml`, `repro shell SPEC -- python3 -V`
    """
    from runner.onboard.shell import shell as open_shell
    from runner.run.local import docker_engine

    def say(text: str) -> None:
        if text.strip():  # the build's blank lines add nothing before a prompt
            err.print(f"[dim]{escape(text)}[/dim]", highlight=False)

    return open_shell(spec, docker_engine(), seed, network, list(command or []), repo, say)


@handled
def fetch(
    specs: Annotated[list[Path], typer.Argument(help="spec files or folders of *.yaml")],
    repo: RepoOpt = None,
) -> int:
    """Fetch everything a run needs ahead of time, so that it then works offline.

    The mirror at the commit, the data, the base image, the built image.

    Example: `repro fetch specs/` (then `repro run` on a plane)
    """
    from runner.onboard.fetch import fetch_all
    from runner.run.local import docker_engine
    from runner.spec.collect import spec_files

    def log(text: str) -> None:
        if text.strip():
            err.print(f"[dim]{escape(text)}[/dim]", highlight=False)

    def say(text: str) -> None:
        out.print(text, highlight=False)

    return fetch_all(spec_files(specs), repo, docker_engine(), log, say)


def register(app: typer.Typer) -> None:
    for command in (new, doctor, shell, fetch):
        app.command()(command)
