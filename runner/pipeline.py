"""spec -> fetch -> build or reuse -> run steps per seed -> fingerprint -> judge -> record.

Edges (engine, fetcher, data store) are passed in, so tests and a batch engine reuse this
unchanged. Every exit path leaves a complete record and no container behind.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import shutil
import signal
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from runner import __version__
from runner.build import BuiltImage, build_or_reuse, build_paper_image
from runner.data import DataStore
from runner.display import Display
from runner.engine import ContainerEngine, ContainerRequest, Mount
from runner.errors import ExitCode, InfraError, ReproError, RunFailed
from runner.execute import (
    Containers,
    SeedResult,
    container_request,
    copy_outputs,
    run_seed,
)
from runner.fetch import GitFetcher, Source
from runner.fingerprint import host_fingerprint
from runner.lockfile import check_fresh, check_requirements, lock_path, read_lock
from runner.locking import read_requirements
from runner.masking import mask_env
from runner.plan import Plan, make_plan
from runner.record import Recorder, new_run_dir, now_iso
from runner.render import BuildOptions
from runner.schedule import Job, schedule
from runner.source import materialise, pin, source_ref
from runner.spec import Spec, load_spec


@dataclass
class RunOptions:
    runs_dir: Path = Path("runs")
    repo: str | None = None
    allow_mutable_ref: bool = False
    rebuild: bool = False
    allow_no_gpu: bool = False
    variants: list[str] = field(default_factory=list)
    repeat_seed: int | None = None
    ca_bundle: Path | None = None
    echo_logs: bool = True


@dataclass
class Edges:
    engine_factory: Any  # () -> ContainerEngine; deferred so a missing engine is recorded
    fetcher: GitFetcher
    store: DataStore


@dataclass
class Outcome:
    exit_code: int
    record_path: Path
    record: dict[str, Any]


class Terminated(KeyboardInterrupt):
    """SIGTERM (a batch scheduler's kill) is handled like Ctrl-C."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


def run_spec(spec_path: Path, options: RunOptions, edges: Edges, display: Display) -> Outcome:
    spec = load_spec(spec_path, allow_mutable_ref=options.allow_mutable_ref)
    run_id, folder = new_run_dir(options.runs_dir, spec.name or "spec")
    recorder = Recorder(folder, _initial_record(spec, spec_path, run_id, options))
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        code = _run(spec, spec_path, options, edges, display, recorder)
    except KeyboardInterrupt:
        recorder.finish("interrupted", int(ExitCode.INTERRUPTED), "interrupted (Ctrl-C or SIGTERM)")
        raise
    except ReproError as exc:
        recorder.finish("failed", int(exc.exit_code), str(exc))
        exc.record_path = recorder.path
        raise
    except Exception as exc:
        recorder.finish("failed", 70, f"internal error: {type(exc).__name__}: {exc}")
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)
    return Outcome(code, recorder.path, recorder.data)


def _initial_record(spec: Spec, spec_path: Path, run_id: str, opts: RunOptions) -> dict[str, Any]:
    return {
        "run_id": run_id, "status": "running", "started": now_iso(), "runner_version": __version__,
        "spec": {"name": spec.name, "path": str(spec_path),
                 "sha256": _sha256(spec_path)},
        "paper": spec.paper.model_dump(mode="json"),
        "options": {"rebuild": opts.rebuild, "allow_no_gpu": opts.allow_no_gpu,
                    "variants": opts.variants, "repeat_seed": opts.repeat_seed,
                    "repo_override": opts.repo is not None,
                    "allow_mutable_ref": opts.allow_mutable_ref},
        "seeds": list(spec.seeds),
    }


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(spec: Spec, spec_path: Path, options: RunOptions, edges: Edges, display: Display,
         recorder: Recorder) -> int:
    lpath = lock_path(spec_path)
    lock = read_lock(lpath)
    if lock is not None:
        check_fresh(lock, spec, lpath)
    display.phase("connecting to the container engine")
    engine: ContainerEngine = edges.engine_factory()
    info = engine.info()
    engine.remove_stale("org.repro.managed=true")
    gpu = _check_gpu(spec, info.gpu_support, info.gpu_support_reason, options.allow_no_gpu)
    recorder.update(fingerprint={"host": host_fingerprint(info)}, gpu=gpu)
    workdir = Path(tempfile.mkdtemp(prefix="repro-run-"))
    try:
        source = _fetch(spec, spec_path, options, edges, display, workdir, recorder)
        assert source.checkout is not None
        if lock is not None:
            check_requirements(lock, read_requirements(spec, source.checkout), lpath)
        _check_secrets(spec)
        # Data first: a missing dataset should not wait for a long build to be reported.
        mounts = _data(spec, lock, edges.store, display, recorder)
        plan = _plan(spec, source, lock, engine, options, display)
        built = _build(plan, source, engine, options, display, recorder)
        results, jobs = _execute(plan, built, engine, mounts, options, display, recorder)
        from runner.audit_run import AuditContext
        from runner.judge import judge_run

        ctx = AuditContext(source.checkout, {d.name: m.source for d, m in zip(spec.data, mounts,
                                                                               strict=True)})
        display.phase("judging claims")
        return judge_run(plan, results, {j.run.label: j for j in jobs}, recorder, ctx)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _check_secrets(spec: Spec) -> None:
    missing = sorted({name for step in spec.steps for name in step.secrets
                      if name not in os.environ})
    if missing:
        raise RunFailed(f"secret(s) the steps need are not set: {', '.join(missing)}",
                        hint="export them in the environment that runs repro")


def _check_gpu(spec: Spec, supported: bool, why: str, allow_missing: bool) -> dict[str, Any]:
    wanted = spec.resources.gpus
    out = {"requested": wanted, "engine_support": supported, "detail": why, "used": False}
    if not spec.resources.gpu_count:
        return out
    if supported:
        return {**out, "used": True}
    if allow_missing:
        return {**out, "missing_allowed": True}
    raise InfraError(
        f"the spec asks for GPUs ({wanted}) but this host cannot pass them through: {why}",
        hint="install the NVIDIA driver and the NVIDIA Container Toolkit "
             "(nvidia-container-toolkit), then restart the engine; or run with --allow-no-gpu "
             "to run on CPU and mark the record",
    )


def _fetch(spec: Spec, spec_path: Path, options: RunOptions, edges: Edges, display: Display,
           workdir: Path, recorder: Recorder) -> Source:
    ref = source_ref(spec, spec_path, options.repo)
    if options.allow_mutable_ref:
        ref = pin(ref, edges.fetcher)
    display.phase(f"fetching {ref.url or ref.folder} @ {ref.commit or 'working tree'}")
    source = materialise(ref, edges.fetcher, workdir / "repo")
    recorder.update(source={"kind": source.kind, "location": source.location,
                            "commit": source.source_id, "pinned": source.pinned,
                            "mutable_ref": ref.mutable_ref, "submodules": ref.submodules})
    return source


def _plan(spec: Spec, source: Source, lock: Any, engine: ContainerEngine,
          options: RunOptions, display: Display) -> Plan:
    options_b = BuildOptions(ca_bundle=options.ca_bundle is not None)
    paper = None
    if spec.environment.dockerfile is not None:
        assert source.checkout is not None
        paper = build_paper_image(spec.name or "spec", spec.environment.dockerfile,
                                  source.source_id, source.checkout, engine, display.log)
    probe = make_plan(spec, source_location=source.location, source_id=source.source_id,
                      pinned=source.pinned, lock=lock, options=options_b, paper_image=paper)
    # A pinned base is still looked up (or pulled) now, so a missing one fails here with a
    # clear message rather than halfway through a build; its key stays the pinned form.
    found = engine.resolve_base(probe.base_ref) if paper is None else paper
    resolved = probe.base_ref if probe.base_pinned else found
    return make_plan(spec, source_location=source.location, source_id=source.source_id,
                     pinned=source.pinned, lock=lock, options=options_b, resolved_base=resolved,
                     paper_image=paper)


def _build(plan: Plan, source: Source, engine: ContainerEngine, options: RunOptions,
           display: Display, recorder: Recorder) -> BuiltImage:
    (recorder.folder / "Dockerfile").write_text(plan.dockerfile, encoding="utf-8")
    display.phase(f"image {plan.tag}")
    assert source.checkout is not None
    with open(recorder.folder / "build.log", "a", encoding="utf-8") as log:
        def on_log(line: str) -> None:
            log.write(line + "\n")
            display.log(f"  build | {line}")

        built = build_or_reuse(plan, source.checkout, engine, options.ca_bundle, on_log,
                               options.rebuild)
    recorder.update(image={
        "tag": built.tag, "id": built.id, "reused": built.reused, "reason": built.reason,
        "seconds": round(built.seconds, 3), "base_reference": plan.base_ref,
        "base_digest": plan.inputs.base_digest, "base_pinned": plan.base_pinned,
        "cache_key": plan.inputs.key(), "labels": plan.inputs.labels(),
        "dockerfile": "Dockerfile", "build_log": "build.log",
        "lock": plan.lock.digest() if plan.lock else None,
    })
    display.log(f"image {'reused' if built.reused else 'built'}: {built.tag} ({built.reason})")
    return built


def _data(spec: Spec, lock: Any, store: DataStore, display: Display,
          recorder: Recorder) -> list[Mount]:
    mounts, record = [], []
    for data in spec.data:
        locked = lock.data.get(data.name).sha256 if lock and data.name in lock.data else None
        expected = data.sha256 or (None if data.manual else locked)
        display.phase(f"data {data.name}")
        folder = store.fetch(data, expected)
        checksum = store.checksum(data, folder)
        if data.manual and locked and checksum != locked:
            raise RunFailed(f"manual dataset {data.name!r} differs from the locked checksum",
                            hint="restore the original files, or run `repro lock` again")
        mounts.append(Mount(folder, data.mount, read_only=True))
        record.append({"name": data.name, "mount": data.mount, "sha256": checksum,
                       "manual": data.manual, "source": str(folder)})
    recorder.update(data=record)
    return mounts


def _execute(plan: Plan, built: BuiltImage, engine: ContainerEngine, mounts: list[Mount],
             options: RunOptions, display: Display, recorder: Recorder,
             ) -> tuple[list[SeedResult], list[Job]]:
    spec = plan.spec
    timeout = spec.resources.timeout
    deadline = time.monotonic() + timeout if timeout else None
    jobs = schedule(plan, options.variants, options.repeat_seed, deadline)
    threading.Thread(target=_prewarm, args=(spec.audits is not None,), daemon=True).start()
    display.progress.update(display.task, total=len(jobs))
    results: list[SeedResult] = []
    # Values to scrub from logs: the host's secret-named variables, and the spec's own
    # (a step's `env: {WANDB_API_KEY: ...}` is masked in the record, so in its log too).
    secrets = {**dict(os.environ), **spec.environment.env,
               **{k: v for step in spec.steps for k, v in step.env.items()},
               **{k: v for variant in spec.variants.values() for k, v in variant.env.items()}}
    recorder.update(environment={
        "determinism": spec.determinism_settings.mode,
        "set": mask_env(plan.steps_for(spec.seeds[0])[0].env),
        "spec_env": mask_env(spec.environment.env),
        "sandbox": {"user": "1000:1000", "cap_drop": ["ALL"], "no_new_privileges": True,
                    "pids_limit": spec.resources.pids, "network_default": "none"},
    })
    requests = [_request(job, built, mounts, recorder) for job in jobs]
    with Containers(engine, requests) as containers:
        for job in jobs:
            display.step(f"{job.run.label}")
            container = containers.take()
            folder = recorder.folder / job.run.label
            try:
                result = run_seed(job.plan, engine, container, built.id, job.run, folder,
                                  display.log, secrets)
            except BaseException:
                containers.release(container)
                raise
            # The outputs are copied out while the next job runs; the judge reads them
            # only after `Containers` has finished every copy and removal.
            result.outputs = folder / "outputs"
            containers.release(container, functools.partial(
                copy_outputs, job.plan, engine, container, result.outputs))
            if result.container_fingerprint is not None:
                recorder.data["fingerprint"]["container"] = result.container_fingerprint
            results.append(result)
            recorder.update(runs=[_result_record(r, j)
                                  for r, j in zip(results, jobs, strict=False)])
            display.advance()
            if result.status != "ok" and job.required:
                break
    return results, jobs


def _request(job: Job, built: BuiltImage, mounts: list[Mount],
             recorder: Recorder) -> ContainerRequest:
    run_id = recorder.data["run_id"]
    labels = {**built_labels(built), "org.repro.run": run_id}
    request = container_request(job.plan, built.id,
                                f"repro-{run_id}-{job.run.label.replace('/', '-')}",
                                mounts, labels)
    if request.gpus and not recorder.data.get("gpu", {}).get("used"):
        # --allow-no-gpu on a host without the NVIDIA runtime: run on CPU, since the
        # engine refuses a container that asks for a device driver it lacks.
        request = dataclasses.replace(request, gpus=0, env={
            k: v for k, v in request.env.items() if not k.startswith("NVIDIA_")})
    return request


def _prewarm(audits: bool) -> None:
    """Import the judging code (scipy, scikit-learn) while the containers run.

    The imports take a second or more; the main thread mostly waits on the engine's socket
    meanwhile, so doing them now takes them off the run's critical path.
    """
    import importlib

    modules = ["runner.judge"] + (["runner.audit_run", "runner.audits.baseline",
                                   "runner.audits.balance"] if audits else [])
    for name in modules:
        importlib.import_module(name)


def built_labels(built: BuiltImage) -> dict[str, str]:
    return {"org.repro.managed": "true", "org.repro.image": built.tag}


def _result_record(result: SeedResult, job: Any) -> dict[str, Any]:
    return {"label": result.label, "seed": result.seed, "variant": job.variant,
            "fraction": job.run.fraction, "repeat": job.repeat, "status": result.status,
            "reason": result.reason, "steps": result.steps}
