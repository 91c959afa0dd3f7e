"""Achieved metrics from a run: a regex over a step's log, or a key in a json/yaml/csv file."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from runner.core.logscan import MetricNotFound, as_number, scan_text
from runner.spec.models import FileMetric, RegexMetric

__all__ = ["MetricNotFound", "PerRun", "from_file", "from_log", "values_across"]

# Per run label: the metric values it produced, and why each missing metric is missing.
PerRun = dict[str, tuple[dict[str, float], dict[str, str]]]


def values_across(labels: Iterable[str], per_run: PerRun, metric: str) -> list[float]:
    """One metric's values over several runs, skipping runs that did not produce it."""
    return [per_run[label][0][metric] for label in labels if metric in per_run[label][0]]


def from_log(metric: RegexMetric, log: str) -> float:
    """A regex metric over a whole log held in memory (runs stream it: `core.logscan`)."""
    return scan_text(metric, log.splitlines())


def from_file(metric: FileMetric, root: Path) -> float:
    path = root / metric.file
    if not path.is_file():
        raise MetricNotFound(f"{metric.file} was not written by the run")
    kind = metric.format or _format_of(path)
    if kind == "csv":
        return _from_csv(path, metric.key)
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if kind == "json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise MetricNotFound(f"{metric.file} is not valid {kind}: {exc}") from None
    return as_number(_lookup(data, metric.key, metric.file), f"{metric.file}:{metric.key}")


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    return {".json": "json", ".yaml": "yaml", ".yml": "yaml", ".csv": "csv"}.get(suffix, "json")


def _lookup(data: Any, key: str, file: str) -> Any:
    node = data
    for part in key.split("."):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.lstrip("-").isdigit() and -len(node) <= int(part) \
                < len(node):
            node = node[int(part)]
        else:
            raise MetricNotFound(f"{file} has no key {key!r} (stopped at {part!r})")
    return node


def _from_csv(path: Path, key: str) -> float:
    """`column` (last row) or `column.ROW` (0-based row index, negative from the end)."""
    column, _, row = key.partition(".")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if not rows or column not in rows[0]:
        raise MetricNotFound(f"{path.name} has no column {column!r}")
    index = int(row) if row.lstrip("-").isdigit() else -1
    if not -len(rows) <= index < len(rows):
        raise MetricNotFound(f"{path.name} has no row {index}")
    return as_number(rows[index][column], f"{path.name}:{key}")
