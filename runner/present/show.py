"""`repro show`: a run record as a readable summary (findings first, then claims)."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.table import Table

from runner.record.model import (
    ClaimResult,
    PerturbRecord,
    ProbeReport,
    RunRecord,
    RunStatus,
    VariantRow,
)

VERDICT_STYLE = {"reproduced": "green", "exceeded": "cyan", "not_reproduced": "red",
                 "missing": "red", "inconclusive": "yellow", "no_claims": "white"}


def _fmt(value: Any, digits: int = 4) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}g}" if abs(value) >= 1e-3 or value == 0 else f"{value:.2e}"
    return str(value)


def show_record(record: RunRecord, out: Console, as_json: bool = False) -> None:
    if as_json:
        out.print_json(json.dumps(record.to_json_data(), default=str))
        return
    _header(record, out)
    if record.findings:
        from runner.audits.findings import Finding
        from runner.present.findings import findings_table

        out.print(findings_table([Finding.from_dict(f.model_dump()) for f in record.findings]))
    if record.claims:
        out.print(claims_table(record.claims))
        for claim in record.claims:
            out.print(f"  • {claim.metric}: {claim.explanation}", highlight=False)
    if record.variants:
        out.print(variants_table(record.variants))
        for name, info in record.variant_info.items():
            out.print(f"  • {name}: {'; '.join(info.changes) or 'no change'}", highlight=False)
        for row in record.variants:
            if row.statement:
                out.print(f"  • {row.statement}", highlight=False)
    if record.perturbations:
        out.print(perturbations_table(record.perturbations))
    if record.determinism_probe is not None:
        _probe(record.determinism_probe, out)
    _steps(record, out)


def _header(record: RunRecord, out: Console) -> None:
    paper, source, image, status = record.paper, record.source, record.image, record.status
    verdict = record.summary or record.verdict or status
    style = VERDICT_STYLE.get(record.verdict or "",
                              "red" if status != RunStatus.COMPLETED else "")
    out.rule(f"{record.spec.name} · run {record.run_id}")
    year = f" ({paper['year']})" if paper.get("year") else ""
    out.print(f"paper    {paper.get('title', '?')}{year}", highlight=False)
    if source is not None:
        pin = "" if source.pinned else " (unpinned local folder)"
        out.print(f"source   {source.location} @ {source.commit}{pin}", highlight=False)
    if image is not None:
        how = "reused" if image.reused else f"built in {image.seconds:.1f}s"
        out.print(f"image    {image.tag} ({how})", highlight=False)
    out.print(f"status   {status}, exit {record.exit_code}, "
              f"{record.duration_seconds or 0:.1f}s", highlight=False)
    if record.reason:
        out.print(f"reason   {record.reason}", highlight=False)
    hint = next((s.hint for run in record.runs for s in run.steps if s.hint), None)
    if hint and record.status != RunStatus.COMPLETED:
        out.print(f"hint     {hint}", highlight=False)
    out.print(f"verdict  [{style}]{verdict}[/{style}]" if style else f"verdict  {verdict}")


def claims_table(claims: list[ClaimResult]) -> Table:
    table = Table(title="claims")
    for col in ("metric", "claimed", "tolerance", "n", "mean", "interval", "diff", "verdict"):
        # The verdict must never be cut to `not_reprod…`; numbers and intervals may wrap.
        table.add_column(col, justify="right" if col not in ("metric", "verdict") else "left",
                         no_wrap=col in ("metric", "verdict"))
    for c in claims:
        interval = (f"[{_fmt(c.ci_low)}, {_fmt(c.ci_high)}]" if c.ci_low is not None
                    else ("single run" if c.single_run else "-"))
        style = VERDICT_STYLE.get(c.verdict, "")
        table.add_row(c.metric, _fmt(c.claimed), f"±{_fmt(c.tolerance)}", _fmt(c.n),
                      _fmt(c.mean), interval, _fmt(c.difference),
                      f"[{style}]{c.verdict}[/{style}]")
    return table


def variants_table(rows: list[VariantRow]) -> Table:
    table = Table(title="variants vs the main configuration (Welch, or paired by seed for "
                        "reuse: main; Holm-adjusted)")
    for col in ("variant", "metric", "n", "mean", "interval", "diff", "diff interval", "p",
                "p (Holm)", "signif."):
        table.add_column(col)
    for r in rows:
        interval = f"[{_fmt(r.ci_low)}, {_fmt(r.ci_high)}]" if r.ci_low is not None else "-"
        gap = (f"[{_fmt(r.diff_ci_low)}, {_fmt(r.diff_ci_high)}]"
               if r.diff_ci_low is not None else "-")
        table.add_row(r.variant, r.metric, _fmt(r.n), _fmt(r.mean), interval,
                      _fmt(r.difference), gap, _fmt(r.p_value, 3), _fmt(r.p_holm, 3),
                      "yes" if r.significant else "no")
    return table


def perturbations_table(rows: list[PerturbRecord]) -> Table:
    table = Table(title="perturbations of one seed vs the spread across seeds")
    for col in ("perturbation", "metric", "main", "perturbed", "change", "spread",
                "tolerance", ""):
        table.add_column(col)
    for r in rows:
        table.add_row(r.perturbation, r.metric, _fmt(r.main), _fmt(r.perturbed),
                      _fmt(r.change), _fmt(r.spread), _fmt(r.tolerance),
                      "[red]fragile[/red]" if r.fragile else "stable")
    return table


def _probe(probe: ProbeReport, out: Console) -> None:
    diffs = ", ".join(f"{k}: {_fmt(v)}" for k, v in probe.max_abs_difference.items())
    state = "identical" if probe.identical else "NOT identical"
    out.print(f"determinism probe (seed {probe.seed} twice, mode {probe.mode}): {state}; "
              f"largest differences {diffs or 'none'}", highlight=False)
    if probe.finding:
        out.print(f"  [yellow]{probe.finding}[/yellow]")


def _steps(record: RunRecord, out: Console) -> None:
    table = Table(title="runs")
    for col in ("run", "status", "steps (exit code, seconds)"):
        table.add_column(col)
    for run in record.runs:
        steps = ", ".join(f"{s.name} ({'timeout' if s.timed_out else s.exit_code}, "
                          f"{s.duration_seconds:.1f})" for s in run.steps)
        table.add_row(run.label, run.status, steps)
    if record.runs:
        out.print(table)
