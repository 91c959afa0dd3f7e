"""`repro validate`, `schema`, `plan`, `lock`: the commands about a spec itself."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from runner.cli.base import JsonOpt, MutableOpt, RepoOpt, SpecArg, handled, out


@handled
def validate(
    specs: Annotated[list[Path], typer.Argument(help="spec files or folders of *.yaml")],
    allow_mutable_ref: MutableOpt = False,
) -> int:
    """Check specs and report every problem with file, line and key.

    Example: `repro validate specs/` or `repro validate specs/aftershock.yaml`
    """
    from runner.spec import Problem, SpecError, load_spec
    from runner.spec.collect import spec_files

    problems: list[Problem] = []
    for path in spec_files(specs):
        try:
            spec = load_spec(path, allow_mutable_ref=allow_mutable_ref)
            out.print(f"[green]ok[/green] {path} ({spec.name}: {len(spec.claims)} claims, "
                      f"{len(spec.steps)} steps, {len(spec.seeds)} seeds)")
        except SpecError as exc:
            if not exc.only_todos:
                problems += exc.problems
                continue
            # A draft (`repro new`) is accepted: its TODOs are listed, to be filled in
            # before `repro run`, which refuses it with the same list.
            count = len(exc.problems)
            out.print(f"[yellow]draft[/yellow] {path}: valid, with {count} "
                      f"TODO{'s' if count != 1 else ''} to fill in before it can run")
            for problem in exc.problems:
                out.print(f"  {problem.render()}", markup=False, highlight=False)
    if problems:
        raise SpecError(problems)
    return 0


@handled
def schema(
    record: Annotated[bool, typer.Option(
        "--record", help="the run record's schema instead (specs/record.schema.json)")] = False,
) -> int:
    """Print the spec's JSON Schema (point your editor at specs/schema.json).

    Example: `repro schema > specs/schema.json`; `repro schema --record`
    """
    if record:
        from runner.record.schema import record_schema_text

        sys.stdout.write(record_schema_text())
        return 0
    from runner.spec.schema import schema_text

    sys.stdout.write(schema_text())
    return 0


@handled
def plan(spec: SpecArg, repo: RepoOpt = None, allow_mutable_ref: MutableOpt = False,
         json_out: JsonOpt = False) -> int:
    """Show what a run would do, with no engine: commit, Dockerfile, image tag, steps, claims.

    Example: `repro plan specs/aftershock.yaml`
    """
    from runner.present.plan_view import show_plan
    from runner.run.planning import plan_for

    show_plan(plan_for(spec, repo, allow_mutable_ref), out, json_out)
    return 0


@handled
def lock(spec: SpecArg, repo: RepoOpt = None) -> int:
    """Resolve the base digest, exact pip versions and data checksums into SPEC.lock.yaml.

    Needs the engine (pip resolves inside the base image). Example:
    `repro lock specs/aftershock-mini.yaml`
    """
    from runner.run.lock import lock_spec

    target, new = lock_spec(spec, repo)
    base = new.base.digest if new.base else "unpinned"
    out.print(f"wrote {target}: base {base}, {len(new.pip)} pip packages, "
              f"{len(new.data)} data checksums")
    return 0


def register(app: typer.Typer) -> None:
    for command in (validate, schema, plan, lock):
        app.command()(command)
