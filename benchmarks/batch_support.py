"""Shared by the batch benchmarks: tiny sleep papers in a registry, and running repro."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

TOKEN = secrets.token_hex(3)
HOST_CA = Path("/etc/ssl/certs/ca-certificates.crt")


def sleep_spec(reg: Path, name: str, seconds: float) -> Path:
    """A paper whose one step sleeps `seconds` and prints a metric its claim matches. Its
    `resources.timeout` (30 s + 3x the sleep) is the only duration hint a first batch has."""
    code = reg / "code"
    code.mkdir(parents=True, exist_ok=True)
    (code / "README.md").write_text("a sleeping paper\n")
    spec = {"version": 1, "name": name, "paper": {"title": f"sleeps {seconds:g}s"},
            "repo": {"path": "code"}, "environment": {"base": "repro/debian-python:bookworm"},
            "resources": {"cpus": 1, "timeout": 30 + 3 * seconds}, "seeds": [0],
            "steps": [{"name": "train", "run": f"sleep {seconds:g}; echo 'AUC: 0.91'"}],
            "metrics": {"auc": {"regex": "AUC: ([0-9.]+)", "step": "train"}},
            "claims": [{"metric": "auc", "value": 0.91, "tolerance": 0.01}]}
    path = reg / f"{name}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def environment(scratch: Path) -> dict[str, str]:
    env = {**os.environ, "DO_NOT_TRACK": "1", "RAY_USAGE_STATS_ENABLED": "0",
           "REPRO_CACHE": str(scratch / "cache"), "REPRO_HISTORY": str(scratch / "h.sqlite")}
    if HOST_CA.exists():
        env.setdefault("REPRO_TRUST_CA", str(HOST_CA))
    return env


def repro(args: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Wall seconds, exit code and output of `python -m runner ARGS`."""
    began = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "runner", *args], env=env, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return time.monotonic() - began, done.returncode, done.stdout


def newest_journal(out: Path) -> dict[str, Any]:
    path = max(out.glob("*/batch.json"), key=lambda p: p.stat().st_mtime)
    return json.loads(path.read_text())


def remove_images(prefix: str) -> None:
    """Remove the images this benchmark built (tags repro/<prefix>...), nothing else."""
    found = subprocess.run(["docker", "images", "--format", "{{.Repository}}:{{.Tag}}"],
                           capture_output=True, text=True).stdout.split()
    ours = [t for t in found if t.startswith(f"repro/{prefix}")]
    if ours:
        subprocess.run(["docker", "rmi", "-f", *ours], capture_output=True)
