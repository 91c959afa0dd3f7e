"""The history, a diff and drift as a person reads them in a terminal or a nightly log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from runner.history.compare import MetricDelta, RunDiff
from runner.history.drift import Drift
from runner.history.store import RunRow
from runner.history.summary import MetricSummary, outcome
from runner.present.show import VERDICT_STYLE

OUTCOME_STYLE = {**VERDICT_STYLE, "failed": "red", "interrupted": "yellow"}


def num(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.4g}" if value == 0 or abs(value) >= 1e-3 else f"{value:.2e}"


def interval(s: MetricSummary | None) -> str:
    if s is None or s.mean is None:
        return "-"
    if s.ci_low is None or s.ci_high is None:
        return num(s.mean)
    return f"{num(s.mean)} [{num(s.ci_low)}, {num(s.ci_high)}]"


def short_commit(commit: str | None) -> str:
    """`e1ce30ab75b9`, or `tree:3f2a9c01d2e4` for an unpinned local folder."""
    if not commit:
        return "-"
    kind, _, digest = commit.rpartition(":")
    return f"{kind.split(':')[0]}:{digest[:12]}" if kind else commit[:12]


def short_digest(digest: str | None) -> str:
    if not digest:
        return "-"
    algorithm, _, value = digest.rpartition(":")
    return f"{algorithm}:{value[:12]}" if algorithm else value[:12]


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    minutes, rest = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else (f"{minutes}m{rest:02d}s" if minutes
                                                    else f"{seconds:.1f}s")


def styled(word: str) -> str:
    style = OUTCOME_STYLE.get(word, "")
    return f"[{style}]{escape(word)}[/{style}]" if style else escape(word)


def metric_names(rows: Sequence[RunRow]) -> list[str]:
    """Claimed metrics first (the paper's numbers), then the others, each by name."""
    seen = {name: s for row in rows for name, s in row.metrics.items()}
    return sorted(seen, key=lambda n: (seen[n].claimed is None, n))


def history_table(spec: str, rows: Sequence[RunRow]) -> Table:
    table = Table(title=f"{spec}: {len(rows)} run{'s' if len(rows) != 1 else ''}",
                  title_justify="left")
    names = metric_names(rows)
    for col in ("run", "date (UTC)", "commit", "image", "verdict", *names,
                "duration", "host", "GPU"):
        table.add_column(col, no_wrap=col not in ("host", "GPU"))
    for row in rows:
        verdict = styled(outcome(row.status, row.verdict))
        if row.critical_findings:
            verdict += f" ({row.critical_findings} critical)"
        table.add_row(row.run_id, row.started.strftime("%Y-%m-%d %H:%M"),
                      short_commit(row.commit), short_digest(row.image_id), verdict,
                      *[interval(row.metrics.get(n)) for n in names],
                      duration(row.duration_seconds), escape(row.hostname or "-"),
                      escape(row.gpu or "-"))
    return table


def row_json(row: RunRow) -> dict[str, Any]:
    return {"run_id": row.run_id, "spec": row.spec_name, "started": row.started.isoformat(),
            "status": row.status, "verdict": row.verdict,
            "outcome": outcome(row.status, row.verdict), "commit": row.commit,
            "image_id": row.image_id, "base_digest": row.base_digest,
            "metrics": {n: s.to_json() for n, s in row.metrics.items()},
            "duration_seconds": row.duration_seconds, "host": row.hostname, "gpu": row.gpu,
            "critical_findings": row.critical_findings, "exit_code": row.exit_code,
            "reason": row.reason, "folder": row.folder}


def _metric_row(m: MetricDelta) -> list[str]:
    moved = "[red]yes[/red]" if m.beyond_tolerance else ("no" if m.beyond_tolerance is False
                                                         else "-")
    overlap = {True: "yes", False: "[red]no[/red]", None: "-"}[m.intervals_overlap]
    verdicts = [s.verdict if s and s.verdict else "-" for s in (m.a, m.b)]
    verdict = (f"{styled(verdicts[0])} -> {styled(verdicts[1])}" if m.verdict_changed
               else styled(verdicts[1]))
    diff = f"{m.difference:+.4g}" if m.difference is not None else "-"
    return [escape(m.name), interval(m.a), interval(m.b), diff, num(m.tolerance), moved,
            overlap, verdict]


def print_diff(diff: RunDiff, out: Console) -> None:
    a, b = diff.a, diff.b
    out.print(f"A  {a.run_id}  {escape(a.spec)}  {a.started}  {styled(a.outcome)}")
    out.print(f"B  {b.run_id}  {escape(b.spec)}  {b.started}  {styled(b.outcome)}")
    change = (f"{styled(a.outcome)} -> {styled(b.outcome)}" if diff.verdict_changed
              else f"{styled(b.outcome)} (unchanged)")
    out.print(f"verdict   {change}")
    ratio = diff.duration_ratio
    out.print(f"duration  {duration(a.duration_seconds)} -> {duration(b.duration_seconds)}"
              + (f" ({ratio:.2f}x)" if ratio is not None else ""))
    if diff.metrics:
        table = Table(title="metrics (B - A)", title_justify="left")
        for col in ("metric", "A", "B", "difference", "tolerance", "beyond tolerance",
                    "intervals overlap", "verdict"):
            table.add_column(col, no_wrap=col in ("metric", "verdict"))
        for m in diff.metrics:
            table.add_row(*_metric_row(m))
        out.print(table)
    print_beneath(diff, out)


def print_beneath(diff: RunDiff, out: Console) -> None:
    """What changed beneath: environment facts, then packages, then notes."""
    if diff.environment:
        table = Table(title="what changed beneath", title_justify="left")
        for col in ("what", "A", "B"):
            table.add_column(col, overflow="fold")
        for c in diff.environment:
            table.add_row(escape(c.label), escape(c.a or "-"), escape(c.b or "-"))
        out.print(table)
    elif not diff.packages:
        out.print("what changed beneath: nothing recorded differs")
    if diff.packages:
        p = diff.packages
        lines = ([f"  changed {escape(k)} {escape(va)} -> {escape(vb)}"
                  for k, (va, vb) in p.changed.items()]
                 + [f"  added   {escape(k)} {escape(v)}" for k, v in p.added.items()]
                 + [f"  removed {escape(k)} {escape(v)}" for k, v in p.removed.items()])
        out.print(f"packages (pip freeze): {len(p.changed)} changed, {len(p.added)} added, "
                  f"{len(p.removed)} removed", highlight=False)
        for line in lines:
            out.print(line, highlight=False)
    for note in diff.notes:
        out.print(f"[yellow]note:[/yellow] {escape(note)}")


def drift_lines(drifts: Sequence[Drift]) -> list[str]:
    """Plain lines for a batch summary: drifted specs first, each flag, then what changed."""
    lines: list[str] = []
    for d in (d for d in drifts if d.drifted):
        lines.append(f"{d.spec}: {'; '.join(d.flags)}")
        lines += [f"    {c.label}: {c.a or '-'} -> {c.b or '-'}" for c in d.diff.environment]
        if d.diff.packages:
            p = d.diff.packages
            moved = [f"{k} {va}->{vb}" for k, (va, vb) in p.changed.items()]
            moved += [f"+{k} {v}" for k, v in p.added.items()]
            moved += [f"-{k} {v}" for k, v in p.removed.items()]
            lines.append(f"    packages: {', '.join(moved)}")
    return lines


def print_drift(drifts: Sequence[Drift], out: Console) -> None:
    drifted = [d for d in drifts if d.drifted]
    out.print(f"drift: {len(drifted)} of {len(drifts)} spec(s) with two runs moved",
              highlight=False)
    for line in drift_lines(drifts):
        out.print(escape(line), highlight=False)
    quiet = [d for d in drifts if not d.drifted and d.diff.beneath_changed]
    for d in quiet:
        what = [c.label for c in d.diff.environment] + (["packages"] if d.diff.packages else [])
        out.print(escape(f"{d.spec}: results held; changed beneath: {', '.join(what)}"),
                  highlight=False)
