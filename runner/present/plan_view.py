"""`repro plan`'s output: source, base, tag, Dockerfile, steps per seed, claims."""

from __future__ import annotations

import json
import os
from typing import Any

from rich.console import Console
from rich.table import Table

from runner.core.plan import Plan
from runner.core.variant_spec import extras_summary
from runner.spec import Spec
from runner.spec.units import format_duration


def show_plan(plan: Plan, out: Console, as_json: bool) -> None:
    extras = extras_summary(plan, os.cpu_count() or 1)
    if as_json:
        out.print_json(json.dumps({**plan.summary(), **extras}))
        return
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
    _extras_table(plan, extras, out)


def _extras_table(plan: Plan, extras: dict[str, Any], out: Console) -> None:
    if not extras["variants"] and not extras["perturbations"]:
        return
    table = Table(title="variants (--variants) and perturbations (determinism.perturb)")
    for col in ("run", "changes", "steps", "image"):
        table.add_column(col)
    for name, v in extras["variants"].items():
        image = f"its own: {v['image']}" if v["own_image"] else "the main image"
        table.add_row(f"variant {name}", "; ".join(v["changes"]) or "-",
                      ", ".join(v["steps"]), image)
    steps = ", ".join(s.name for s in plan.steps_for(plan.seeds[0]))
    for p in extras["perturbations"]:
        table.add_row(p["label"], p["what"], steps, "the main image")
    out.print(table)


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
