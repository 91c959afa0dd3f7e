"""Findings for people (a rich table) and for machines (JSON)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from rich.table import Table
from rich.text import Text

from runner.audits.findings import Finding, sort_findings

STYLES = {"critical": "bold red", "warning": "yellow", "info": "green"}
# Evidence is for the JSON report; the table shows a glimpse so a row stays a few lines tall.
SUMMARY_CHARS = 160
SUMMARY_ITEMS = 3


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        head = ", ".join(_short(v) for v in value[:SUMMARY_ITEMS])
        more = f", ... ({len(value)} items)" if len(value) > SUMMARY_ITEMS else ""
        return f"[{head}{more}]"
    if isinstance(value, dict):
        items = list(value.items())
        head = ", ".join(f"{k}: {_short(v)}" for k, v in items[:SUMMARY_ITEMS])
        more = f", ... ({len(items)} keys)" if len(items) > SUMMARY_ITEMS else ""
        return f"{{{head}{more}}}"
    return str(value)


def evidence_summary(evidence: dict[str, Any]) -> str:
    """Scalars first (the counts and means a reviewer reads), then flat lists, then the rest."""

    def rank(value: Any) -> int:
        if isinstance(value, dict):
            return 2
        if isinstance(value, list):
            return 2 if any(isinstance(v, (list, dict)) for v in value) else 1
        return 0

    ordered = sorted(evidence.items(), key=lambda kv: rank(kv[1]))  # stable: keeps key order
    text = "; ".join(f"{k}={_short(v)}" for k, v in ordered)
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 3] + "..."


def findings_table(findings: Sequence[Finding]) -> Table:
    counts = Counter(f.severity for f in findings)
    title = ", ".join(f"{counts[s]} {s}" for s in ("critical", "warning", "info") if counts[s])
    table = Table(title=f"Audit findings ({title or 'none'})", show_lines=True)
    table.add_column("severity", no_wrap=True)
    table.add_column("audit", no_wrap=True)
    table.add_column("statement", ratio=2)
    table.add_column("evidence", ratio=3, style="dim")
    for finding in sort_findings(findings):
        table.add_row(
            Text(finding.severity, style=STYLES[finding.severity]),
            finding.audit,
            Text(finding.statement),
            Text(evidence_summary(finding.evidence)),
        )
    return table


def findings_json(findings: Sequence[Finding]) -> str:
    """`{"findings": [...]}`, most severe first."""
    return json.dumps({"findings": [f.to_dict() for f in sort_findings(findings)]}, indent=2)
