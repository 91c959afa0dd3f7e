"""One function per CLI command (except run/show): each returns an exit code."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table

from runner.data import DataStore
from runner.errors import UsageError
from runner.fetch import GitFetcher
from runner.lockfile import check_fresh, lock_path, read_lock, write_lock
from runner.locking import resolve_lock
from runner.plan import Plan, make_plan
from runner.render import BuildOptions
from runner.settings import cache_dir, manual_data_dir, trusted_ca
from runner.source import describe, materialise, pin, source_ref
from runner.spec import Problem, Spec, SpecError, load_spec
from runner.spec.models import Spec as SpecModel
from runner.spec.units import format_duration


def spec_files(paths: Sequence[Path]) -> list[Path]:
    """Expand directories to their `*.yaml` specs (lock files excluded)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.glob("*.yaml") if not p.name.endswith(".lock.yaml"))
        else:
            out.append(path)
    if not out:
        raise UsageError("no spec files found", hint="give a spec file or a folder of *.yaml")
    return out


def validate(paths: Sequence[Path], out: Console, allow_mutable_ref: bool = False) -> int:
    problems: list[Problem] = []
    for path in spec_files(paths):
        try:
            spec = load_spec(path, allow_mutable_ref=allow_mutable_ref)
            out.print(f"[green]ok[/green] {path} ({spec.name}: {len(spec.claims)} claims, "
                      f"{len(spec.steps)} steps, {len(spec.seeds)} seeds)")
        except SpecError as exc:
            problems += exc.problems
    if problems:
        raise SpecError(problems)
    return 0


def schema() -> dict[str, object]:
    body = SpecModel.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            **body, "title": "repro spec, version 1"}


def schema_text() -> str:
    return json.dumps(schema(), indent=2, sort_keys=False) + "\n"


def build_options() -> BuildOptions:
    return BuildOptions(ca_bundle=trusted_ca() is not None)


def plan_for(spec_path: Path, repo: str | None, allow_mutable_ref: bool) -> Plan:
    spec = load_spec(spec_path, allow_mutable_ref=allow_mutable_ref)
    lpath = lock_path(spec_path)
    lock = read_lock(lpath)
    if lock is not None:
        check_fresh(lock, spec, lpath)
    ref = source_ref(spec, spec_path, repo)
    if allow_mutable_ref:
        ref = pin(ref, GitFetcher(cache_dir()))
    source = describe(ref)
    return make_plan(spec, source_location=source.location, source_id=source.source_id,
                     pinned=source.pinned, lock=lock, options=build_options())


def show_plan(plan: Plan, out: Console, as_json: bool) -> int:
    if as_json:
        out.print_json(json.dumps(plan.summary()))
        return 0
    spec = plan.spec
    out.rule(f"plan: {spec.name}")
    pin_note = "" if plan.pinned else " [yellow](unpinned local folder)[/yellow]"
    out.print(f"source     {plan.source_location} @ {plan.source_id}{pin_note}")
    base_note = "" if plan.base_pinned else " [yellow](not pinned: run `repro lock`)[/yellow]"
    if spec.environment.dockerfile:
        base_note += (" (at run time: the image built from the paper's "
                      f"{spec.environment.dockerfile})")
    out.print(f"base       {plan.base_ref}{base_note}")
    out.print(f"image tag  {plan.tag}")
    out.print(f"lock       {plan.lock.digest() if plan.lock else 'none'}")
    res = spec.resources.model_dump(mode="json")
    out.print("resources  " + ", ".join(f"{k}={v}" for k, v in res.items() if v is not None))
    for name, target in plan.mounts:
        out.print(f"mount      data {name!r} -> {target} (read-only)")
    out.rule("Dockerfile")
    out.print(plan.dockerfile, markup=False, highlight=False, soft_wrap=True)
    _steps_table(plan, out)
    _claims_table(spec, out)
    return 0


def _steps_table(plan: Plan, out: Console) -> None:
    table = Table(title="steps per seed")
    for col in ("seed", "step", "command", "timeout", "network"):
        table.add_column(col)
    for seed in plan.seeds:
        for step in plan.steps_for(seed):
            table.add_row(str(seed), step.name, step.command,
                          format_duration(step.timeout) if step.timeout else "-",
                          "yes" if step.network else "no")
    out.print(table)


def _claims_table(spec: Spec, out: Console) -> None:
    table = Table(title="metrics and claims")
    for col in ("metric", "from", "claim", "tolerance", "direction"):
        table.add_column(col)
    for claim in spec.claims:
        metric = spec.metrics[claim.metric]
        source = getattr(metric, "file", None) or f"log of step {getattr(metric, 'step', '?')}"
        direction = {True: "higher is better", False: "lower is better", None: "two-sided"}
        table.add_row(claim.metric, source, f"{claim.value:g}", f"±{claim.absolute_tolerance:g}",
                      direction[claim.higher_is_better])
    out.print(table)


def lock(spec_path: Path, repo: str | None, out: Console) -> int:
    from runner.docker_engine import DockerEngine  # the engine only where a command needs it

    spec = load_spec(spec_path)
    ref = source_ref(spec, spec_path, repo)
    workdir = Path(tempfile.mkdtemp(prefix="repro-lock-"))
    try:
        source = materialise(ref, GitFetcher(cache_dir()), workdir / "repo")
        assert source.checkout is not None
        store = DataStore(cache_dir(), manual_data_dir())
        new = resolve_lock(spec, source.checkout, DockerEngine(), store, trusted_ca())
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    target = lock_path(spec_path)
    write_lock(target, new)
    base = new.base.digest if new.base else "unpinned"
    out.print(f"wrote {target}: base {base}, {len(new.pip)} pip packages, "
              f"{len(new.data)} data checksums")
    return 0
