"""kill -9 of a real `repro run` reads `abandoned`; concurrent stale sweeps never trip."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from itest_support import MANAGED, image_repo, records, write_spec

from runner.edges.docker_engine import DockerEngine
from runner.record.liveness import process_started

pytestmark = pytest.mark.docker

CLI = "from runner.cli import main; main()"


def _wait_for_step(proc: subprocess.Popen[str], runs: Path, short: str) -> Path:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        found = records(runs, short)
        log = found[-1].parent / "seed-0/train.log" if found else None
        if log is not None and log.exists() and "sleeping" in log.read_text():
            return found[-1]
        time.sleep(0.2)
    raise AssertionError(f"the step never started:\n{proc.communicate()[0]}")


def _show_json(runs: Path, folder: Path) -> dict[str, object]:
    shown = subprocess.run([sys.executable, "-c", CLI, "show", str(folder), "--json",
                            "--runs-dir", str(runs)], capture_output=True, text=True, check=False)
    assert shown.returncode == 0, shown.stdout + shown.stderr
    data = json.loads(shown.stdout)
    assert isinstance(data, dict)
    return data


def test_kill_9_leaves_an_abandoned_run_and_a_container_the_sweep_removes(
        engine_ready, tmp_path, docker_client, leftovers):
    runs = tmp_path / "runs"
    steps = [{"name": "train", "run": "echo sleeping; sleep 120"}]
    spec = write_spec(tmp_path, "killed", steps)
    proc = subprocess.Popen(
        [sys.executable, "-c", CLI, "run", str(spec), "--runs-dir", str(runs), "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=dict(os.environ))
    try:
        record_path = _wait_for_step(proc, runs, "killed")
        assert _show_json(runs, record_path.parent)["status"] == "running"
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()

    on_disk = json.loads(record_path.read_text())
    assert on_disk["status"] == "running"  # kill -9 leaves no chance to write anything
    assert on_disk["owner"]["pid"] == proc.pid
    shown = _show_json(runs, record_path.parent)
    assert shown["status"] == "abandoned"
    assert f"pid {proc.pid}" in str(shown["reason"])
    # The killed run's container still sleeps; the next repro's sweep removes it.
    assert leftovers() != []
    DockerEngine().remove_stale(MANAGED)
    assert leftovers() == []


def _dead_owner() -> dict[str, str]:
    """The labels of a repro process that has exited (its pid and start time)."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.5)"])
    started = process_started(child.pid)
    child.wait()
    return {"org.repro.pid": str(child.pid), "org.repro.host": socket.gethostname(),
            "org.repro.pid-started": f"{started:.2f}"}


def test_concurrent_sweeps_of_the_same_stale_containers(engine_ready, docker_client,
                                                        leftovers):
    labels = {"org.repro.managed": "true", "org.repro.image": f"{image_repo('stale')}:x",
              **_dead_owner()}
    made = [docker_client.containers.run(engine_ready, ["sleep", "300"], detach=True,
                                         labels=labels, network_mode="none")
            for _ in range(6)]
    alive = {"org.repro.managed": "true", "org.repro.image": f"{image_repo('alive')}:x",
             "org.repro.pid": str(os.getpid()), "org.repro.host": socket.gethostname(),
             "org.repro.pid-started": f"{process_started(os.getpid()):.2f}"}
    mine = docker_client.containers.run(engine_ready, ["sleep", "300"], detach=True,
                                        labels=alive, network_mode="none")
    try:
        # Each sweeper has its own connection, as separate repro processes would.
        with ThreadPoolExecutor(8) as pool:
            counts = list(pool.map(lambda _: DockerEngine().remove_stale(MANAGED), range(8)))
        assert sum(counts) >= len(made)  # each removed at least once, no sweep failed
        assert leftovers() == [mine.name]  # a live owner's container is never swept
    finally:
        mine.remove(force=True)
        for c in made:
            try:
                c.remove(force=True)
            except Exception:  # noqa: S112 - already removed by the sweep, as it should be
                continue
