"""One job's steps in its container: logs, step records, outputs copied out."""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runner.core.gpu import GpuIds, container_env
from runner.core.lograte import LiveLines
from runner.core.logscan import LogScanner, MatchTally
from runner.core.masking import mask_env, scrub, scrubber
from runner.core.plan import Plan, StepPlan
from runner.core.sandbox import SANDBOX_USER
from runner.core.schedule import SeedRun
from runner.core.stepfail import StepFailure, diagnose, missing_command, timed_out
from runner.edges.engine import (
    ContainerEngine,
    ContainerRequest,
    ExecResult,
    Mount,
    StepForensics,
)
from runner.errors import EngineLost
from runner.record.liveness import this_process
from runner.record.logcap import CappedLog, LogStats
from runner.spec.models import RegexMetric, Spec

Display = Callable[[str], None]
TAIL_LINES = 20


@dataclass
class SeedResult:
    seed: int
    label: str
    status: str = "running"  # ok | step_failed | timeout | error
    steps: list[dict[str, Any]] = field(default_factory=list)
    # Per step that ran: each metric's matches in its output (never the whole log).
    scans: dict[str, dict[str, MatchTally]] = field(default_factory=dict)
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
    show(f"[{job.label}] step {step.name}: {step.command}")
    stream = StepStream(plan.spec, step, folder, show, scrubber(secrets, _secret_values(step)))
    env = {**step.env, **{name: os.environ[name] for name in step.secrets
                          if name in os.environ}}
    try:
        outcome = engine.exec(container, ["/bin/sh", "-c", step.command], env, stream.sink,
                              timeout)
    except EngineLost as exc:
        raise exc.during(f"{job.label}, step {step.name!r}") from None
    finally:
        stats = stream.close()
    result.scans[step.name] = stream.scanner.tallies
    failure = _failure(plan, engine, container, step, outcome, timeout, list(stream.last))
    result.steps.append({
        "name": step.name, "command": scrub(step.command, secrets, _secret_values(step)),
        "env": mask_env(step.env), "secrets": list(step.secrets),
        "exit_code": outcome.exit_code,
        "duration_seconds": round(outcome.duration, 3), "timed_out": outcome.timed_out,
        "timeout_seconds": timeout, "network": step.network, "optional": step.optional,
        "log": f"{job.label}/{step.name}.log", "log_bytes": stats.bytes,
        "log_dropped_bytes": stats.dropped, **_failure_fields(failure),
    })
    if failure is None:
        return True
    if step.optional and not outcome.timed_out:
        show(f"[{job.label}] optional step {step.name} {failure.diagnosis}; going on")
        return True
    result.status = "timeout" if outcome.timed_out else "step_failed"
    result.reason = failure.reason(step.name)
    show(f"[{job.label}] step {step.name} {failure.diagnosis}"
         + (f"\n  hint: {failure.hint}" if failure.hint else ""))
    return False


def _failure(plan: Plan, engine: ContainerEngine, container: str, step: StepPlan,
             outcome: ExecResult, timeout: float | None, last: list[str]) -> StepFailure | None:
    """Why the step failed (None: it did not), asking the engine what it knows."""
    if outcome.timed_out:
        assert timeout is not None
        return timed_out(timeout, run_budget=step.timeout is None or timeout < step.timeout)
    if outcome.exit_code == 0:
        return None
    limits, python3 = None, False
    if isinstance(engine, StepForensics):
        limits = engine.step_limits(container)
        if outcome.exit_code == 127 and missing_command(last) == "python":
            python3 = engine.has_command(container, "python3")
    res = plan.spec.resources
    return diagnose(outcome.exit_code, limits, res.memory, res.pids, last, python3)


def _failure_fields(failure: StepFailure | None) -> dict[str, Any]:
    if failure is None:
        return {}
    hit = ({"kind": failure.limit_kind, "limit": failure.limit or "none"}
           if failure.limit_kind else None)
    return {"limit_hit": hit, "diagnosis": failure.diagnosis, "hint": failure.hint}


class StepStream:
    """Where a step's output goes, line by line: scrubbed of secrets, matched against the
    metrics that read this step, written to its capped log, and shown rate-limited.
    Nothing grows with the output but the log's bounded tail."""

    def __init__(self, spec: Spec, step: StepPlan, folder: Path, show: Display,
                 scrub_line: Callable[[str], str]) -> None:
        self.name, self.show, self.scrub_line = step.name, show, scrub_line
        self.scanner = LogScanner(step_metrics(spec, step.name))
        self.log = CappedLog(folder / f"{step.name}.log", spec.logs.max)
        self.live = LiveLines()
        self.last: deque[str] = deque(maxlen=TAIL_LINES)  # for diagnosing a failure

    def sink(self, line: str) -> None:
        clean = self.scrub_line(line)
        self.scanner.feed(clean)
        self.log.write_line(clean)
        self.last.append(clean)
        for shown in self.live.feed(clean):
            self.show(f"  {self.name} | {shown}")

    def close(self) -> LogStats:
        for shown in self.live.flush():
            self.show(f"  {self.name} | {shown}")
        return self.log.close()


def step_metrics(spec: Spec, step: str) -> dict[str, RegexMetric]:
    """The regex metrics that read `step`'s output, and `run:` baselines' (`baseline:NAME`)."""
    found = {name: m for name, m in spec.metrics.items()
             if isinstance(m, RegexMetric) and m.step == step}
    for base in spec.audits.baseline if spec.audits else []:
        if base.run is not None and base.metric_regex is not None \
                and step == f"baseline-{base.name}":
            found[f"baseline:{base.name}"] = RegexMetric(regex=base.metric_regex, step=step)
    return found


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
