"""Audits inside a run: resolve their files, gather per-seed metrics, collect findings.

Leakage, duplicates and class balance read the files of the first main seed (a split
does not depend on the training seed); baselines and gaps are computed per seed.
An audit that cannot run (a file the code never wrote) becomes a warning, not a crash.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from runner.audits.findings import Finding, sort_findings
from runner.core.metrics import PerRun, values_across
from runner.core.plan import Plan
from runner.core.schedule import Job, JobKind
from runner.run.audit_context import AuditContext, guard, resolve
from runner.run.audits_variants import code_and_neighbours
from runner.run.steps import SeedResult
from runner.spec.audits import AuditsSpec, BaselineSpec

__all__ = ["AuditContext", "guard", "resolve", "run_audits"]


def run_audits(plan: Plan, ok: Sequence[SeedResult], jobs: dict[str, Job], per_run: PerRun,
               folder: Path, ctx: AuditContext) -> list[dict[str, Any]]:
    audits = plan.spec.audits
    assert audits is not None
    main = sorted((r for r in ok if jobs[r.label].kind is JobKind.MAIN), key=lambda r: r.seed)
    if not main or main[0].outputs is None:
        return [Finding("audits", "warning", "no successful run to audit", {}).to_dict()]
    first = main[0].outputs
    found: list[Finding] = []
    found += _leakage(audits, first, ctx)
    found += _gaps(audits, main, per_run)
    for base in audits.baseline:
        found += guard("baseline", functools.partial(_baseline, plan, base, main, per_run, ctx))
    found += _balance(audits, first, main, per_run, ctx)
    found += _curve(audits, ok, jobs, per_run, folder)
    found += code_and_neighbours(plan, ok, jobs, first, ctx)
    return [f.to_dict() for f in sort_findings(found)]


def _metric_values(main: Sequence[SeedResult], per_run: PerRun, metric: str) -> list[float]:
    return values_across((r.label for r in main), per_run, metric)


def _leakage(audits: AuditsSpec, outputs: Path, ctx: AuditContext) -> list[Finding]:
    from runner.audits.duplicates import audit_duplicates
    from runner.audits.leakage import audit_leakage

    leak = audits.leakage
    if leak is None:
        return []
    found: list[Finding] = []
    if leak.manifest is not None and leak.group is not None:
        m, g = leak.manifest, leak.group
        found += guard("leakage", lambda: audit_leakage(
            resolve(m.file, outputs, ctx), m.item, m.split, g.pattern, g.column))
    if leak.duplicates is not None:
        d = leak.duplicates
        found += guard("duplicates", lambda: audit_duplicates(
            resolve(d.train, outputs, ctx), resolve(d.test, outputs, ctx), d.columns))
    return found


def _gaps(audits: AuditsSpec, main: Sequence[SeedResult], per_run: PerRun) -> list[Finding]:
    from runner.audits.gap import audit_train_test_gap

    found: list[Finding] = []
    for gap in audits.train_test_gap:
        train = _metric_values(main, per_run, gap.train)
        test = _metric_values(main, per_run, gap.test)
        found += guard("train_test_gap", functools.partial(
            audit_train_test_gap, gap.train, train, gap.test, test, gap.margin))
    return found


def _baseline(plan: Plan, base: BaselineSpec, main: Sequence[SeedResult], per_run: PerRun,
              ctx: AuditContext) -> list[Finding]:
    from runner.audits.baseline import audit_baseline, fit_baseline

    spec = plan.spec
    values: list[float] = []
    for result in main:
        if base.model is not None:
            assert base.train and base.test and base.features and base.label and base.metric
            assert result.outputs is not None
            values.append(fit_baseline(
                resolve(base.train, result.outputs, ctx), resolve(base.test, result.outputs, ctx),
                base.features, base.label, base.model, base.metric, result.seed))
        else:
            name = f"baseline:{base.name}"
            if name in per_run[result.label][0]:
                values.append(per_run[result.label][0][name])
    claim = next((c for c in spec.claims if c.metric == base.compare_to), None)
    tolerance = base.tolerance if base.tolerance is not None else (
        claim.absolute_tolerance if claim else 0.0)
    return audit_baseline(base.name, values, base.compare_to,
                          _metric_values(main, per_run, base.compare_to), tolerance,
                          base.is_higher_better)


def _balance(audits: AuditsSpec, outputs: Path, main: Sequence[SeedResult], per_run: PerRun,
             ctx: AuditContext) -> list[Finding]:
    from runner.audits.balance import audit_class_balance

    cb = audits.class_balance
    if cb is None:
        return []
    reported: dict[str, float] = {}
    for recomputable, metric in (cb.reported or {}).items():
        vals = per_run[main[0].label][0].get(metric)
        if vals is not None:
            reported[recomputable] = vals
    return guard("class_balance", lambda: audit_class_balance(
        resolve(cb.file, outputs, ctx), cb.label, cb.predictions, reported or None, cb.threshold))


def _curve(audits: AuditsSpec, ok: Sequence[SeedResult], jobs: dict[str, Job], per_run: PerRun,
           folder: Path) -> list[Finding]:
    from runner.audits.curve import audit_learning_curve

    lc = audits.learning_curve
    if lc is None:
        return []
    points: dict[float, list[float]] = {}
    for result in ok:
        job = jobs[result.label]
        if job.kind in (JobKind.MAIN, JobKind.CURVE) and lc.metric in per_run[result.label][0]:
            fraction = job.run.fraction if job.run.fraction is not None else 1.0
            points.setdefault(fraction, []).append(per_run[result.label][0][lc.metric])
    return guard("learning_curve", lambda: audit_learning_curve(
        lc.metric, points, folder / "learning_curve.svg", lc.higher_is_better))
