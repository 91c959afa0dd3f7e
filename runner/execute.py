"""One seed: a fresh sandboxed container, the steps in order, logs, outputs copied out.

`Containers` gives each job its own container and removes it afterwards: after success, a
failed step, a timeout, an engine error, and Ctrl-C alike.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runner.engine import ContainerEngine, ContainerRequest, Mount
from runner.masking import mask_env, scrub
from runner.plan import Plan, StepPlan
from runner.render import SANDBOX_UID

Display = Callable[[str], None]


@dataclass
class SeedRun:
    """What one pass over the steps needs beyond the plan."""

    seed: int
    label: str  # folder name: "seed-0", "variant-x/seed-0", "fraction-0.1/seed-0", ...
    fraction: float | None = None
    deadline: float | None = None  # monotonic time when the whole run's budget ends
    fingerprint: bool = False
    baselines: bool = False


@dataclass
class SeedResult:
    seed: int
    label: str
    status: str = "running"  # ok | step_failed | timeout | error
    steps: list[dict[str, Any]] = field(default_factory=list)
    logs: dict[str, str] = field(default_factory=dict)
    outputs: Path | None = None
    container_fingerprint: dict[str, Any] | None = None
    reason: str | None = None


def container_request(plan: Plan, image: str, name: str, mounts: list[Mount],
                      labels: dict[str, str]) -> ContainerRequest:
    res = plan.spec.resources
    needs_network = any(s.network for s in plan.spec.steps)
    gpu_env = {}
    if res.gpu_count:
        ids = ",".join(map(str, res.gpus)) if isinstance(res.gpus, list) else "all"
        gpu_env = {"NVIDIA_VISIBLE_DEVICES": ids, "NVIDIA_DRIVER_CAPABILITIES": "compute,utility"}
    return ContainerRequest(
        image=image, name=name, user=f"{SANDBOX_UID}:{SANDBOX_UID}",
        workdir=plan.spec.environment.workdir,
        labels={**labels, "org.repro.pid": str(os.getpid()),
                "org.repro.host": socket.gethostname()},
        env=gpu_env, mounts=mounts, network=needs_network, cpus=res.cpus, memory=res.memory,
        shm=res.shm, pids=res.pids, gpus=res.gpus if res.gpu_count else 0,
    )


class Containers:
    """One fresh container per job, started a job ahead and removed in the background.

    Creating and starting a sandboxed container costs the engine about 0.4 s and removing
    it about 0.2 s; the paper's steps need none of that time. Starting job i+1's container
    while job i's steps run, and removing finished containers meanwhile, takes it off the
    run's critical path; so does copying a finished job's outputs out, done just before
    its removal. Isolation is unchanged: every job still gets a container of its own,
    created from the image and never reused. `close` (also on a failure or Ctrl-C)
    waits for every pending start and removal and removes what was started but not used,
    so nothing is left behind.
    """

    def __init__(self, engine: ContainerEngine, requests: list[ContainerRequest]) -> None:
        self._engine = engine
        self._requests = requests
        # Two workers: one start ahead and one removal behind can overlap each other.
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="repro-container")
        self._taken = 0  # jobs are taken in order: the next one is requests[_taken]
        self._ahead: Future[str] | None = None  # the start of requests[_taken], if begun
        self._removals: list[Future[None]] = []

    def __enter__(self) -> Containers:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        # While an error or Ctrl-C is on its way out, a failed removal must not replace it.
        self.close(raise_errors=kind is None)

    def take(self) -> str:
        """The next job's started container; begins starting the one after it."""
        index = self._taken
        # `_ahead` is cleared only once its container is in hand: a Ctrl-C while waiting
        # for it leaves it to `close`, which removes it.
        if self._ahead is not None:
            container = self._ahead.result()
        else:
            container = self._engine.start(self._requests[index])
        self._ahead = None
        self._taken += 1
        if self._taken < len(self._requests):
            self._ahead = self._pool.submit(self._engine.start, self._requests[self._taken])
        return container

    def release(self, container: str, before: Callable[[], object] | None = None) -> None:
        """Remove `container` in the background, after `before` (copying its outputs out)."""
        self._removals.append(self._pool.submit(self._finish, container, before))

    def _finish(self, container: str, before: Callable[[], object] | None) -> None:
        try:
            if before is not None:
                before()
        finally:
            self._engine.remove(container)

    def close(self, raise_errors: bool = True) -> None:
        """Wait for the engine's pending work; remove containers started for jobs not run."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None and ahead.exception() is None:  # a failed start left nothing
            self._removals.append(self._pool.submit(self._engine.remove, ahead.result()))
        errors = [f.exception() for f in self._removals]
        self._removals.clear()
        self._pool.shutdown(wait=True)
        failed = [e for e in errors if e is not None]
        if failed and raise_errors:
            raise failed[0]


def run_seed(
    plan: Plan, engine: ContainerEngine, container: str, image: str, job: SeedRun,
    folder: Path, show: Display, secrets: dict[str, str],
) -> SeedResult:
    """The job's steps in `container`.

    `Containers` started the container and removes it; the caller copies the outputs out
    (`copy_outputs`) on the way, off the critical path of the next job.
    """
    result = SeedResult(job.seed, job.label)
    folder.mkdir(parents=True, exist_ok=True)
    if job.fingerprint:
        from runner.fingerprint import cached_container_fingerprint

        result.container_fingerprint = cached_container_fingerprint(
            engine, container, image, plan.spec.environment.python)
    for step in plan.steps_for(job.seed, job.fraction, job.baselines):
        if not _run_step(plan, engine, container, step, job, folder, result, show, secrets):
            break
    else:
        result.status = "ok"
    return result


def _run_step(
    plan: Plan, engine: ContainerEngine, container: str, step: StepPlan, job: SeedRun,
    folder: Path, result: SeedResult, show: Display, secrets: dict[str, str],
) -> bool:
    timeout = _budget(step.timeout, job.deadline)
    if timeout is not None and timeout <= 0:
        result.status, result.reason = "timeout", "the run's time budget was spent"
        return False
    if any(s.network for s in plan.spec.steps):
        engine.set_network(container, step.network)
    log_path = folder / f"{step.name}.log"
    lines: list[str] = []
    show(f"[{job.label}] step {step.name}: {step.command}")
    with open(log_path, "w", encoding="utf-8") as log:
        def sink(line: str) -> None:
            clean = scrub(line, secrets, _secret_values(step))
            lines.append(clean)
            log.write(clean + "\n")
            log.flush()
            show(f"  {step.name} | {clean}")

        env = {**step.env, **{name: os.environ[name] for name in step.secrets
                              if name in os.environ}}
        outcome = engine.exec(container, ["/bin/sh", "-c", step.command], env, sink, timeout)
    result.logs[step.name] = "\n".join(lines)
    result.steps.append({
        "name": step.name, "command": scrub(step.command, secrets, _secret_values(step)),
        "env": mask_env(step.env), "secrets": list(step.secrets),
        "exit_code": outcome.exit_code,
        "duration_seconds": round(outcome.duration, 3), "timed_out": outcome.timed_out,
        "timeout_seconds": timeout, "network": step.network, "optional": step.optional,
        "log": f"{job.label}/{step.name}.log",
    })
    if outcome.timed_out:
        result.status = "timeout"
        result.reason = f"step {step.name!r} overran its timeout of {timeout:g}s"
        return False
    if outcome.exit_code != 0 and step.optional:
        show(f"[{job.label}] optional step {step.name} exited {outcome.exit_code}; going on")
        return True
    if outcome.exit_code != 0:
        result.status = "step_failed"
        result.reason = f"step {step.name!r} exited with code {outcome.exit_code}"
        return False
    return True


def _secret_values(step: StepPlan) -> list[str]:
    return [os.environ[name] for name in step.secrets if name in os.environ]


def _budget(step_timeout: float | None, deadline: float | None) -> float | None:
    remaining = None if deadline is None else deadline - time.monotonic()
    if step_timeout is None:
        return remaining
    return step_timeout if remaining is None else min(step_timeout, remaining)


def output_paths(plan: Plan) -> list[str]:
    """Files the judge and the audits read, plus declared artifacts, relative to the workdir."""
    spec = plan.spec
    paths = {m.file for m in spec.metrics.values() if hasattr(m, "file")}
    paths.update(spec.artifacts)
    if spec.audits is not None:
        from runner.audit_run import audit_output_paths

        paths.update(audit_output_paths(spec.audits))
    return sorted(paths)


def copy_outputs(plan: Plan, engine: ContainerEngine, container: str, outputs: Path) -> None:
    workdir = plan.spec.environment.workdir
    for rel in output_paths(plan):
        engine.copy_out(container, f"{workdir}/{rel}", outputs / Path(rel).parent)
