"""From a spec to its plan and its image: one code path for `repro plan` and `repro run`.

`plan_for` is what `repro plan` prints, with no engine; `plan_with_engine` is the same plan
with the base image resolved by the engine, and `build_image` builds or reuses it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from runner.core.plan import Plan, make_plan
from runner.core.render import BuildOptions
from runner.edges.engine import ContainerEngine
from runner.edges.git_mirror import GitFetcher, Source
from runner.edges.source import describe, pin, source_ref
from runner.run.context import RunContext
from runner.run.image_build import BuiltImage, build_or_reuse, build_paper_image
from runner.settings import cache_dir, trusted_ca
from runner.spec import Spec, load_spec
from runner.spec.lockfile import Lock, check_fresh, lock_path, read_lock


def read_fresh_lock(spec: Spec, spec_path: Path) -> Lock | None:
    """The spec's lock file, if any; a stale one is an error (exit 2)."""
    path = lock_path(spec_path)
    lock = read_lock(path)
    if lock is not None:
        check_fresh(lock, spec, path)
    return lock


def build_options(ca_bundle: Path | None) -> BuildOptions:
    return BuildOptions(ca_bundle=ca_bundle is not None)


def plan_for(spec_path: Path, repo: str | None, allow_mutable_ref: bool) -> Plan:
    """What `repro plan` shows: the same plan a run makes, before any engine is asked."""
    spec = load_spec(spec_path, allow_mutable_ref=allow_mutable_ref)
    lock = read_fresh_lock(spec, spec_path)
    ref = source_ref(spec, spec_path, repo)
    if allow_mutable_ref:
        ref = pin(ref, GitFetcher(cache_dir()))
    source = describe(ref)
    return make_plan(spec, source_location=source.location, source_id=source.source_id,
                     pinned=source.pinned, lock=lock, options=build_options(trusted_ca()))


def plan_with_engine(spec: Spec, source: Source, lock: Lock | None, engine: ContainerEngine,
                     ca_bundle: Path | None, log: Callable[[str], None]) -> Plan:
    options = build_options(ca_bundle)
    paper = None
    if spec.environment.dockerfile is not None:
        assert source.checkout is not None
        paper = build_paper_image(spec.name or "spec", spec.environment.dockerfile,
                                  source.source_id, source.checkout, engine, log)
    probe = make_plan(spec, source_location=source.location, source_id=source.source_id,
                      pinned=source.pinned, lock=lock, options=options, paper_image=paper)
    # A pinned base is still looked up (or pulled) now, so a missing one fails here with a
    # clear message rather than halfway through a build; its key stays the pinned form.
    found = engine.resolve_base(probe.base_ref) if paper is None else paper
    resolved = probe.base_ref if probe.base_pinned else found
    return make_plan(spec, source_location=source.location, source_id=source.source_id,
                     pinned=source.pinned, lock=lock, options=options, resolved_base=resolved,
                     paper_image=paper)


def build_logged(plan: Plan, source: Source, ctx: RunContext, log_name: str,
                 prefix: str) -> BuiltImage:
    """Build or reuse `plan`'s image, its build log in the run folder as `log_name` and
    on the live view as `  PREFIX | line`."""
    assert source.checkout is not None
    with open(ctx.recorder.folder / log_name, "a", encoding="utf-8") as log:
        def on_log(line: str) -> None:
            log.write(line + "\n")
            ctx.observer.log(f"  {prefix} | {line}")

        return build_or_reuse(plan, source.checkout, ctx.need_engine(), ctx.options.ca_bundle,
                              on_log, ctx.options.rebuild)


def build_image(plan: Plan, source: Source, ctx: RunContext) -> BuiltImage:
    recorder, observer = ctx.recorder, ctx.observer
    (recorder.folder / "Dockerfile").write_text(plan.dockerfile, encoding="utf-8")
    observer.phase(f"image {plan.tag}")
    built = build_logged(plan, source, ctx, "build.log", "build")
    recorder.update(image={
        "tag": built.tag, "id": built.id, "reused": built.reused, "reason": built.reason,
        "seconds": round(built.seconds, 3), "base_reference": plan.base_ref,
        "base_digest": plan.inputs.base_digest, "base_pinned": plan.base_pinned,
        "cache_key": plan.inputs.key(), "labels": plan.inputs.labels(),
        "dockerfile": "Dockerfile", "build_log": "build.log",
        "lock": plan.lock.digest() if plan.lock else None,
    })
    observer.log(f"image {'reused' if built.reused else 'built'}: {built.tag} ({built.reason})")
    return built
