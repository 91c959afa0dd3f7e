"""Group leakage: the same group (earthquake sequence, patient, speaker) on both sides of a split.

DeVries et al. split aftershock data by row, so ruptures of one earthquake sequence sat in
both train and test and the test AUC measured memorisation. This audit reads a manifest with
one row per item and its split, derives each item's group (a regex on the item's name or a
column), and reports every group, and every item, found in more than one split.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runner.audits.findings import MAX_EXAMPLES, Finding
from runner.audits.readers import iter_chunks
from runner.errors import UsageError

AUDIT = "leakage"
# Per leaking group, only this many items per split are kept: enough to recognise the group.
ITEMS_PER_SPLIT = 5


def compile_group_pattern(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        msg = f"group pattern {pattern!r} is not a valid regular expression: {exc}"
        raise UsageError(msg) from None


def group_key(regex: re.Pattern[str], item: str) -> str | None:
    """First capture group of the first match (the whole match if the regex has no group)."""
    match = regex.search(item)
    if match is None:
        return None
    return match.group(1) if regex.groups else match.group(0)


@dataclass
class _Tally:
    """Everything the audit keeps while streaming: bounded by groups and items, not rows."""

    split_rows: Counter[str] = field(default_factory=Counter)
    groups: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    group_items: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    item_split: dict[str, str] = field(default_factory=dict)
    item_conflicts: dict[str, set[str]] = field(default_factory=dict)
    unmatched: int = 0
    unmatched_examples: list[str] = field(default_factory=list)

    def add(self, item: str, split: str, group: str | None) -> None:
        self.split_rows[split] += 1
        first = self.item_split.setdefault(item, split)
        if first != split:
            self.item_conflicts.setdefault(item, {first}).add(split)
        if group is None:
            self.unmatched += 1
            if len(self.unmatched_examples) < MAX_EXAMPLES:
                self.unmatched_examples.append(item)
            return
        self.groups[group][split] += 1
        items = self.group_items.setdefault((group, split), [])
        if len(items) < ITEMS_PER_SPLIT:
            items.append(item)


def audit_leakage(
    manifest: Path,
    item: str,
    split: str,
    group_pattern: str | None = None,
    group_column: str | None = None,
    chunk_size: int | None = None,
) -> list[Finding]:
    """Report groups and items that occur in more than one split of `manifest`.

    Exactly one of `group_pattern` (regex applied to the item) and `group_column` is required.
    """
    if (group_pattern is None) == (group_column is None):
        raise UsageError("give exactly one of a group pattern and a group column")
    regex = compile_group_pattern(group_pattern) if group_pattern is not None else None
    columns = [item, split] + ([group_column] if group_column is not None else [])
    tally = _Tally()
    for chunk in iter_chunks(manifest, columns, chunk_size):
        items, splits = chunk[item], chunk[split]
        groups = chunk[group_column] if group_column is not None else items
        for name, side, raw in zip(items, splits, groups, strict=True):
            name = str(name)
            if regex is not None:
                key = group_key(regex, name)
            else:
                key = None if raw is None or str(raw).strip() == "" else str(raw).strip()
            tally.add(name, str(side).strip(), key)
    how = f"pattern '{group_pattern}'" if regex is not None else f"column '{group_column}'"
    return _findings(tally, how)


def _findings(tally: _Tally, how: str) -> list[Finding]:
    findings: list[Finding] = []
    total = tally.split_rows.total()
    if tally.unmatched:
        what = "do not match the group " + how if how.startswith("pattern") else "have no group"
        evidence = {"unmatched": tally.unmatched, "examples": tally.unmatched_examples}
        statement = f"{tally.unmatched} of {total} items {what}"
        findings.append(Finding(AUDIT, "warning", statement, evidence))
    if len(tally.split_rows) < 2:
        # Usually the wrong column was named as the split; worth saying rather than passing.
        statement = "the manifest has only one split value, so nothing can leak across splits"
        findings.append(Finding(AUDIT, "warning", statement, {"splits": dict(tally.split_rows)}))
    findings.extend(_group_findings(tally, how))
    if tally.item_conflicts:
        examples = [
            {"item": name, "splits": sorted(sides)}
            for name, sides in list(tally.item_conflicts.items())[:MAX_EXAMPLES]
        ]
        n = len(tally.item_conflicts)
        statement = (
            f"{n} item{'s' if n != 1 else ''} appear{'s' if n == 1 else ''} in more than one split"
        )
        evidence = {"items_leaking": len(tally.item_conflicts), "examples": examples}
        findings.append(Finding(AUDIT, "critical", statement, evidence))
    return findings


def _group_findings(tally: _Tally, how: str) -> list[Finding]:
    leaking = [g for g, sides in tally.groups.items() if len(sides) > 1]
    base: dict[str, Any] = {
        "grouped_by": how,
        "groups": len(tally.groups),
        "rows_per_split": dict(tally.split_rows),
    }
    if not leaking:
        return [Finding(AUDIT, "info", "no group appears in more than one split", base)]
    shown = [
        {
            "group": g,
            "splits": {
                side: {"rows": n, "items": tally.group_items[(g, side)]}
                for side, n in sorted(tally.groups[g].items())
            },
        }
        for g in leaking[:MAX_EXAMPLES]
    ]
    evidence = {
        **base,
        "groups_leaking": len(leaking),
        "rows_in_leaking_groups": sum(tally.groups[g].total() for g in leaking),
        "leaking_groups": leaking[:MAX_EXAMPLES],
        "leaking": shown,
    }
    statement = f"{len(leaking)} of {len(tally.groups)} groups appear in more than one split"
    return [Finding(AUDIT, "critical", statement, evidence)]
