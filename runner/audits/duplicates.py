"""Exact duplicate rows across a train and a test file.

A test row that also occurs in train is scored on something the model has seen. The train
file is hashed chunk by chunk into a sorted array of 64-bit digests (8 bytes a row, so millions
of rows fit), then the test file is streamed against it. Values that parse as numbers compare
as numbers ("1" in a CSV equals 1.0 in a .npy), everything else as text.

Severity: any shared row is a warning; more than CRITICAL_FRACTION of the test rows is critical
(a handful of coincidental duplicates is common in tabular data; 1% is not coincidence).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from runner.audits.findings import MAX_EXAMPLES, Finding, Severity
from runner.audits.readers import Chunk, count_rows, iter_chunks, list_columns

AUDIT = "duplicates"
CRITICAL_FRACTION = 0.01
_SEP = "\x1f"  # unit separator: cannot occur in CSV text fields by accident


def _canon(value: Any) -> str:
    if isinstance(value, (bool, np.bool_, int, float, np.integer, np.floating)):
        return repr(float(value))
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    try:
        return repr(float(text))
    except ValueError:
        return text


def _column_text(values: np.ndarray) -> list[str]:
    if values.dtype.kind == "c":  # as floats, 1+2j and 1+3j would be the same value
        return [repr(complex(v)) for v in values.tolist()]
    if values.dtype.kind not in "biuf":
        try:
            # Fast path: a text column that is all numbers (any CSV numeric column).
            values = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            return [_canon(v) for v in values]
    return [repr(v) for v in values.astype(np.float64).tolist()]


def hash_rows(chunk: Chunk, columns: Sequence[str]) -> np.ndarray:
    """One uint64 digest per row of the selected columns, independent of the file format."""
    texts = [_column_text(chunk[c]) for c in columns]
    digests = [
        int.from_bytes(hashlib.blake2b(_SEP.join(row).encode(), digest_size=8).digest(), "little")
        for row in zip(*texts, strict=True)
    ]
    return np.fromiter(digests, dtype=np.uint64, count=len(digests))


def _hash_train(
    train: Path, columns: Sequence[str], chunk_size: int | None
) -> tuple[np.ndarray, np.ndarray, int]:
    """Sorted unique digests, the first train row (1-based) of each, and the row count."""
    parts: list[np.ndarray] = []
    for chunk in iter_chunks(train, columns, chunk_size):
        parts.append(hash_rows(chunk, columns))
    digests = np.concatenate(parts)
    unique, first = np.unique(digests, return_index=True)
    return unique, first + 1, int(digests.size)


def audit_duplicates(
    train: Path,
    test: Path,
    columns: Sequence[str] | None = None,
    chunk_size: int | None = None,
) -> list[Finding]:
    """Count test rows whose selected columns (all of train's when None) also occur in train."""
    cols = list(columns) if columns else list_columns(train)
    unique, first_row, train_rows = _hash_train(train, cols, chunk_size)
    test_rows = shared = 0
    examples: list[dict[str, Any]] = []
    for chunk in iter_chunks(test, cols, chunk_size):
        digests = hash_rows(chunk, cols)
        pos = np.minimum(np.searchsorted(unique, digests), unique.size - 1)
        hits = np.flatnonzero(unique[pos] == digests)
        for i in hits[: max(0, MAX_EXAMPLES - len(examples))].tolist():
            row = {c: chunk[c][i] for c in cols}
            examples.append(
                {"test_row": test_rows + i + 1, "train_row": int(first_row[pos[i]]), "values": row}
            )
        shared += int(hits.size)
        test_rows += count_rows(chunk)
    return [_finding(cols, train_rows, int(unique.size), test_rows, shared, examples)]


def _finding(
    cols: list[str],
    train_rows: int,
    train_unique: int,
    test_rows: int,
    shared: int,
    examples: list[dict[str, Any]],
) -> Finding:
    fraction = shared / test_rows
    evidence = {
        "columns": cols,
        "train_rows": train_rows,
        "train_unique_rows": train_unique,
        "test_rows": test_rows,
        "test_rows_in_train": shared,
        "fraction_of_test": round(fraction, 6),
        "critical_above": CRITICAL_FRACTION,
        "examples": examples,
    }
    if shared == 0:
        return Finding(AUDIT, "info", "no test row also occurs in train", evidence)
    severity: Severity = "critical" if fraction > CRITICAL_FRACTION else "warning"
    statement = f"{shared} of {test_rows} test rows ({fraction:.1%}) also occur in train"
    return Finding(AUDIT, severity, statement, evidence)
