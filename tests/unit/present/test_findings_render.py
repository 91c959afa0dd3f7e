from __future__ import annotations

import json

from rich.console import Console

from runner.audits.findings import Finding
from runner.present.findings import evidence_summary, findings_json, findings_table


def test_table_and_json() -> None:
    findings = [
        Finding("gap", "info", "fine", {"gap": 0.012345}),
        Finding("leakage", "critical", "2 of 4 groups leak", {"groups": 4, "leaking": [{"g": 1}]}),
    ]
    table = findings_table(findings)
    console = Console(record=True, width=120)
    console.print(table)
    text = console.export_text()
    assert text.index("critical") < text.index("info")
    assert "groups=4" in text
    data = json.loads(findings_json(findings))
    assert [f["severity"] for f in data["findings"]] == ["critical", "info"]


def test_summary_is_compact() -> None:
    summary = evidence_summary({"items": list(range(100)), "n": 1.23456789})
    assert summary.startswith("n=1.235; items=[0, 1, 2, ... (100 items)]")
