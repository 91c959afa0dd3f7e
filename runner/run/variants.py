"""Variants (ablations) with Holm-corrected Welch tests, and the determinism probe."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from runner.core.determinism import determinism_env
from runner.core.metrics import PerRun, values_across
from runner.core.plan import Plan
from runner.core.schedule import Job, JobKind, run_label
from runner.core.stats import holm_bonferroni, max_abs_difference, summarize, welch
from runner.record.model import ProbeReport, VariantRow
from runner.run.audits_in_run import AuditContext, run_audits
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
    return out


def variant_table(plan: Plan, ok: Sequence[SeedResult], jobs: dict[str, Job],
                  per_run: PerRun) -> list[VariantRow]:
    spec = plan.spec
    confidence = spec.statistics.confidence
    main = [r.label for r in ok if jobs[r.label].kind is JobKind.MAIN and not jobs[r.label].repeat]
    names = list(dict.fromkeys(j.variant for j in jobs.values()
                               if j.kind is JobKind.VARIANT and j.variant is not None))
    rows: list[dict[str, Any]] = []
    for name in names:
        labels = [r.label for r in ok if jobs[r.label].variant == name]
        for metric in spec.metrics:
            rows.append(_compare(name, metric, values_across(main, per_run, metric),
                                 values_across(labels, per_run, metric), confidence))
    adjusted = holm_bonferroni([r["p_value"] for r in rows])
    for row, p_adj in zip(rows, adjusted, strict=True):
        row["p_holm"] = p_adj
        row["significant"] = bool(not math.isnan(p_adj) and p_adj < 1 - confidence)
    return [VariantRow.model_validate(row) for row in rows]


def _compare(variant: str, metric: str, main: list[float], other: list[float],
             confidence: float) -> dict[str, Any]:
    row: dict[str, Any] = {"variant": variant, "metric": metric, "n": len(other),
                           "values": other, "p_value": math.nan}
    if not other:
        return {**row, "note": "no values"}
    summary = summarize(other, confidence)
    row.update(mean=summary.mean, std=summary.std, ci_low=summary.ci_low,
               ci_high=summary.ci_high)
    if main:
        row["difference"] = summary.mean - sum(main) / len(main)
    try:
        row["p_value"] = welch(main, other).p_value
        row["test"] = "Welch t (two-sided)"
    except ValueError as exc:
        row["note"] = f"no test: {exc}"
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
