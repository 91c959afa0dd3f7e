"""Run records made in code, valid against the typed model, for history and report tests.

`make_record` gives a finished run of a tiny spec with claims, a fingerprint and a pip
freeze; `write_run` puts it in a run folder with its logs, as `repro run` would.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from runner.core.stats import summarize
from runner.record.model import RunRecord

DAY0 = datetime(2025, 3, 1, 3, 0, tzinfo=UTC)
PIP = ["numpy==1.26.4", "pip==23.0.1", "six==1.16.0"]


def _claim(metric: str, values: list[float], claimed: float, tolerance: float,
           verdict: str) -> dict[str, Any]:
    s = summarize(values)
    return {"metric": metric, "claimed": claimed, "tolerance": tolerance,
            "tolerance_as_written": tolerance, "higher_is_better": True, "values": values,
            "missing": [], "verdict": verdict, "explanation": f"{metric}: {verdict}",
            "single_run": s.n == 1, "n": s.n, "mean": s.mean, "std": s.std,
            "ci_low": s.ci_low, "ci_high": s.ci_high, "confidence": 0.95,
            "difference": s.mean - claimed}


def make_record(spec: str = "tiny", day: int = 0, *, values: list[float] | None = None,
                claimed: float = 0.9, tolerance: float = 0.01, verdict: str = "reproduced",
                status: str = "completed", pip: list[str] | None = None,
                duration: float = 30.0, commit: str = "a" * 40, kernel: str = "6.1.0-18",
                extra_metric: list[float] | None = None,
                findings: list[dict[str, Any]] | None = None,
                run_id: str | None = None) -> dict[str, Any]:
    """A finished run of `spec`, `day` days after DAY0, with an `auc` claim."""
    started = DAY0 + timedelta(days=day)
    values = values if values is not None else [0.90, 0.905, 0.895]
    rid = run_id or f"{started:%Y%m%dT%H%M%SZ}-{hashlib.sha256(spec.encode()).hexdigest()[:6]}"
    runs = [{"label": f"seed-{i}", "seed": i, "status": "ok",
             "metrics": {"auc": v, **({"loss": extra_metric[i]} if extra_metric else {})},
             "steps": [{"name": "train", "command": "python train.py", "env": {},
                        "exit_code": 0, "duration_seconds": duration / len(values),
                        "timed_out": False, "timeout_seconds": None, "network": False,
                        "log": f"seed-{i}/train.log"}]}
            for i, v in enumerate(values)]
    data: dict[str, Any] = {
        "run_id": rid, "status": status, "started": started.isoformat(),
        "runner_version": "0.1.0",
        "spec": {"name": spec, "path": f"/specs/{spec}.yaml", "sha256": "5" * 64},
        "paper": {"title": f"A tiny paper called {spec}", "year": 2024},
        "options": {}, "seeds": list(range(len(values))),
        "fingerprint": {
            "host": {"hostname": "lab-node-1", "cpu": {"model": "AMD EPYC", "logical": 2},
                     "memory_bytes": 25 << 30, "os": "Debian GNU/Linux 12 (bookworm)",
                     "kernel": kernel, "engine": {"name": "docker", "version": "20.10.24"},
                     "gpus": {"unavailable": "NVML could not start"}},
            "container": {"python": "Python 3.11.2", "pip_freeze": pip or PIP,
                          "cuda_libraries": [], "cuda_version": None, "cudnn_version": None,
                          "os": "Debian GNU/Linux 12 (bookworm)"}},
        "source": {"kind": "git", "location": "https://example.invalid/tiny.git",
                   "commit": commit, "pinned": True},
        "data": [{"name": "table", "mount": "/work/data", "sha256": "7" * 64,
                  "manual": False, "source": "/cache/table"}],
        "image": _image(spec, pip or PIP),
        "runs": runs, "findings": findings or [],
        "claims": [_claim("auc", values, claimed, tolerance, verdict)] if values else [],
        "verdict": None if status != "completed" else (
            "reproduced" if verdict in ("reproduced", "exceeded") else "not_reproduced"),
        "exit_code": 0 if verdict in ("reproduced", "exceeded") else 1,
        "finished": (started + timedelta(seconds=duration)).isoformat(),
        "duration_seconds": duration,
    }
    RunRecord.model_validate(data)  # a factory that makes invalid records would test nothing
    return data


def _image(spec: str, pip: list[str]) -> dict[str, Any]:
    digest = hashlib.sha256("\n".join(pip).encode()).hexdigest()
    return {"tag": f"repro/{spec}:{digest[:16]}", "id": f"sha256:{digest}", "reused": False,
            "reason": "no image with this content hash yet", "seconds": 12.5,
            "base_reference": "repro/debian-python:bookworm", "base_digest": "sha256:" + "1" * 64,
            "base_pinned": False, "cache_key": digest, "labels": {},
            "dockerfile": "Dockerfile", "build_log": "build.log"}


def curve_finding(metric: str = "auc") -> dict[str, Any]:
    fractions = {"0.01": {"mean": 0.7, "values": [0.69, 0.71]},
                 "0.1": {"mean": 0.86, "values": [0.85, 0.87]},
                 "1.0": {"mean": 0.9, "values": [0.9, 0.9]}}
    return {"audit": "learning_curve", "severity": "info",
            "statement": f"0.1 of the data reaches 95% of the full-data {metric}",
            "evidence": {"metric": metric, "fractions": fractions, "full_fraction": 1.0,
                         "full_mean": 0.9, "target": 0.855,
                         "smallest_fraction_reaching_target": 0.1,
                         "plot": "learning_curve.svg"}}


def write_run(runs_dir: Path, data: dict[str, Any]) -> Path:
    """The record in `runs_dir/SPEC/RUN_ID/` with a build log and one log per seed."""
    folder = runs_dir / data["spec"]["name"] / data["run_id"]
    folder.mkdir(parents=True, exist_ok=True)
    record = RunRecord.model_validate(data).to_json_data()
    (folder / "record.json").write_text(json.dumps(record, indent=2))
    (folder / "build.log").write_text("Step 1/4 : FROM repro/debian-python:bookworm\n")
    for run in data["runs"]:
        for step in run["steps"]:
            log = folder / step["log"]
            log.parent.mkdir(parents=True, exist_ok=True)
            log.write_text(f"AUC: {run['metrics']['auc']}\n")
    return folder
