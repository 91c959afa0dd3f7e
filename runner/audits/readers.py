"""Streaming tabular readers for the audits: CSV/TSV, JSON lines, .npy and HDF5.

The audits read files that can hold millions of rows (DeVries et al. trained on 4.7 million),
so everything goes through `iter_chunks`, which yields a dict of column -> 1-D array per chunk.
Text columns come back as object arrays of str; columns named in `numeric` come back as
float64, converted here so that a bad value is reported with its row number.

Every problem with a file is a UsageError naming the file: a user of `repro audit` sees one
line, never a traceback.

Supported names:
  * ``x.csv`` / ``x.tsv``: header row, then data rows.
  * ``x.jsonl`` / ``x.ndjson``: one JSON object per line; columns are the first object's keys.
  * ``x.npy``: memory-mapped; a structured array gives its field names as columns, a 2-D
    array gives columns "0", "1", ..., a 1-D array a single column "0".
  * ``x.h5`` / ``x.hdf5`` / ``x.hdf``, optionally ``x.h5:object``: a dataset (structured,
    2-D or 1-D as for .npy, a 1-D one named after the dataset), or a group holding one 1-D
    dataset per column. Without ``:object`` the root group is used.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import h5py
import numpy as np

from runner.audits._formats import ArraySource, Chunk, CsvSource, JsonlSource, Source, open_h5
from runner.errors import UsageError
from runner.spec.audit_terms import split_h5 as _split_h5

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "SUPPORTED_SUFFIXES",
    "Chunk",
    "iter_chunks",
    "list_columns",
    "read_columns",
]

# Read through the module at call time (not bound as a default), so tests can lower it.
DEFAULT_CHUNK_SIZE = 100_000
SUPPORTED_SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson", ".npy", ".h5", ".hdf5", ".hdf")


def _check_file(path: Path, label: str) -> None:
    if not path.exists():
        raise UsageError(f"{label}: file not found")
    if path.is_dir():
        raise UsageError(f"{label}: is a directory, expected a file")
    if path.stat().st_size == 0:
        raise UsageError(f"{label}: the file is empty")


@contextmanager
def open_table(path: Path | str) -> Iterator[Source]:
    """Open any supported file as a Source; HDF5 handles are closed on exit."""
    label = str(path)
    h5 = _split_h5(label)
    if h5 is not None:
        file_path = Path(h5[0])
        _check_file(file_path, label)
        try:
            handle = h5py.File(file_path, "r")
        except OSError as exc:
            raise UsageError(f"{label}: not a readable HDF5 file ({exc})") from None
        with handle:
            yield open_h5(handle, label, h5[1])
        return
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UsageError(
            f"{label}: unknown format {suffix or '(no extension)'!r}; "
            f"supported: {', '.join(SUPPORTED_SUFFIXES)}"
        )
    _check_file(path, label)
    if suffix in (".csv", ".tsv"):
        yield CsvSource(path, delimiter="\t" if suffix == ".tsv" else ",")
    elif suffix in (".jsonl", ".ndjson"):
        yield JsonlSource(path)
    else:
        yield ArraySource(label, _load_npy(path, label))


def _load_npy(path: Path, label: str) -> np.ndarray:
    try:
        # mmap keeps a multi-GB array on disk; chunks are copied out as they are read.
        array: np.ndarray = np.load(path, mmap_mode="r", allow_pickle=False)
        return array
    except (ValueError, OSError, EOFError) as exc:
        raise UsageError(f"{label}: not a readable .npy array ({exc})") from None


def list_columns(path: Path | str) -> list[str]:
    with open_table(path) as source:
        return source.columns()


def _check_columns(label: str, wanted: Sequence[str], available: Sequence[str]) -> None:
    for name in wanted:
        if name in available:
            continue
        lowered = {a.lower(): a for a in available}
        close = [lowered[name.lower()]] if name.lower() in lowered else []
        close = close or difflib.get_close_matches(name, list(available), n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else None
        shown = ", ".join(available[:30]) + (" ..." if len(available) > 30 else "")
        raise UsageError(f"{label}: no column {name!r}; available: {shown}", hint=hint)


def to_float(values: np.ndarray, column: str, label: str, first_row: int = 1) -> np.ndarray:
    """Convert one chunk's column to float64; a bad value is named by its 1-based data row."""
    if values.dtype.kind == "c":  # numpy would drop the imaginary part, with only a warning
        raise UsageError(f"{label}: column {column!r} holds complex numbers; it needs real ones")
    if values.dtype.kind in "biuf":
        out = values.astype(np.float64)
    else:
        try:
            out = np.asarray(values, dtype=np.float64)
        except (ValueError, TypeError):
            out = None
    if out is not None:
        bad = np.flatnonzero(~np.isfinite(out))
        if bad.size == 0:
            return out
        row = int(bad[0])
    else:
        row = next(i for i, v in enumerate(values) if not _is_number(v))
    raise UsageError(
        f"{label}: column {column!r} needs numbers, but data row {first_row + row} "
        f"holds {values[row]!r}"
    )


def _is_number(value: object) -> bool:
    try:
        return bool(np.isfinite(float(value)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def iter_chunks(
    path: Path | str,
    columns: Sequence[str] | None = None,
    chunk_size: int | None = None,
    numeric: Sequence[str] = (),
) -> Iterator[Chunk]:
    """Yield {column: array} chunks of at most chunk_size rows (all columns when None).

    Columns in `numeric` are float64 (a non-numeric or non-finite value is a UsageError naming
    the row). A file with no data rows is a UsageError: no audit can say anything about it.
    """
    size = DEFAULT_CHUNK_SIZE if chunk_size is None else chunk_size
    if size < 1:
        raise UsageError(f"chunk size must be at least 1, got {size}")
    with open_table(path) as source:
        available = source.columns()
        wanted = list(available if columns is None else columns)
        wanted += [name for name in numeric if name not in wanted]
        _check_columns(source.label, wanted, available)
        rows = 0
        for chunk in source.chunks(wanted, size):
            n = len(next(iter(chunk.values()))) if chunk else 0
            for name in numeric:
                chunk[name] = to_float(chunk[name], name, source.label, rows + 1)
            rows += n
            yield chunk
        if rows == 0:
            raise UsageError(f"{source.label}: no data rows")


def read_columns(
    path: Path | str, columns: Sequence[str] | None = None, numeric: Sequence[str] = ()
) -> Chunk:
    """Read whole columns into memory: for the small files (predictions, baseline tables)."""
    parts: dict[str, list[np.ndarray]] = {}
    for chunk in iter_chunks(path, columns, numeric=numeric):
        for name, values in chunk.items():
            parts.setdefault(name, []).append(values)
    return {name: np.concatenate(values) for name, values in parts.items()}


def count_rows(chunk: Chunk) -> int:
    return len(next(iter(chunk.values()))) if chunk else 0
