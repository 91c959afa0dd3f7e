"""The lock in OUT: a second batch is refused with the first one's name; a dead one's lock
is taken over (the kernel drops an flock when its holder dies, kill -9 included)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from runner.batch.outlock import BatchLock
from runner.errors import ExitCode, InfraError


def test_second_batch_is_refused_naming_the_first(tmp_path):
    with BatchLock(tmp_path, "B-first", ["reg"]), pytest.raises(InfraError) as caught:
        BatchLock(tmp_path, "B-second", ["reg"]).acquire()
    assert caught.value.exit_code == ExitCode.INFRA
    assert f"batch B-first (pid {os.getpid()}" in str(caught.value)
    BatchLock(tmp_path, "B-third", ["reg"]).acquire().release()  # free again


def test_lock_of_a_killed_batch_is_taken_over(tmp_path):
    code = ("import sys, time; from pathlib import Path; from runner.batch.outlock import "
            "BatchLock; held = BatchLock(Path(sys.argv[1]), 'B-dead', []).acquire(); "
            "print('held', flush=True); time.sleep(60)")
    holder = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    with pytest.raises(InfraError, match="B-dead"):
        BatchLock(tmp_path, "B-new", []).acquire()
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    time.sleep(0.1)
    lock = BatchLock(tmp_path, "B-new", []).acquire()
    assert '"batch_id": "B-new"' in (tmp_path / "batch.lock").read_text()
    lock.release()
