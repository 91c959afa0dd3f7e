"""A batch killed with -9 and resumed: finished jobs untouched, unfinished ones run again,
nothing run twice, no container left; and a second batch over the same OUT is refused
(exit 4, naming the running one) while the first lives."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from itest_support import AUC_METRICS, invoke, output_of, spec_name, write_spec

pytestmark = pytest.mark.docker

CLAIMS = [{"metric": "auc", "value": 0.91, "tolerance": 0.01}]
SLOW = {"name": "train", "run": "echo sleeping; sleep $(cat delay.txt); echo 'AUC: 0.91'"}


def _spec(reg: Path, short: str, timeout: str, delay: str = "0") -> None:
    write_spec(reg, short, [SLOW], files={"delay.txt": delay}, metrics=AUC_METRICS,
               claims=CLAIMS, resources={"timeout": timeout, "cpus": 0.5})
    # Half a CPU each: two jobs fit side by side even on a one-core CI runner.


def _journal(batch: Path) -> dict[str, Any]:
    return json.loads((batch / "batch.json").read_text())


def _jobs(batch: Path) -> dict[str, dict[str, Any]]:
    return {j["name"]: j for j in _journal(batch)["jobs"]}


def _step_started(batch: Path, name: str) -> bool:
    return any("sleeping" in log.read_text()
               for log in (batch / name).glob("*/seed-0/train.log"))


def _wait_for(check, what: str, seconds: float = 300,  # type: ignore[no-untyped-def]
              batch: Path | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    state = json.dumps(_jobs(batch), indent=1) if batch is not None else ""
    raise AssertionError(f"timed out waiting for {what}\n{state}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat").read_text().split()[2] if Path(f"/proc/{pid}").exists() \
        else "X"
    return state != "Z"


def test_kill_9_then_resume(engine_ready, tmp_path, leftovers):
    reg, out = tmp_path / "reg", tmp_path / "out"
    # Longest first: long-1 and short start on the 2 slots, then long-2; tail stays queued.
    _spec(reg, "long-1", "10m", delay="120")
    _spec(reg, "short", "5m")
    _spec(reg, "long-2", "2m", delay="120")
    _spec(reg, "tail", "1m")
    long1, short, long2, tail = (spec_name(s) for s in ("long-1", "short", "long-2", "tail"))
    proc = subprocess.Popen([sys.executable, "-m", "runner", "batch", str(reg), "--out",
                             str(out), "--slots", "2"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=dict(os.environ))
    try:
        _wait_for(lambda: list(out.glob("*/batch.json")), "the journal")
        [batch] = [p.parent for p in out.glob("*/batch.json")]
        _wait_for(lambda: _step_started(batch, long1) and _step_started(batch, long2),
                  "both long steps to start", batch=batch)
        before = _jobs(batch)
        assert before[short]["state"] == "done" and before[tail]["state"] == "queued"
        assert before[long1]["state"] == before[long2]["state"] == "running"

        second = invoke(["batch", str(reg), "--out", str(out)])
        assert second.exit_code == 4
        assert f"another batch is running in {out}: batch {batch.name} (pid {proc.pid}" \
            in output_of(second)

        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    # Its workers die with it (SIGTERM from the kernel): interrupted records, no container.
    workers = [before[n]["pid"] for n in (long1, long2)]
    _wait_for(lambda: not any(_alive(pid) for pid in workers), "the workers to stop", 60)
    assert leftovers() == []
    short_record = batch / before[short]["record"]
    short_bytes = short_record.read_bytes()
    for name in (long1, long2):
        [interrupted] = (batch / name).glob("*/record.json")
        assert json.loads(interrupted.read_text())["status"] == "interrupted"
    for name in (long1, long2):
        (reg / f"code-{name.removeprefix(spec_name(''))}" / "delay.txt").write_text("0")

    result = invoke(["batch", "--resume", str(batch)])

    assert result.exit_code == 0, output_of(result)
    after = _jobs(batch)
    assert after[short] == before[short]  # untouched: same record, times, verdict
    assert short_record.read_bytes() == short_bytes
    for name in (long1, long2, tail):
        job = after[name]
        assert (job["state"], job["verdict"], job["exit_code"]) == ("done", "reproduced", 0)
    for name in (long1, long2):
        assert after[name]["attempts"] == 2 and len(after[name]["earlier"]) == 1
        earlier = json.loads((batch / after[name]["earlier"][0]).read_text())
        assert earlier["status"] == "interrupted"
    assert after[tail]["attempts"] == 1 and after[tail]["earlier"] == []
    for name in (long1, short, long2, tail):  # nothing finished twice
        statuses = [json.loads(p.read_text())["status"]
                    for p in (batch / name).glob("*/record.json")]
        assert statuses.count("completed") == 1, (name, statuses)
    journal = _journal(batch)
    assert journal["state"] == "finished" and len(journal["resumed"]) == 1
    assert leftovers() == []


def test_sigterm_stops_the_batch_cleanly(engine_ready, tmp_path, leftovers):
    """A scheduler's SIGTERM: workers stopped (interrupted records, no container), the
    journal says interrupted with the running job abandoned, exit 130; resume finishes."""
    reg, out = tmp_path / "reg", tmp_path / "out"
    _spec(reg, "stopped", "1m", delay="120")
    name = spec_name("stopped")
    proc = subprocess.Popen([sys.executable, "-m", "runner", "batch", str(reg), "--out",
                             str(out)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=dict(os.environ))
    try:
        _wait_for(lambda: list(out.glob("*/batch.json")), "the journal")
        [batch] = [p.parent for p in out.glob("*/batch.json")]
        _wait_for(lambda: _step_started(batch, name), "the step to start")
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, output
    assert "interrupted" in output
    journal = _journal(batch)
    assert journal["state"] == "interrupted"
    [job] = journal["jobs"]
    assert job["state"] == "abandoned" and job["exit_code"] == 130
    assert json.loads((batch / job["record"]).read_text())["status"] == "interrupted"
    assert leftovers() == []
