"""The run's jobs in their containers: one fresh sandboxed container per job, in order.

A failed main seed stops the run; a failed extra job (variant, probe, learning-curve
fraction) is recorded and the run goes on.
"""

from __future__ import annotations

import functools
import os
import threading
import time

from runner.core.masking import mask_env
from runner.core.plan import Plan
from runner.core.sandbox import SandboxPolicy
from runner.core.schedule import Job, schedule
from runner.edges.engine import ContainerRequest, Mount
from runner.record.model import RunEntry
from runner.run.containers import Containers
from runner.run.context import RunContext
from runner.run.image_build import BuiltImage
from runner.run.steps import SeedResult, container_request, copy_outputs, run_seed


def execute_jobs(ctx: RunContext, plan: Plan, built: BuiltImage, mounts: list[Mount],
                 ) -> tuple[list[SeedResult], list[Job]]:
    spec, recorder, observer, engine = plan.spec, ctx.recorder, ctx.observer, ctx.need_engine()
    timeout = spec.resources.timeout
    deadline = time.monotonic() + timeout if timeout else None
    jobs = schedule(plan, ctx.options.variants, ctx.options.repeat_seed, deadline)
    threading.Thread(target=_prewarm, args=(spec.audits is not None,), daemon=True).start()
    observer.set_total(len(jobs))
    results: list[SeedResult] = []
    secrets = _scrub_values(plan)
    recorder.update(environment={
        "determinism": spec.determinism_settings.mode,
        "set": mask_env(plan.steps_for(spec.seeds[0])[0].env),
        "spec_env": mask_env(spec.environment.env),
        "sandbox": SandboxPolicy(pids_limit=spec.resources.pids).record(),
    })
    assert ctx.gpu is not None
    requests = [_request(job, built, mounts, ctx.run_id, ctx.gpu.granted) for job in jobs]
    with Containers(engine, requests) as containers:
        for job in jobs:
            observer.step(f"{job.run.label}")
            container = containers.take()
            folder = recorder.folder / job.run.label
            try:
                result = run_seed(job.plan, engine, container, built.id, job.run, folder,
                                  observer.log, secrets)
            except BaseException:
                containers.release(container)
                raise
            # The outputs are copied out while the next job runs; the judge reads them
            # only after `Containers` has finished every copy and removal.
            result.outputs = folder / "outputs"
            containers.release(container, functools.partial(
                copy_outputs, job.plan, engine, container, result.outputs))
            if result.container_fingerprint is not None:
                recorder.record.fingerprint["container"] = result.container_fingerprint
            results.append(result)
            recorder.update(runs=[_result_record(r, j)
                                  for r, j in zip(results, jobs, strict=False)])
            observer.advance()
            if result.status != "ok" and job.required:
                break
    return results, jobs


def _scrub_values(plan: Plan) -> dict[str, str]:
    """Values to scrub from logs: the host's secret-named variables, and the spec's own
    (a step's `env: {WANDB_API_KEY: ...}` is masked in the record, so in its log too)."""
    spec = plan.spec
    return {**dict(os.environ), **spec.environment.env,
            **{k: v for step in spec.steps for k, v in step.env.items()},
            **{k: v for variant in spec.variants.values() for k, v in variant.env.items()}}


def _request(job: Job, built: BuiltImage, mounts: list[Mount], run_id: str,
             gpus: int | list[int]) -> ContainerRequest:
    labels = {**built_labels(built), "org.repro.run": run_id}
    return container_request(job.plan, built.id,
                             f"repro-{run_id}-{job.run.label.replace('/', '-')}",
                             mounts, labels, gpus)


def built_labels(built: BuiltImage) -> dict[str, str]:
    return {"org.repro.managed": "true", "org.repro.image": built.tag}


def _prewarm(audits: bool) -> None:
    """Import the judging code (scipy, scikit-learn) while the containers run.

    The imports take a second or more; the main thread mostly waits on the engine's socket
    meanwhile, so doing them now takes them off the run's critical path.
    """
    import importlib

    modules = ["runner.run.judge"] + (["runner.run.audits_in_run", "runner.audits.baseline",
                                       "runner.audits.balance"] if audits else [])
    for name in modules:
        importlib.import_module(name)


def _result_record(result: SeedResult, job: Job) -> RunEntry:
    return RunEntry.model_validate({
        "label": result.label, "seed": result.seed, "variant": job.variant,
        "fraction": job.run.fraction, "repeat": job.repeat, "status": result.status,
        "reason": result.reason, "steps": result.steps})
