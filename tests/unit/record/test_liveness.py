"""The liveness decision (pure) and how a record reader applies it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from runner.record import liveness
from runner.record.liveness import Liveness, Observation, Owner, decide
from runner.record.model import RunStatus
from runner.record.store import RECORD_NAME, load_record

HERE = "node-a"


def seen(pid_started: float | None = None, beat: float | None = None,
         host: str = HERE) -> Observation:
    return Observation(host, pid_started, beat)


def test_same_host_and_the_pid_is_gone_is_dead() -> None:
    assert decide(Owner(HERE, 4242, 1000.0), seen(None, beat=1.0)) == Liveness.DEAD


def test_same_host_same_pid_same_start_is_alive_whatever_the_heartbeat() -> None:
    assert decide(Owner(HERE, 4242, 1000.0), seen(1000.5, beat=9999.0)) == Liveness.ALIVE


def test_a_reused_pid_has_another_start_time_and_is_dead() -> None:
    assert decide(Owner(HERE, 4242, 1000.0), seen(5000.0, beat=1.0)) == Liveness.DEAD


def test_a_start_time_that_cannot_be_read_trusts_the_pid() -> None:
    started = liveness.UNKNOWN_START
    assert decide(Owner(HERE, 4242, 1000.0), seen(started)) == Liveness.ALIVE
    assert decide(Owner(HERE, 4242, None), seen(5000.0)) == Liveness.ALIVE


def test_another_host_goes_by_the_heartbeat() -> None:
    owner = Owner("node-b", 4242, 1000.0)
    assert decide(owner, seen(beat=10.0)) == Liveness.ALIVE
    assert decide(owner, seen(beat=liveness.STALE_AFTER_SECONDS + 1)) == Liveness.DEAD
    assert decide(owner, seen(beat=None)) == Liveness.UNKNOWN


def test_no_owner_goes_by_the_heartbeat_alone() -> None:
    assert decide(None, seen(beat=None)) == Liveness.UNKNOWN
    assert decide(None, seen(beat=liveness.STALE_AFTER_SECONDS * 2)) == Liveness.DEAD


def _record(folder: Path, owner: dict[str, object] | None, status: str = "running") -> Path:
    data: dict[str, object] = {
        "record_version": 1, "run_id": "r1", "status": status, "started": "2026-01-01",
        "runner_version": "0", "spec": {"name": "x", "path": "x.yaml", "sha256": "0"},
        "paper": {}, "options": {}, "seeds": [0]}
    if owner is not None:
        data["owner"] = owner
    folder.mkdir(parents=True, exist_ok=True)
    (folder / RECORD_NAME).write_text(json.dumps(data))
    return folder / RECORD_NAME


def _exited_process() -> tuple[int, float]:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    started = liveness.process_started(child.pid)
    child.wait()
    assert started is not None
    return child.pid, started


def test_reader_shows_a_dead_owners_run_as_abandoned(tmp_path: Path) -> None:
    pid, started = _exited_process()
    me = liveness.this_process()
    path = _record(tmp_path, {"host": me.host, "pid": pid, "process_started": started})
    record = load_record(path)
    assert record.status == RunStatus.ABANDONED
    assert f"pid {pid}" in (record.reason or "")
    assert json.loads(path.read_text())["status"] == "running"  # a reader never writes


def test_reader_keeps_a_live_owners_run_running(tmp_path: Path) -> None:
    me = liveness.this_process()
    path = _record(tmp_path, {"host": me.host, "pid": me.pid, "process_started": me.started})
    assert load_record(path).status == RunStatus.RUNNING


def test_reader_judges_another_hosts_run_by_its_heartbeat(tmp_path: Path) -> None:
    path = _record(tmp_path, {"host": "elsewhere", "pid": 1, "process_started": 1.0})
    assert load_record(path).status == RunStatus.RUNNING  # no heartbeat: cannot tell
    beat = tmp_path / liveness.HEARTBEAT_NAME
    beat.touch()
    assert load_record(path).status == RunStatus.RUNNING
    old = time.time() - liveness.STALE_AFTER_SECONDS - 60
    os.utime(beat, (old, old))
    assert load_record(path).status == RunStatus.ABANDONED


def test_a_finished_run_is_never_abandoned(tmp_path: Path) -> None:
    pid, started = _exited_process()
    path = _record(tmp_path, {"host": liveness.this_process().host, "pid": pid,
                              "process_started": started}, status="completed")
    assert load_record(path).status == RunStatus.COMPLETED


def test_the_heartbeat_thread_touches_its_file(tmp_path: Path) -> None:
    beat = liveness.Heartbeat(tmp_path, interval=0.05)
    beat.start()
    first = (tmp_path / liveness.HEARTBEAT_NAME).stat().st_mtime_ns
    time.sleep(0.3)
    beat.stop()
    assert (tmp_path / liveness.HEARTBEAT_NAME).stat().st_mtime_ns > first
