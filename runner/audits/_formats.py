"""Format back-ends for the readers: each opens one file kind and yields raw column chunks.

Kept apart from readers.py so that readers.py holds the user-facing contract (column checks,
numeric conversion with row numbers) and this module only knows how to slice each format.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import h5py
import numpy as np

from runner.errors import UsageError

Chunk = dict[str, np.ndarray]


class Source(Protocol):
    """One opened tabular file: its column names and a chunked reader of chosen columns."""

    label: str

    def columns(self) -> list[str]: ...

    def chunks(self, columns: Sequence[str], size: int) -> Iterator[Chunk]: ...


def _objects(values: Sequence[Any]) -> np.ndarray:
    # Object arrays keep strings and mixed JSON values as they are; conversion is the caller's.
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def _decode(arr: np.ndarray) -> np.ndarray:
    """HDF5 strings come back as bytes; decode so every format yields str for text."""
    if arr.dtype.kind == "S" or (arr.dtype.kind == "O" and arr.size and isinstance(arr[0], bytes)):
        return _objects([v.decode("utf-8", "replace") if isinstance(v, bytes) else v for v in arr])
    return arr


class CsvSource:
    def __init__(self, path: Path, delimiter: str = ",") -> None:
        self.path, self.label, self.delimiter = path, str(path), delimiter

    def _rows(self) -> Iterator[list[str]]:
        try:
            # utf-8-sig drops the byte-order mark that spreadsheet exports put before the header.
            with self.path.open(newline="", encoding="utf-8-sig") as fh:
                yield from csv.reader(fh, delimiter=self.delimiter)
        except UnicodeDecodeError as exc:
            raise UsageError(f"{self.label}: not UTF-8 text ({exc.reason})") from None
        except csv.Error as exc:
            raise UsageError(f"{self.label}: malformed CSV ({exc})") from None

    def columns(self) -> list[str]:
        for row in self._rows():
            if row:
                return [name.strip() for name in row]
        raise UsageError(f"{self.label}: no header row (the file has only blank lines)")

    def chunks(self, columns: Sequence[str], size: int) -> Iterator[Chunk]:
        header = self.columns()
        index = [header.index(c) for c in columns]
        rows = self._rows()
        next(rows)  # header
        buf: list[list[str]] = [[] for _ in columns]
        for number, row in enumerate((r for r in rows if r), start=1):
            if len(row) != len(header):
                raise UsageError(
                    f"{self.label}: data row {number} has {len(row)} fields, "
                    f"the header has {len(header)}"
                )
            for out, i in zip(buf, index, strict=True):
                out.append(row[i])
            if len(buf[0]) >= size:
                yield {c: _objects(v) for c, v in zip(columns, buf, strict=True)}
                buf = [[] for _ in columns]
        if buf and buf[0]:
            yield {c: _objects(v) for c, v in zip(columns, buf, strict=True)}


class JsonlSource:
    def __init__(self, path: Path) -> None:
        self.path, self.label = path, str(path)

    def _records(self) -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            with self.path.open(encoding="utf-8") as fh:
                for line_no, line in enumerate(fh, start=1):
                    if line.strip():
                        yield line_no, self._record(line, line_no)
        except UnicodeDecodeError as exc:
            raise UsageError(f"{self.label}: not UTF-8 text ({exc.reason})") from None

    def _record(self, line: str, line_no: int) -> dict[str, Any]:
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UsageError(f"{self.label}: line {line_no} is not JSON ({exc.msg})") from None
        except (ValueError, RecursionError) as exc:
            # Python's own limits: an integer of over 4300 digits, arrays nested ~1000 deep.
            why = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
            raise UsageError(f"{self.label}: line {line_no} cannot be read ({why})") from None
        if not isinstance(record, dict):
            raise UsageError(f"{self.label}: line {line_no} is not a JSON object")
        return record

    def columns(self) -> list[str]:
        for _, record in self._records():
            return list(record)
        raise UsageError(f"{self.label}: no records (the file has only blank lines)")

    def chunks(self, columns: Sequence[str], size: int) -> Iterator[Chunk]:
        buf: list[list[Any]] = [[] for _ in columns]
        for line_no, record in self._records():
            for out, name in zip(buf, columns, strict=True):
                if name not in record:
                    raise UsageError(f"{self.label}: line {line_no} has no key {name!r}")
                out.append(record[name])
            if len(buf[0]) >= size:
                yield {c: _objects(v) for c, v in zip(columns, buf, strict=True)}
                buf = [[] for _ in columns]
        if buf and buf[0]:
            yield {c: _objects(v) for c, v in zip(columns, buf, strict=True)}


class ArraySource:
    """A .npy array or one HDF5 dataset: structured -> named fields, 2-D -> "0","1",..."""

    def __init__(self, label: str, array: Any, name: str = "0") -> None:
        self.label, self.array, self.name = label, array, name
        shape = tuple(array.shape)
        if len(shape) not in (1, 2) or (array.dtype.names and len(shape) != 1):
            raise UsageError(f"{label}: expected a 1-D or 2-D table, found shape {shape}")

    def columns(self) -> list[str]:
        if self.array.dtype.names:
            return list(self.array.dtype.names)
        if len(self.array.shape) == 2:
            return [str(i) for i in range(self.array.shape[1])]
        return [self.name]

    def chunks(self, columns: Sequence[str], size: int) -> Iterator[Chunk]:
        for start in range(0, int(self.array.shape[0]), size):
            block = np.asarray(self.array[start : start + size])
            if block.dtype.names:
                yield {c: _decode(np.asarray(block[c])) for c in columns}
            elif block.ndim == 2:
                yield {c: _decode(np.asarray(block[:, int(c)])) for c in columns}
            else:
                yield {columns[0]: _decode(block)} if columns else {}


class H5GroupSource:
    """An HDF5 group holding one 1-D dataset per column, all of the same length."""

    def __init__(self, label: str, group: h5py.Group) -> None:
        self.label = label
        self.datasets = {k: v for k, v in group.items() if isinstance(v, h5py.Dataset)}
        lengths = {k: v.shape for k, v in self.datasets.items()}
        if not self.datasets:
            raise UsageError(f"{label}: the group holds no datasets")
        if any(len(s) != 1 for s in lengths.values()) or len(set(lengths.values())) != 1:
            raise UsageError(
                f"{label}: a group is read as one 1-D dataset per column of equal length; "
                f"found shapes {lengths}"
            )

    def columns(self) -> list[str]:
        return list(self.datasets)

    def chunks(self, columns: Sequence[str], size: int) -> Iterator[Chunk]:
        n = next(iter(self.datasets.values())).shape[0]
        for start in range(0, n, size):
            yield {c: _decode(np.asarray(self.datasets[c][start : start + size])) for c in columns}


def open_h5(handle: h5py.File, label: str, obj: str | None) -> Source:
    target: Any = handle
    if obj:
        if obj not in handle:
            found = sorted(handle.keys())
            raise UsageError(f"{label}: no dataset or group {obj!r}; the top level has {found}")
        target = handle[obj]
    if isinstance(target, h5py.Dataset):
        return ArraySource(label, target, name=target.name.rsplit("/", 1)[-1])
    members = [v for v in target.values() if isinstance(v, h5py.Dataset)]
    # A group with a single table-shaped dataset is that table; otherwise columns per dataset.
    if len(members) == 1 and (members[0].dtype.names or members[0].ndim == 2):
        return ArraySource(label, members[0])
    return H5GroupSource(label, target)
