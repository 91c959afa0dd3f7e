"""The run's jobs in their containers: one fresh sandboxed container per job, in order.

A failed main seed stops the run; a failed extra job (variant, probe, learning-curve
fraction) is recorded and the run goes on.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import threading
import time
from pathlib import Path

from runner.core.masking import mask_env
from runner.core.perturb import container_cpus
from runner.core.plan import Plan
from runner.core.sandbox import SandboxPolicy
from runner.core.schedule import Job, JobKind, schedule
from runner.edges.engine import ContainerEngine, ContainerRequest, Mount
from runner.record.model import RunEntry
from runner.run.containers import Containers
from runner.run.context import RunContext
from runner.run.image_build import BuiltImage
from runner.run.reuse_main import MainOutputs
from runner.run.steps import Display, SeedResult, container_request, copy_outputs, run_seed
from runner.run.variant_setup import JobSetup


def execute_jobs(ctx: RunContext, plan: Plan, built: BuiltImage, mounts: list[Mount],
                 setups: dict[str, JobSetup] | None = None,
                 ) -> tuple[list[SeedResult], list[Job]]:
    """`setups`: each variant's plan, image and mounts (`variant_setup`)."""
    spec, recorder, observer, engine = plan.spec, ctx.recorder, ctx.observer, ctx.need_engine()
    setups = setups or {}
    timeout = spec.resources.timeout
    deadline = time.monotonic() + timeout if timeout else None
    jobs = schedule(plan, ctx.options.variants, ctx.options.repeat_seed, deadline,
                    {name: s.plan for name, s in setups.items()},
                    cpus=container_cpus(spec.resources.cpus, os.cpu_count() or 1))
    main = JobSetup(plan, built, mounts)
    carry = MainOutputs(ctx.workdir / "reuse", engine) if any(
        s.plan.spec.variants[n].reuse == "main" for n, s in setups.items()) else None
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
    made_of = [setups.get(job.variant or "", main) for job in jobs]
    requests = [_request(job, setup, ctx.run_id, ctx.gpu.granted)
                for job, setup in zip(jobs, made_of, strict=True)]
    with Containers(engine, requests) as containers:
        for job, setup in zip(jobs, made_of, strict=True):
            observer.step(f"{job.run.label}")
            container = containers.take()
            folder = recorder.folder / job.run.label
            try:
                result = _run_job(job, engine, container, setup.built.id, folder, observer.log,
                                  secrets, carry, containers, results)
            except BaseException:
                containers.release(container)
                raise
            # The outputs are copied out while the next job runs; the judge reads them
            # only after `Containers` has finished every copy and removal.
            result.outputs = folder / "outputs"
            containers.release(container, functools.partial(
                _copy_out, job, engine, container, result, carry))
            if result.container_fingerprint is not None:
                recorder.record.fingerprint["container"] = result.container_fingerprint
            results.append(result)
            recorder.update(runs=[_result_record(r, j)
                                  for r, j in zip(results, jobs, strict=False)])
            observer.advance()
            if result.status != "ok" and job.required:
                break
    return results, jobs


def _run_job(job: Job, engine: ContainerEngine, container: str, image: str, folder: Path,
             show: Display, secrets: dict[str, str], carry: MainOutputs | None,
             containers: Containers, done: list[SeedResult]) -> SeedResult:
    """A job's steps; a `reuse: main` variant first gets its seed's main outputs."""
    variant = job.plan.spec.variants.get(job.variant or "")
    if carry is not None and variant is not None and variant.reuse == "main":
        containers.settle()  # the main seed's outputs are taken out in the background
        why_not = carry.restore(job.run.seed, container, done)
        if why_not is not None:
            failed = SeedResult(job.run.seed, job.run.label, status="error", reason=why_not)
            show(f"[{job.run.label}] {why_not}")
            return failed
    return run_seed(job.plan, engine, container, image, job.run, folder, show, secrets)


def _copy_out(job: Job, engine: ContainerEngine, container: str, result: SeedResult,
              carry: MainOutputs | None) -> None:
    assert result.outputs is not None
    copy_outputs(job.plan, engine, container, result.outputs)
    if carry is not None and job.kind is JobKind.MAIN and not job.repeat \
            and result.status == "ok":
        carry.take(job.run.seed, container, job.plan.spec.environment.workdir)


def _scrub_values(plan: Plan) -> dict[str, str]:
    """Values to scrub from logs: the host's secret-named variables, and the spec's own
    (a step's `env: {WANDB_API_KEY: ...}` is masked in the record, so in its log too)."""
    spec = plan.spec
    return {**dict(os.environ), **spec.environment.env,
            **{k: v for step in spec.steps for k, v in step.env.items()},
            **{k: v for variant in spec.variants.values() for k, v in variant.env.items()}}


def _request(job: Job, setup: JobSetup, run_id: str, gpus: int | list[int],
             ) -> ContainerRequest:
    labels = {**built_labels(setup.built), "org.repro.run": run_id}
    # A variant may give up the GPUs (`resources: {gpus: 0}`: the CPU-only run of a paper).
    granted = 0 if job.plan.spec.resources.gpu_count == 0 else gpus
    request = container_request(job.plan, setup.built.id,
                                f"repro-{run_id}-{job.run.label.replace('/', '-')}",
                                setup.mounts, labels, granted)
    cpuset = job.perturbation.cpuset if job.perturbation else None
    return dataclasses.replace(request, cpuset=cpuset) if cpuset else request


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
