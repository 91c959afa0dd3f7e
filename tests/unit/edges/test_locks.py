"""File locks between real processes: one holder at a time, waiters told, kill -9 frees it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from runner.edges.locks import build_lock, file_lock, lock_path

HOLD = """
import sys, time
from pathlib import Path
from runner.edges.locks import file_lock
with file_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _holder(path: Path, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path), str(seconds)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_process_waits_and_is_told(tmp_path: Path) -> None:
    path = tmp_path / "x.lock"
    holder = _holder(path, 1.0)
    told: list[str] = []
    started = time.monotonic()
    with file_lock(path, lambda: told.append("waiting")) as waited:
        waited_for = time.monotonic() - started
    holder.wait()
    assert waited and told == ["waiting"]
    assert waited_for > 0.5


def test_an_uncontended_lock_does_not_wait(tmp_path: Path) -> None:
    told: list[str] = []
    with file_lock(tmp_path / "y.lock", lambda: told.append("waiting")) as waited:
        assert (tmp_path / "y.lock").read_text().strip() == str(os.getpid())
    assert not waited and told == []


def test_a_killed_holder_releases_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "z.lock"
    holder = _holder(path, 60)
    holder.kill()  # SIGKILL: no cleanup code runs; the kernel drops the lock
    holder.wait()
    started = time.monotonic()
    with file_lock(path):
        assert time.monotonic() - started < 5


def test_lock_names_are_safe_and_distinct(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REPRO_CACHE", str(tmp_path))
    a, b = lock_path("build", "repro/x:abc"), lock_path("build", "repro/x:abd")
    assert a != b and a.parent == tmp_path / "locks" and "/" not in a.name
    with build_lock("repro/x:abc") as waited:
        assert not waited and a.exists()
