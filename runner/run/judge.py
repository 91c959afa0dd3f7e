"""After the containers: metrics per run, claim verdicts, variants, probe, audits, record.

`judge_metrics` is the pure part (literal metric values in, claims and a verdict out), so
it is tested without an engine; `judge_run` gathers the values and writes the record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from runner.core.claims import judge_claim, run_verdict
from runner.core.metrics import MetricNotFound, PerRun, from_file
from runner.core.plan import Plan
from runner.core.schedule import Job, JobKind
from runner.errors import ExitCode
from runner.record.model import ClaimResult, RunStatus, RunVerdict
from runner.record.store import Recorder
from runner.run.audits_in_run import AuditContext
from runner.run.steps import SeedResult
from runner.run.variants import analyse_extras
from runner.spec.models import FileMetric, Spec


@dataclass(frozen=True)
class Judgement:
    claims: list[ClaimResult]
    verdict: RunVerdict
    exit_code: ExitCode


def extract(spec: Spec, result: SeedResult) -> tuple[dict[str, float], dict[str, str]]:
    """Values and, for each metric without one, the reason."""
    values: dict[str, float] = {}
    missing: dict[str, str] = {}
    for name, metric in spec.metrics.items():
        try:
            if isinstance(metric, FileMetric):
                if result.outputs is None:
                    raise MetricNotFound("no outputs were copied from the container")
                values[name] = from_file(metric, result.outputs)
            else:
                if metric.step not in result.scans:
                    raise MetricNotFound(f"step {metric.step!r} did not run")
                values[name] = result.scans[metric.step][name].value()
        except MetricNotFound as exc:
            missing[name] = f"{result.label}: {exc}"
    values.update(_baseline_values(spec, result))
    return values, missing


def _baseline_values(spec: Spec, result: SeedResult) -> dict[str, float]:
    """`run:` baselines' metrics, named `baseline:NAME` (not claims: audit evidence)."""
    out: dict[str, float] = {}
    for base in spec.audits.baseline if spec.audits else []:
        step = f"baseline-{base.name}"
        if base.run is None or step not in result.scans:
            continue
        try:
            if base.metric_regex is not None:
                out[f"baseline:{base.name}"] = result.scans[step][f"baseline:{base.name}"].value()
            elif base.metric_file is not None and base.key and result.outputs is not None:
                fm = FileMetric(file=base.metric_file.path, key=base.key, format="json")
                out[f"baseline:{base.name}"] = from_file(fm, result.outputs)
        except MetricNotFound:
            continue
    return out


def judge_metrics(spec: Spec, main_runs: Sequence[tuple[dict[str, float], dict[str, str]]]
                  ) -> Judgement:
    """Each claim over the main configuration's runs (values and missing reasons per run)."""
    claims = []
    for claim in spec.claims:
        values = [v[claim.metric] for v, _ in main_runs if claim.metric in v]
        missing = [m[claim.metric] for _, m in main_runs if claim.metric in m]
        claims.append(judge_claim(claim, values, missing, spec.statistics.confidence))
    verdict, code = run_verdict(claims)
    return Judgement(claims, verdict, code)


def judge_run(plan: Plan, results: Sequence[SeedResult], jobs: dict[str, Job],
              recorder: Recorder, ctx: AuditContext) -> int:
    """`jobs`: the run's jobs by label, as the containers ran them."""
    spec, record = plan.spec, recorder.record
    per_run: PerRun = {r.label: extract(spec, r) for r in results}
    for entry in record.runs:
        entry.metrics, entry.missing = per_run[entry.label]
    failed = next((r for r in results if r.status != "ok" and jobs[r.label].required), None)
    main = [per_run[r.label] for r in results
            if jobs[r.label].kind is JobKind.MAIN and r.status == "ok"]
    judgement = judge_metrics(spec, main)
    extras = analyse_extras(plan, results, jobs, per_run, recorder.folder, ctx)
    recorder.update(claims=judgement.claims, **extras)
    if failed is not None:
        recorder.finish(RunStatus.FAILED, int(ExitCode.RUN_FAILED), failed.reason)
        return int(ExitCode.RUN_FAILED)
    critical = record.critical_findings > 0
    recorder.update(verdict=judgement.verdict, summary=judgement.verdict.replace("_", " ") + (
        ", with critical findings" if critical else ""))
    recorder.finish(RunStatus.COMPLETED, int(judgement.exit_code))
    return int(judgement.exit_code)
