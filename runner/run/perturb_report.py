"""The perturbation probe's result: each metric's move under each perturbation, beside the
spread across seeds, and one finding (fragile or stable) per run."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from runner.audits.findings import Finding
from runner.core.metrics import PerRun
from runner.core.perturb import PerturbRow, compare, stable_statement, statement
from runner.core.plan import Plan
from runner.core.schedule import Job, JobKind, run_label
from runner.record.model import PerturbRecord
from runner.run.steps import SeedResult


def perturb_report(plan: Plan, ok: Sequence[SeedResult], jobs: dict[str, Job],
                   per_run: PerRun) -> tuple[list[PerturbRecord], list[dict[str, Any]]]:
    """Rows for the record, and the findings (as dicts, like the audits')."""
    spec = plan.spec
    perturbed = [r for r in ok if jobs[r.label].kind is JobKind.PERTURB]
    if not perturbed:
        return [], []
    seed = perturbed[0].seed
    probed = per_run.get(run_label(seed), ({}, {}))[0]
    main = [r for r in ok if jobs[r.label].kind is JobKind.MAIN and not jobs[r.label].repeat]
    across = {m: [per_run[r.label][0][m] for r in main if m in per_run[r.label][0]]
              for m in spec.metrics}
    described, values = {}, {}
    for result in perturbed:
        p = jobs[result.label].perturbation
        assert p is not None
        described[p.key], values[p.key] = p.what, per_run[result.label][0]
    tolerances = {c.metric: c.absolute_tolerance for c in spec.claims}
    rows = compare({m: v for m, v in probed.items() if m in spec.metrics}, across, values,
                   tolerances, described)
    return rows, [f.to_dict() for f in _findings(rows)]


def _findings(rows: Sequence[PerturbRow]) -> list[Finding]:
    if not rows:
        return []
    fragile = sorted((r for r in rows if r.fragile), key=lambda r: -r.change)
    if not fragile:
        return [Finding("perturbation", "info", stable_statement(rows),
                        {"perturbations": sorted({r.perturbation for r in rows})})]
    return [Finding("perturbation", "warning", statement(r),
                    {"perturbation": r.perturbation, "metric": r.metric, "main": r.main,
                     "perturbed": r.perturbed, "change": r.change, "spread": r.spread,
                     "tolerance": r.tolerance}) for r in fragile]
