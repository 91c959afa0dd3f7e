"""spec -> fetch -> build or reuse -> run steps per seed -> fingerprint -> judge -> record.

Edges (engine, fetcher, data store) are passed in, so tests and the batch engine reuse this
unchanged. Every exit path leaves a complete record and no container behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import tempfile
from pathlib import Path
from types import FrameType

from runner import __version__
from runner.core.gpu import decide
from runner.edges.engine import Mount
from runner.edges.fingerprint import host_fingerprint
from runner.edges.git_mirror import Source
from runner.edges.pip_resolve import read_requirements
from runner.edges.source import materialise, pin, source_ref
from runner.errors import ExitCode, ReproError, RunFailed, StorageError, storage_error
from runner.record.model import RunRecord, RunStatus
from runner.record.store import Recorder, new_run_dir, now_iso
from runner.run.context import Edges, Outcome, RunContext, RunOptions
from runner.run.data_mounts import data_mounts
from runner.run.jobs import execute_jobs
from runner.run.observer import RunObserver
from runner.run.planning import build_image, plan_with_engine, read_fresh_lock
from runner.run.variant_setup import prepare_variants
from runner.spec import Spec, load_spec
from runner.spec.lockfile import check_requirements, lock_path

__all__ = ["Edges", "Outcome", "RunOptions", "run_spec"]


class Terminated(KeyboardInterrupt):
    """SIGTERM (a batch scheduler's kill) is handled like Ctrl-C."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


def run_spec(spec_path: Path, options: RunOptions, edges: Edges,
             observer: RunObserver) -> Outcome:
    spec = load_spec(spec_path, allow_mutable_ref=options.allow_mutable_ref)
    run_id, folder = new_run_dir(options.runs_dir, spec.name or "spec")
    recorder = Recorder(folder, _initial_record(spec, spec_path, run_id, options))
    # SIGTERM is only catchable in the main thread; a batch runs specs in worker threads
    # and stops them through their own channel.
    in_main = _is_main_thread()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if in_main else None
    workdir = Path(tempfile.mkdtemp(prefix="repro-run-"))
    ctx = RunContext(spec, spec_path, options, edges, observer, recorder, workdir)
    try:
        code = _run(ctx)
    except KeyboardInterrupt:
        _finish_failed(recorder, RunStatus.INTERRUPTED, int(ExitCode.INTERRUPTED),
                       "interrupted (Ctrl-C or SIGTERM)")
        raise
    except ReproError as exc:
        _finish_failed(recorder, RunStatus.FAILED, int(exc.exit_code), str(exc))
        exc.record_path = recorder.path
        raise
    except OSError as exc:
        # A full disk anywhere under the run (outputs copied out, a build context) is the
        # machine's state, not a bug: exit 4 naming the path.
        full = storage_error(exc, exc.filename or recorder.folder)
        if full is None:
            _finish_failed(recorder, RunStatus.FAILED, int(ExitCode.BUG),
                           f"internal error: {type(exc).__name__}: {exc}")
            raise
        _finish_failed(recorder, RunStatus.FAILED, int(full.exit_code), str(full))
        full.record_path = recorder.path
        raise full from None
    except Exception as exc:
        _finish_failed(recorder, RunStatus.FAILED, int(ExitCode.BUG),
                       f"internal error: {type(exc).__name__}: {exc}")
        raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if in_main:
            signal.signal(signal.SIGTERM, previous)
    return Outcome(code, recorder.path, recorder.record)


def _finish_failed(recorder: Recorder, status: RunStatus, code: int, reason: str) -> None:
    """Finish a run that is failing; an error of its own (a disk too full for the record)
    must not replace the one on its way out. The record then stays `running`, which every
    reader shows as `abandoned` once this process is gone: never trusted as a result."""
    with contextlib.suppress(StorageError):
        recorder.finish(status, code, reason)


def _is_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _initial_record(spec: Spec, spec_path: Path, run_id: str, opts: RunOptions) -> RunRecord:
    return RunRecord.model_validate({
        "run_id": run_id, "status": "running", "started": now_iso(), "runner_version": __version__,
        "spec": {"name": spec.name, "path": str(spec_path),
                 "sha256": hashlib.sha256(spec_path.read_bytes()).hexdigest()},
        "paper": spec.paper.model_dump(mode="json"),
        "options": {"rebuild": opts.rebuild, "allow_no_gpu": opts.allow_no_gpu,
                    "variants": opts.variants, "repeat_seed": opts.repeat_seed,
                    "repo_override": opts.repo is not None,
                    "allow_mutable_ref": opts.allow_mutable_ref},
        "seeds": list(spec.seeds),
    })


def _run(ctx: RunContext) -> int:
    spec, recorder = ctx.spec, ctx.recorder
    ctx.lock = read_fresh_lock(spec, ctx.spec_path)
    ctx.observer.phase("connecting to the container engine")
    engine = ctx.engine = ctx.edges.engine_factory()
    info = engine.info()
    engine.remove_stale("org.repro.managed=true")
    ctx.gpu = decide(spec.resources.gpus, info.gpu_support, info.gpu_support_reason,
                     ctx.options.allow_no_gpu, assigned=ctx.options.gpu_ids)
    recorder.update(fingerprint={"host": host_fingerprint(info)}, gpu=ctx.gpu.record())
    source = _fetch(ctx)
    assert source.checkout is not None
    if ctx.lock is not None:
        check_requirements(ctx.lock, read_requirements(spec, source.checkout),
                           lock_path(ctx.spec_path))
    _check_secrets(spec)
    # Data first: a missing dataset should not wait for a long build to be reported.
    mounts = _data(ctx)
    plan = plan_with_engine(spec, source, ctx.lock, engine, ctx.options.ca_bundle,
                            ctx.observer.log)
    built = build_image(plan, source, ctx)
    setups = prepare_variants(ctx, plan, built, mounts, source)
    results, jobs = execute_jobs(ctx, plan, built, mounts, setups)
    from runner.run.audits_in_run import AuditContext
    from runner.run.judge import judge_run

    audit_ctx = AuditContext(source.checkout, {d.name: m.source
                                               for d, m in zip(spec.data, mounts, strict=True)})
    ctx.observer.phase("judging claims")
    return judge_run(plan, results, {j.run.label: j for j in jobs}, recorder, audit_ctx)


def _check_secrets(spec: Spec) -> None:
    missing = sorted({name for step in spec.steps for name in step.secrets
                      if name not in os.environ})
    if missing:
        raise RunFailed(f"secret(s) the steps need are not set: {', '.join(missing)}",
                        hint="export them in the environment that runs repro")


def _fetch(ctx: RunContext) -> Source:
    ref = source_ref(ctx.spec, ctx.spec_path, ctx.options.repo)
    if ctx.options.allow_mutable_ref:
        ref = pin(ref, ctx.edges.fetcher)
    ctx.observer.phase(f"fetching {ref.url or ref.folder} @ {ref.commit or 'working tree'}")
    source = materialise(ref, ctx.edges.fetcher, ctx.workdir / "repo")
    ctx.recorder.update(source={"kind": source.kind, "location": source.location,
                                "commit": source.source_id, "pinned": source.pinned,
                                "mutable_ref": ref.mutable_ref, "submodules": ref.submodules})
    return source


def _data(ctx: RunContext) -> list[Mount]:
    mounts, record = data_mounts(ctx.spec, ctx.lock, ctx.edges.store, ctx.observer.phase)
    ctx.recorder.update(data=record)
    return mounts
