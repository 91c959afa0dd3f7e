"""Hostile steps on a real engine: a log flood, a memory-limit kill, the pids limit, a
timeout, a command that does not exist. Each is said plainly in the record and summary."""

from __future__ import annotations

import re

import pytest
from itest_support import invoke, last_record, output_of, write_spec

pytestmark = pytest.mark.docker

# One code folder and one spec name for every test here: one image, built once.
SHORT = "faults"

FLOOD = r"""
import sys
out = sys.stdout
for i in range(120_000):
    out.write(f"batch {i:06d} loss {i % 97 / 100:.2f} " + "x" * 100 + "\n")
    if i == 60_000:
        out.write("accuracy 0.967\nStandard error:\naccuracy 0.013\n")
for i in range(101):
    out.write(f"\r{i:3d}%|" + "#" * (i // 10))
out.write("\nfinal line\n")
"""


def _run(tmp_path, steps, **sections):
    runs = tmp_path / "runs"
    spec = write_spec(tmp_path, SHORT, steps, files={"flood.py": FLOOD}, **sections)
    result = invoke(["run", str(spec), "--quiet"], runs)
    record, folder = last_record(runs, SHORT)
    return result, record, folder


def test_a_log_flood_is_capped_and_metrics_still_see_every_line(engine_ready, tmp_path,
                                                                 leftovers):
    result, record, folder = _run(
        tmp_path, [{"name": "train", "run": "python3 flood.py"}],
        logs={"max": "256k"},
        metrics={"acc": {"regex": r"^accuracy ([0-9.]+)", "step": "train", "match": "first"},
                 "err": {"regex": r"^accuracy ([0-9.]+)", "step": "train", "match": 2}},
        claims=[{"metric": "acc", "value": 0.967, "tolerance": 0.001}])

    assert result.exit_code == 0, output_of(result)
    step = record["runs"][0]["steps"][0]
    assert step["log_bytes"] > 14_000_000
    assert step["log_bytes"] - step["log_dropped_bytes"] <= 256 * 1024
    log = (folder / step["log"]).read_text()
    assert log.startswith("batch 000000 ")
    assert log.rstrip().endswith("final line")
    assert f"[... {step['log_dropped_bytes']} bytes dropped ...]" in log
    assert "accuracy 0.967" not in log  # dropped from the stored log, yet matched live
    assert record["runs"][0]["metrics"] == {"acc": 0.967, "err": 0.013}
    assert record["claims"][0]["verdict"] == "reproduced"
    assert leftovers() == []


def test_the_live_view_is_rate_limited(engine_ready, tmp_path):
    runs = tmp_path / "runs"
    spec = write_spec(tmp_path, SHORT, [{"name": "train", "run": "python3 flood.py"}],
                      files={"flood.py": FLOOD})
    result = invoke(["run", str(spec)], runs)
    shown = [line for line in result.output.splitlines() if "train |" in line]
    assert result.exit_code == 0, output_of(result)
    assert len(shown) < 2000  # 120,000 lines printed
    assert any(re.search(r"\[\.\.\. \d+ lines not shown \.\.\.\]", line) for line in shown)


def test_a_step_killed_by_its_memory_limit_says_out_of_memory(engine_ready, tmp_path,
                                                               leftovers):
    grab = "python3 -c 'x = bytearray(400 << 20); print(len(x))'"
    result, record, _ = _run(tmp_path, [{"name": "train", "run": grab}],
                             resources={"memory": "128m"})
    assert result.exit_code == 3, output_of(result)
    step = record["runs"][0]["steps"][0]
    assert step["exit_code"] == 137
    assert step["diagnosis"] == "killed: out of memory (limit 128m)"
    assert step["limit_hit"] == {"kind": "memory", "limit": "128m"}
    assert "resources.memory" in step["hint"]
    assert record["reason"] == "step 'train' killed: out of memory (limit 128m)"
    assert record["summary"] == "failed: step 'train' killed: out of memory (limit 128m)"
    assert "killed: out of memory (limit 128m)" in output_of(result)
    assert leftovers() == []


def test_a_step_that_hits_the_pids_limit_says_so(engine_ready, tmp_path):
    threads = ("python3 -c 'import threading, time; "
               "[threading.Thread(target=time.sleep, args=(3,)).start() for _ in range(200)]'")
    result, record, _ = _run(tmp_path, [{"name": "train", "run": threads}],
                             resources={"pids": 32})
    assert result.exit_code == 3, output_of(result)
    step = record["runs"][0]["steps"][0]
    assert step["limit_hit"] == {"kind": "pids", "limit": "32"}
    assert record["reason"].startswith("step 'train' failed: hit the process limit (pids 32)")


def test_a_step_over_its_timeout_says_which_limit(engine_ready, tmp_path):
    result, record, _ = _run(tmp_path, [{"name": "train", "run": "sleep 60", "timeout": 2}])
    assert result.exit_code == 3, output_of(result)
    step = record["runs"][0]["steps"][0]
    assert step["timed_out"] and step["limit_hit"] == {"kind": "timeout", "limit": "2s"}
    assert record["reason"] == "step 'train' timed out after 2s (its timeout)"


def test_python_missing_where_python3_exists_suggests_the_fix(engine_ready, tmp_path):
    result, record, _ = _run(tmp_path, [{"name": "train", "run": "python -c 'print(1)'"}])
    assert result.exit_code == 3, output_of(result)
    step = record["runs"][0]["steps"][0]
    assert step["exit_code"] == 127
    assert record["reason"] == "step 'train' failed: command not found: python (exit code 127)"
    assert "python3" in step["hint"] and "environment.python" in step["hint"]
    assert "hint " in output_of(result) and "write `python3` in the step" in output_of(result)
