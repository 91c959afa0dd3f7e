"""The local executor: each job a worker process on this machine (`python -m
runner.batch.worker`), its output in the job's `worker-N.log`, its result in a JSON file.

Workers die with the batch: each asks the kernel for SIGTERM when its parent goes
(PR_SET_PDEATHSIG), so a batch killed with -9 leaves `interrupted` records and no
container, and `--resume` never races a survivor.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from runner.batch.capacity import Capacity
from runner.batch.executor import JobRequest, JobResult
from runner.errors import ExitCode

PR_SET_PDEATHSIG = 1
STOP_GRACE_SECONDS = 60.0


def _die_with_parent() -> None:
    import ctypes

    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class _Running:
    job: JobRequest
    process: subprocess.Popen[bytes]
    result_file: Path
    log: Path


class LocalExecutor:
    kind = "local"
    assigns_gpus = True

    def __init__(self, capacity: Capacity) -> None:
        self._capacity = capacity
        self._running: dict[str, _Running] = {}

    def capacity(self) -> tuple[Capacity, Capacity]:
        return self._capacity, self._capacity

    def start(self, job: JobRequest) -> int | None:
        folder = job.batch_dir / job.name
        folder.mkdir(parents=True, exist_ok=True)
        result_file = folder / f".result-{job.attempt}.json"
        result_file.unlink(missing_ok=True)
        log = folder / f"worker-{job.attempt}.log"
        command = [sys.executable, "-m", "runner.batch.worker", "--spec", str(job.spec_path),
                   "--runs-dir", str(job.batch_dir), "--name", job.name,
                   "--result", str(result_file)]
        if job.gpu_ids:
            command += ["--gpu-ids", ",".join(map(str, job.gpu_ids))]
        if job.allow_no_gpu:
            command.append("--allow-no-gpu")
        with open(log, "wb") as sink:
            process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)
        self._running[job.name] = _Running(job, process, result_file, log)
        return process.pid

    def wait(self, timeout: float) -> list[JobResult]:
        deadline = time.monotonic() + timeout
        while True:
            done = [r for r in self._running.values() if r.process.poll() is not None]
            if done or time.monotonic() >= deadline or not self._running:
                break
            time.sleep(0.05)
        for r in done:
            del self._running[r.job.name]
        return [_result(r) for r in done]

    def stop(self) -> None:
        """SIGTERM every worker (the pipeline turns it into an `interrupted` record and
        removes its containers), then wait for them; SIGKILL after a grace period."""
        for r in self._running.values():
            with contextlib.suppress(ProcessLookupError):
                r.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for r in self._running.values():
            try:
                r.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                r.process.kill()
                r.process.wait()

    def close(self) -> None:
        self._running.clear()


def _result(r: _Running) -> JobResult:
    try:
        data = json.loads(r.result_file.read_text())
        r.result_file.unlink()
    except (OSError, ValueError):
        # The worker died before writing a result (killed, out of memory): infrastructure.
        code = r.process.returncode
        tail = _tail(r.log)
        return JobResult(r.job.name, int(ExitCode.INFRA), _newest_record(r.job),
                         f"the worker process ended with {code} before reporting"
                         + (f": {tail}" if tail else ""), gpu_ids=r.job.gpu_ids, lost=True)
    record = Path(data["record"]) if data.get("record") else None
    return JobResult(r.job.name, int(data["exit_code"]), record, data.get("reason"),
                     node=os.uname().nodename, gpu_ids=r.job.gpu_ids)


def _newest_record(job: JobRequest) -> Path | None:
    found = sorted((job.batch_dir / job.name).glob("*/record.json"))
    return found[-1] if found else None


def _tail(log: Path, lines: int = 3) -> str:
    try:
        text = log.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return " | ".join(text[-lines:])
