"""A step's stored log keeps its head and tail within the cap, and says what it dropped."""

from __future__ import annotations

import re
from pathlib import Path

from runner.record.logcap import CappedLog, Ring


def test_a_small_log_is_kept_whole(tmp_path: Path) -> None:
    path = tmp_path / "a.log"
    with CappedLog(path, 4096) as log:
        for i in range(10):
            log.write_line(f"line {i}")
    assert path.read_text().splitlines() == [f"line {i}" for i in range(10)]
    assert log.stats().dropped == 0 and log.stats().bytes == path.stat().st_size


def test_a_flood_keeps_head_and_tail_with_a_marker(tmp_path: Path) -> None:
    path = tmp_path / "flood.log"
    cap = 64 << 10
    log = CappedLog(path, cap)
    lines = [f"batch {i:07d} loss 0.{i % 997:03d}" for i in range(200_000)]
    for line in lines:
        log.write_line(line)
    stats = log.close()
    text = path.read_text()
    kept = text.splitlines()
    assert path.stat().st_size < cap + 100
    assert kept[0] == lines[0] and kept[-1] == lines[-1]
    found = re.search(r"\[\.\.\. (\d+) bytes dropped \.\.\.\]", text)
    assert found is not None
    assert stats.bytes == sum(len(x) + 1 for x in lines)
    assert int(found.group(1)) == stats.dropped
    assert stats.bytes - stats.dropped == len(text.encode()) - len(found.group(0)) - 1
    # The tail starts on a whole line: every kept line is one the step printed.
    assert set(kept) - {found.group(0)} <= set(lines)


def test_close_is_idempotent(tmp_path: Path) -> None:
    log = CappedLog(tmp_path / "b.log", 4096)
    log.write_line("x")
    assert log.close() == log.close()


def test_the_ring_keeps_exactly_the_last_bytes_from_a_line_start() -> None:
    import random

    rng = random.Random(7)
    for size in (1, 7, 64, 1000):
        ring, written = Ring(size), b""
        for _ in range(300):
            data = b"x" * rng.randrange(0, 3 * size) + b"\n"
            ring.write(data)
            written += data
        kept = b"".join(bytes(p) for p in ring.from_line_start())
        last = written[-size:]
        assert kept == (last[last.find(b"\n") + 1:] if len(written) >= size else written)
