"""A run's page: everything a collaborator needs to judge one reproduction on its own.

Paper, source commit, image, fingerprint, the claims table, findings with their evidence,
the learning curve (redrawn from the finding's evidence, so it needs no run folder), the
jobs and their steps with links to the copied logs, and the record itself.
"""

from __future__ import annotations

import json
from typing import Any

from runner.history.envfacts import packages
from runner.history.summary import outcome
from runner.history.views import duration, num
from runner.record.model import ClaimResult, FindingRecord, RunRecord
from runner.report.pages import environment, figure

EVIDENCE_CHARS = 20_000  # a finding's evidence beyond this is cut, with a note


def run_context(record: RunRecord, logs: dict[str, str | None]) -> dict[str, Any]:
    """Values for run.html.j2; `logs` maps a log's path in the record to its link."""
    return {
        "record": record, "outcome": outcome(str(record.status),
                                             record.verdict and str(record.verdict)),
        "paper": _paper(record.paper), "duration": duration(record.duration_seconds),
        "claims": [_claim(c) for c in record.claims],
        "findings": [_finding(f) for f in record.findings],
        "curve": _curve(record.findings),
        "environment": environment(record),
        "packages": sorted(f"{k}=={v}" if v and not v.startswith("@") else f"{k} {v}".strip()
                           for k, v in (packages(record) or {}).items()),
        "jobs": [_job(run.model_dump(), logs) for run in record.runs],
        "build_log": logs.get(record.image.build_log) if record.image else None,
        "variants": [v.model_dump() for v in record.variants],
    }


def _paper(paper: dict[str, Any]) -> list[tuple[str, str]]:
    order = ["title", "authors", "year", "venue", "url", "doi", "arxiv"]
    keys = [k for k in order if k in paper] + sorted(k for k in paper if k not in order)
    return [(k, ", ".join(map(str, v)) if isinstance(v, list) else str(v))
            for k, v in ((k, paper[k]) for k in keys) if v not in (None, "", [])]


def _claim(c: ClaimResult) -> dict[str, Any]:
    spread = (f"[{num(c.ci_low)}, {num(c.ci_high)}]" if c.ci_low is not None
              else ("single run" if c.single_run else "-"))
    return {"metric": c.metric, "claimed": num(c.claimed), "where": c.where or "",
            "tolerance": f"± {num(c.tolerance)}", "n": c.n if c.n is not None else len(c.values),
            "mean": num(c.mean), "interval": spread,
            "difference": f"{c.difference:+.4g}" if c.difference is not None else "-",
            "verdict": str(c.verdict), "explanation": c.explanation}


def _finding(f: FindingRecord) -> dict[str, Any]:
    text = json.dumps(f.evidence, indent=2, default=str, sort_keys=True)
    cut = len(text) > EVIDENCE_CHARS
    return {"audit": f.audit, "severity": f.severity, "statement": f.statement,
            "evidence": text[:EVIDENCE_CHARS] + ("\n... (cut; the whole evidence is in "
                                                 "record.json)" if cut else "")}


def _curve(findings: list[FindingRecord]) -> dict[str, Any] | None:
    """The learning-curve plot from its finding's evidence (fractions, values, target)."""
    from runner.audits.plot import line_plot_svg

    found = next((f for f in findings if f.audit == "learning_curve"
                  and isinstance(f.evidence.get("fractions"), dict)), None)
    if found is None:
        return None
    evidence = found.evidence
    try:
        fractions = {float(k): v for k, v in evidence["fractions"].items()}
        line = [(k, float(v["mean"])) for k, v in sorted(fractions.items())]
        seeds = [(k, float(x)) for k, v in sorted(fractions.items()) for x in v["values"]]
        metric = str(evidence["metric"])
        target = float(evidence["target"])
    except (KeyError, TypeError, ValueError):  # evidence from another repro version
        return None
    svg = line_plot_svg(f"Learning curve: {metric} by fraction of training data",
                        "fraction of training data (log scale)", metric, line, seeds,
                        (target, f"95% of full-data {metric}"))
    return figure(svg, ["mean", "values", "reference"])


def _job(run: dict[str, Any], logs: dict[str, str | None]) -> dict[str, Any]:
    steps = [{"name": s["name"], "exit": "timeout" if s["timed_out"] else s["exit_code"],
              "seconds": f"{s['duration_seconds']:.1f}", "log": logs.get(s["log"]),
              "log_name": s["log"]} for s in run["steps"]]
    metrics = ", ".join(f"{k} = {num(v)}" for k, v in run["metrics"].items())
    return {"label": run["label"], "status": run["status"], "reason": run["reason"] or "",
            "steps": steps, "metrics": metrics or "-"}
