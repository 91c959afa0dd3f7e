"""A step's stored log, capped: its head and its tail, with a marker for what was dropped.

A training loop that prints a progress bar on every batch can write gigabytes; the record
keeps what a reader needs (how the step started, how it ended) within `logs.max` bytes.
The head goes to disk as it comes, unbuffered, so `tail -f` on a running step's log shows
its last line at once (at most half of `logs.max` is written this way, so the cost of a
write per line is bounded too); the tail is held in a bounded buffer and written after the
marker when the step ends.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from runner.errors import StorageError, writing

DEFAULT_MAX = 32 << 20
ROOM = 1 << 20  # what a full disk's log gives back for the record


@dataclass(frozen=True)
class LogStats:
    bytes: int  # everything the step printed (after scrubbing), in bytes
    dropped: int  # bytes left out of the stored log


def marker(dropped: int) -> bytes:
    return f"[... {dropped} bytes dropped ...]\n".encode()


class CappedLog:
    """Write lines to `path`, keeping at most about `max_bytes` of them.

    A full disk raises StorageError naming the log.
    """

    def __init__(self, path: Path, max_bytes: int = DEFAULT_MAX) -> None:
        self.path = path
        self._head_room = max_bytes // 2
        self._tail_max = max_bytes - self._head_room
        self._ring = Ring(0)  # sized once the head is full: a short log never needs it
        self._tailing = False
        self.total = 0
        self.head = 0
        self.dropped = 0
        with writing(path):
            self._file = open(path, "wb", buffering=0)  # noqa: SIM115 (closed in `close`)

    def __enter__(self) -> CappedLog:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def write_line(self, text: str) -> None:
        data = (text + "\n").encode("utf-8", "replace")
        self.total += len(data)
        if not self._tailing and len(data) <= self._head_room:
            self._head_room -= len(data)
            self.head += len(data)
            try:
                with writing(self.path):
                    self._file.write(data)
            except StorageError:
                self.free_room()
                raise
            return
        if not self._tailing:  # once a line does not fit the head, the head is done
            self._tailing, self._ring = True, Ring(self._tail_max)
        self._ring.write(data)

    def close(self) -> LogStats:
        """Write the marker and the tail; idempotent."""
        if self._file.closed:
            return self.stats()
        kept = self._ring.from_line_start()
        self.dropped = self.total - self.head - sum(len(part) for part in kept)
        try:
            with writing(self.path):
                if self.dropped:
                    self._file.write(marker(self.dropped))
                for part in kept:
                    self._file.write(part)
                self._file.flush()
        finally:
            self._ring = Ring(0)
            self._close_quietly()
        return self.stats()

    def _close_quietly(self) -> None:
        # A full disk fails the last flush too; the error is already on its way out.
        with contextlib.suppress(OSError):
            self._file.close()

    def free_room(self) -> None:
        """After a full disk: close, and give back the head's last MiB so that the run's
        record can still be finished (it says why the log is short)."""
        self._close_quietly()
        with contextlib.suppress(OSError):
            os.truncate(self.path, max(0, self.head - ROOM))

    def stats(self) -> LogStats:
        return LogStats(self.total, self.dropped)


class Ring:
    """The last `size` bytes written, in a buffer allocated once (no growth, no copies)."""

    def __init__(self, size: int) -> None:
        self.buffer = bytearray(size)
        self.size, self.pos, self.full = size, 0, False

    def write(self, data: bytes) -> None:
        if len(data) >= self.size:
            self.buffer[:] = data[-self.size:]
            self.pos, self.full = 0, True
            return
        room = self.size - self.pos
        first = min(room, len(data))
        self.buffer[self.pos:self.pos + first] = data[:first]
        if first < len(data):
            self.buffer[: len(data) - first] = data[first:]
            self.full = True
        self.pos = (self.pos + len(data)) % self.size
        self.full = self.full or self.pos == 0 and len(data) > 0

    def from_line_start(self) -> list[memoryview]:
        """The kept bytes in order, from the first whole line (views, not copies)."""
        view = memoryview(self.buffer)
        parts = [view[self.pos:], view[: self.pos]] if self.full else [view[: self.pos]]
        if not self.full:
            return parts
        for i, part in enumerate(parts):  # drop the partial first line
            newline = _find(part)
            if newline != -1:
                return [part[newline + 1:], *parts[i + 1:]]
        return parts


def _find(part: memoryview) -> int:
    """Index of the first newline in a large view, searching 64 KiB at a time."""
    step = 1 << 16
    for start in range(0, len(part), step):
        found = bytes(part[start:start + step]).find(b"\n")
        if found != -1:
            return start + found
    return -1
