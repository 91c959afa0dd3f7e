"""Ctrl-C and SIGTERM during a step: exit 130, an `interrupted` record, no container left."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from itest_support import MANAGED, image_repo, records, write_spec

pytestmark = pytest.mark.docker

CLI = "from runner.cli import main; main()"


def _running_step_container(docker_client, short: str) -> list[object]:
    found = docker_client.containers.list(filters={"label": MANAGED, "status": "running"})
    return [c for c in found if c.labels.get("org.repro.image", "").startswith(image_repo(short))]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_during_a_step(engine_ready, tmp_path, docker_client, leftovers, signum):
    runs = tmp_path / "runs"
    steps = [{"name": "train", "run": "echo sleeping; sleep 60; echo woke"},
             {"name": "evaluate", "run": "echo should-not-run"}]
    spec = write_spec(tmp_path, "interrupt", steps)
    proc = subprocess.Popen(
        [sys.executable, "-c", CLI, "run", str(spec), "--runs-dir", str(runs), "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=dict(os.environ),
    )
    try:
        deadline = time.monotonic() + 120
        log = None
        while time.monotonic() < deadline and proc.poll() is None:
            found = records(runs, "interrupt")
            log = found[-1].parent / "seed-0/train.log" if found else None
            if (_running_step_container(docker_client, "interrupt") and log is not None
                    and log.exists() and "sleeping" in log.read_text()):
                break
            time.sleep(0.2)
        assert proc.poll() is None, f"repro ended early:\n{proc.communicate()[0]}"
        assert log is not None and "sleeping" in log.read_text(), "the step never started"

        sent = time.monotonic()
        proc.send_signal(signum)
        output, _ = proc.communicate(timeout=45)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()

    assert proc.returncode == 130, output
    assert took < 30, f"repro took {took:.1f}s to stop"
    assert "interrupted" in output
    record = json.loads(records(runs, "interrupt")[-1].read_text())
    assert record["status"] == "interrupted"
    assert record["exit_code"] == 130
    assert "interrupted" in record["reason"]
    assert record["finished"]
    assert "woke" not in log.read_text()
    assert not (log.parent / "evaluate.log").exists()
    assert _running_step_container(docker_client, "interrupt") == []
    assert leftovers() == []
