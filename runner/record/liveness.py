"""Is the process that owns a `running` record (or a container) still alive?

A record says `running` until its process writes the final status; kill -9, the OOM killer
or a reboot leave it saying so forever. Readers ask `abandoned()`: the record stays as
written on disk, and every reader (show, history, batch resume, report) shows `abandoned`.

The owner is (host, pid, process start time). On the owner's host the process table
answers, and the start time guards against pid reuse: a new process with the old pid has a
later start time. From another host (a shared runs folder) the pid says nothing, so the run
keeps a heartbeat file beside its record, touched by a thread every HEARTBEAT_SECONDS
(a thread, not step boundaries: one step can run for hours without writing anything).
Stale for STALE_AFTER_SECONDS, the owner is taken for dead.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

HEARTBEAT_NAME = ".heartbeat"
HEARTBEAT_SECONDS = 15.0
STALE_AFTER_SECONDS = 300.0  # 20 missed beats: a loaded machine is slow, not dead
START_TOLERANCE = 2.0  # create times are rounded to clock ticks: seconds of slack
UNKNOWN_START = -1.0  # the process exists but its start time cannot be read


class Liveness(StrEnum):
    ALIVE = "alive"
    DEAD = "dead"
    UNKNOWN = "unknown"  # nothing to tell by: the reader keeps what the record says


@dataclass(frozen=True)
class Owner:
    host: str
    pid: int
    started: float | None  # the process's start time (epoch seconds), None when unknown


@dataclass(frozen=True)
class Observation:
    """What a reader could see now: its host, the pid's current start time, the beat."""

    host: str
    pid_started: float | None  # None: no process with that pid on this host
    heartbeat_age: float | None  # seconds since the last beat; None: no heartbeat file


def decide(owner: Owner | None, seen: Observation) -> Liveness:
    """The pure decision: see the module docstring."""
    if owner is not None and owner.host == seen.host:
        if seen.pid_started is None:
            return Liveness.DEAD
        then, now = owner.started, seen.pid_started
        if then is not None and now != UNKNOWN_START and abs(now - then) > START_TOLERANCE:
            return Liveness.DEAD  # the pid now belongs to another process
        return Liveness.ALIVE
    if seen.heartbeat_age is None:
        return Liveness.UNKNOWN
    return Liveness.DEAD if seen.heartbeat_age > STALE_AFTER_SECONDS else Liveness.ALIVE


def process_started(pid: int) -> float | None:
    """The start time of process `pid` on this host, None when there is none."""
    import psutil

    try:
        return float(psutil.Process(pid).create_time())
    except (psutil.NoSuchProcess, psutil.ZombieProcess):
        return None
    except psutil.Error:  # exists, but not ours to inspect: alive, start time unknown
        return UNKNOWN_START if psutil.pid_exists(pid) else None


def this_process() -> Owner:
    return Owner(socket.gethostname(), os.getpid(), process_started(os.getpid()))


def observe(owner: Owner | None, folder: Path | None) -> Observation:
    host = socket.gethostname()
    here = owner is not None and owner.host == host
    pid_started = process_started(owner.pid) if here and owner else None
    age = None
    if folder is not None:
        with contextlib.suppress(OSError):
            age = max(0.0, time.time() - (folder / HEARTBEAT_NAME).stat().st_mtime)
    return Observation(host, pid_started, age)


def owner_alive(owner: Owner | None, folder: Path | None = None) -> Liveness:
    return decide(owner, observe(owner, folder))


class Heartbeat:
    """Touches `folder/.heartbeat` every HEARTBEAT_SECONDS until stopped."""

    def __init__(self, folder: Path, interval: float = HEARTBEAT_SECONDS) -> None:
        self.path = folder / HEARTBEAT_NAME
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="repro-heartbeat", daemon=True)

    def start(self) -> None:
        self._touch()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _beat(self) -> None:
        while not self._stop.wait(self.interval):
            self._touch()

    def _touch(self) -> None:
        # A full disk or a vanished folder must not end the run: a missed beat only makes
        # another host's reader suspicious after STALE_AFTER_SECONDS.
        with contextlib.suppress(OSError):
            self.path.touch()
