"""`repro show`: a run record as a readable summary (findings first, then claims)."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.table import Table

VERDICT_STYLE = {"reproduced": "green", "exceeded": "cyan", "not_reproduced": "red",
                 "missing": "red", "inconclusive": "yellow", "no_claims": "white"}


def _fmt(value: Any, digits: int = 4) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}g}" if abs(value) >= 1e-3 or value == 0 else f"{value:.2e}"
    return str(value)


def show_record(record: dict[str, Any], out: Console, as_json: bool = False) -> None:
    if as_json:
        out.print_json(json.dumps(record, default=str))
        return
    _header(record, out)
    findings = record.get("findings") or []
    if findings:
        from runner.audits.findings import Finding
        from runner.present.findings import findings_table

        out.print(findings_table([Finding.from_dict(f) for f in findings]))
    if record.get("claims"):
        out.print(claims_table(record["claims"]))
        for claim in record["claims"]:
            out.print(f"  • {claim['metric']}: {claim.get('explanation', '')}", highlight=False)
    if record.get("variants"):
        out.print(variants_table(record["variants"]))
    if record.get("determinism_probe"):
        _probe(record["determinism_probe"], out)
    _steps(record, out)


def _header(record: dict[str, Any], out: Console) -> None:
    paper = record.get("paper", {})
    source = record.get("source", {})
    image = record.get("image", {})
    status = record.get("status")
    verdict = record.get("summary") or record.get("verdict") or status
    style = VERDICT_STYLE.get(record.get("verdict", ""), "red" if status != "completed" else "")
    out.rule(f"{record.get('spec', {}).get('name')} · run {record.get('run_id')}")
    out.print(f"paper    {paper.get('title', '?')} ({paper.get('year', '?')})", highlight=False)
    if source:
        pin = "" if source.get("pinned") else " (unpinned local folder)"
        out.print(f"source   {source.get('location')} @ {source.get('commit')}{pin}",
                  highlight=False)
    if image:
        how = "reused" if image.get("reused") else f"built in {image.get('seconds', 0):.1f}s"
        out.print(f"image    {image.get('tag')} ({how})", highlight=False)
    out.print(f"status   {status}, exit {record.get('exit_code')}, "
              f"{record.get('duration_seconds', 0):.1f}s", highlight=False)
    if record.get("reason"):
        out.print(f"reason   {record['reason']}", highlight=False)
    out.print(f"verdict  [{style}]{verdict}[/{style}]" if style else f"verdict  {verdict}")


def claims_table(claims: list[dict[str, Any]]) -> Table:
    table = Table(title="claims")
    for col in ("metric", "claimed", "tolerance", "n", "mean", "interval", "diff", "verdict"):
        # The verdict must never be cut to `not_reprod…`; numbers and intervals may wrap.
        table.add_column(col, justify="right" if col not in ("metric", "verdict") else "left",
                         no_wrap=col in ("metric", "verdict"))
    for c in claims:
        interval = (f"[{_fmt(c.get('ci_low'))}, {_fmt(c.get('ci_high'))}]"
                    if c.get("ci_low") is not None else ("single run" if c.get("single_run")
                                                         else "-"))
        style = VERDICT_STYLE.get(c["verdict"], "")
        table.add_row(c["metric"], _fmt(c["claimed"]), f"±{_fmt(c['tolerance'])}",
                      _fmt(c.get("n")), _fmt(c.get("mean")), interval, _fmt(c.get("difference")),
                      f"[{style}]{c['verdict']}[/{style}]")
    return table


def variants_table(rows: list[dict[str, Any]]) -> Table:
    table = Table(title="variants vs the main configuration (Welch, Holm-adjusted)")
    for col in ("variant", "metric", "n", "mean", "interval", "diff", "p", "p (Holm)", "signif."):
        table.add_column(col)
    for r in rows:
        interval = (f"[{_fmt(r.get('ci_low'))}, {_fmt(r.get('ci_high'))}]"
                    if r.get("ci_low") is not None else "-")
        table.add_row(r["variant"], r["metric"], _fmt(r.get("n")), _fmt(r.get("mean")), interval,
                      _fmt(r.get("difference")), _fmt(r.get("p_value"), 3),
                      _fmt(r.get("p_holm"), 3), "yes" if r.get("significant") else "no")
    return table


def _probe(probe: dict[str, Any], out: Console) -> None:
    diffs = ", ".join(f"{k}: {_fmt(v)}" for k, v in probe["max_abs_difference"].items())
    state = "identical" if probe["identical"] else "NOT identical"
    out.print(f"determinism probe (seed {probe['seed']} twice, mode {probe['mode']}): {state}; "
              f"largest differences {diffs or 'none'}", highlight=False)
    if probe.get("finding"):
        out.print(f"  [yellow]{probe['finding']}[/yellow]")


def _steps(record: dict[str, Any], out: Console) -> None:
    table = Table(title="runs")
    for col in ("run", "status", "steps (exit code, seconds)"):
        table.add_column(col)
    for run in record.get("runs", []):
        steps = ", ".join(f"{s['name']} ({'timeout' if s['timed_out'] else s['exit_code']}, "
                          f"{s['duration_seconds']:.1f})" for s in run.get("steps", []))
        table.add_row(run["label"], run["status"], steps)
    if record.get("runs"):
        out.print(table)
