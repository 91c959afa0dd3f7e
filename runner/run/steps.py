"""One job's steps in its container: logs, step records, outputs copied out."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runner.core.gpu import GpuIds, container_env
from runner.core.masking import mask_env, scrub
from runner.core.plan import Plan, StepPlan
from runner.core.sandbox import SANDBOX_USER
from runner.core.schedule import SeedRun
from runner.edges.engine import ContainerEngine, ContainerRequest, Mount
from runner.record.liveness import this_process

Display = Callable[[str], None]


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


def owner_labels() -> dict[str, str]:
    """Who owns a container: the stale sweep removes it once this process is dead."""
    me = this_process()
    return {"org.repro.pid": str(me.pid), "org.repro.host": me.host,
            "org.repro.pid-started": "" if me.started is None else f"{me.started:.2f}"}


def container_request(plan: Plan, image: str, name: str, mounts: list[Mount],
                      labels: dict[str, str], gpus: GpuIds) -> ContainerRequest:
    """The sandboxed container of one job; `gpus` is what the GPU decision granted."""
    res = plan.spec.resources
    needs_network = any(s.network for s in plan.spec.steps)
    return ContainerRequest(
        image=image, name=name, user=SANDBOX_USER, workdir=plan.spec.environment.workdir,
        labels={**labels, **owner_labels()},
        env=container_env(gpus), mounts=mounts, network=needs_network, cpus=res.cpus,
        memory=res.memory, shm=res.shm, pids=res.pids, gpus=gpus,
    )


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
        from runner.edges.fingerprint import cached_container_fingerprint

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
        paths.update(spec.audits.output_paths())
    return sorted(paths)


def copy_outputs(plan: Plan, engine: ContainerEngine, container: str, outputs: Path) -> None:
    workdir = plan.spec.environment.workdir
    for rel in output_paths(plan):
        engine.copy_out(container, f"{workdir}/{rel}", outputs / Path(rel).parent)
