"""Shared fixtures for the audit tests: small tables written in every supported format."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

WriteCsv = Callable[[str, Sequence[str], Sequence[Sequence[Any]]], Path]


@pytest.fixture
def write_csv(tmp_path: Path) -> WriteCsv:
    def write(name: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Path:
        path = tmp_path / name
        with path.open("w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows(rows)
        return path

    return write


@pytest.fixture
def write_jsonl(tmp_path: Path) -> Callable[[str, Sequence[dict[str, Any]]], Path]:
    def write(name: str, records: Sequence[dict[str, Any]]) -> Path:
        path = tmp_path / name
        path.write_text("".join(json.dumps(r) + "\n" for r in records))
        return path

    return write
