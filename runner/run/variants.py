"""Variants (ablations) with Holm-corrected Welch tests, and the determinism probe."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from runner.core.determinism import determinism_env
from runner.core.gap import describe, paired_gap, welch_gap
from runner.core.metrics import PerRun
from runner.core.plan import Plan
from runner.core.schedule import Job, JobKind, run_label
from runner.core.stats import holm_bonferroni, max_abs_difference, summarize
from runner.record.model import ProbeReport, VariantRow
from runner.run.audits_in_run import AuditContext, run_audits
from runner.run.perturb_report import perturb_report
from runner.run.steps import SeedResult


def analyse_extras(plan: Plan, results: Sequence[SeedResult], jobs: dict[str, Job],
                   per_run: PerRun, folder: Path, ctx: AuditContext) -> dict[str, Any]:
    ok = [r for r in results if r.status == "ok"]
    out: dict[str, Any] = {}
    variants = [j.variant for j in jobs.values() if j.kind is JobKind.VARIANT]
    if variants:
        out["variants"] = variant_table(plan, ok, jobs, per_run)
    probe = [r for r in ok if jobs[r.label].kind is JobKind.PROBE]
    if probe:
        out["determinism_probe"] = probe_report(plan, probe[0], per_run)
    if plan.spec.audits is not None:
        out["findings"] = run_audits(plan, ok, jobs, per_run, folder, ctx)
    rows, findings = perturb_report(plan, ok, jobs, per_run)
    if rows:
        out["perturbations"] = rows
        out["findings"] = [*out.get("findings", []), *findings]
    return out


def variant_table(plan: Plan, ok: Sequence[SeedResult], jobs: dict[str, Job],
                  per_run: PerRun) -> list[VariantRow]:
    spec = plan.spec
    confidence = spec.statistics.confidence
    main = [r for r in ok if jobs[r.label].kind is JobKind.MAIN and not jobs[r.label].repeat]
    names = list(dict.fromkeys(j.variant for j in jobs.values()
                               if j.kind is JobKind.VARIANT and j.variant is not None))
    rows: list[dict[str, Any]] = []
    for name in names:
        runs = [r for r in ok if jobs[r.label].variant == name]
        paired = spec.variants[name].reuse == "main"
        for metric in spec.metrics:
            rows.append(_compare(name, metric, _by_seed(main, per_run, metric),
                                 _by_seed(runs, per_run, metric), confidence, paired))
    # One family: every variant and metric compared with the main configuration.
    adjusted = holm_bonferroni([r["p_value"] for r in rows])
    for row, p_adj in zip(rows, adjusted, strict=True):
        row["p_holm"] = p_adj
        row["significant"] = bool(not math.isnan(p_adj) and p_adj < 1 - confidence)
    return [VariantRow.model_validate(row) for row in rows]


def _by_seed(runs: Sequence[SeedResult], per_run: PerRun, metric: str) -> dict[int, float]:
    return {r.seed: per_run[r.label][0][metric] for r in runs if metric in per_run[r.label][0]}


def _compare(variant: str, metric: str, main: dict[int, float], other: dict[int, float],
             confidence: float, paired: bool) -> dict[str, Any]:
    values = list(other.values())
    row: dict[str, Any] = {"variant": variant, "metric": metric, "n": len(values),
                           "values": values, "p_value": math.nan, "paired": paired}
    if not values:
        return {**row, "note": "no values"}
    summary = summarize(values, confidence)
    row.update(mean=summary.mean, std=summary.std, ci_low=summary.ci_low,
               ci_high=summary.ci_high)
    if not main:
        return row
    row["difference"] = summary.mean - sum(main.values()) / len(main)
    try:
        gap = (paired_gap(main, other, confidence) if paired
               else welch_gap(list(main.values()), values, confidence))
    except ValueError as exc:
        return {**row, "note": f"no test: {exc}"}
    row.update(difference=gap.difference, diff_ci_low=gap.low, diff_ci_high=gap.high,
               p_value=gap.p_value, test=gap.test, statement=describe(metric, gap, variant))
    return row


def probe_report(plan: Plan, probe: SeedResult, per_run: PerRun) -> ProbeReport:
    """Same seed twice: the largest absolute difference per metric."""
    first = per_run[run_label(probe.seed)][0]
    second = per_run[probe.label][0]
    diffs = max_abs_difference(first, second)
    mode = plan.spec.determinism_settings.mode
    identical = all(d == 0 for d in diffs.values())
    finding = None
    if not identical and mode == "strict":
        finding = "results differ under determinism: strict (a finding, not a crash)"
    return ProbeReport(seed=probe.seed, first=first, second=second, max_abs_difference=diffs,
                       identical=identical, mode=mode,
                       switches=determinism_env(mode, probe.seed), finding=finding)
