"""`repro new`, `doctor`, `shell`, `fetch`: a new lab member's first hour (runner/onboard/)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from runner.cli.base import handled, out


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


def register(app: typer.Typer) -> None:
    for command in (new,):
        app.command()(command)
