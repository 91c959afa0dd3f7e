"""Each variant's plan, image and data before the jobs run: a variant that changes the
environment gets its own image (built or reused by content hash, like the main one), one
that changes data gets its own mounts, and the record says what each variant changed."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from runner.core.plan import Plan
from runner.core.schedule import variant_names
from runner.core.variant_spec import changes, has_own_image, variant_plan, variant_spec
from runner.edges.engine import Mount
from runner.edges.git_mirror import Source
from runner.record.model import VariantInfo
from runner.run.context import RunContext
from runner.run.data_mounts import data_mounts
from runner.run.image_build import BuiltImage
from runner.run.planning import build_logged, plan_with_engine
from runner.spec.models import Spec


@dataclass(frozen=True)
class JobSetup:
    """What a job's container is made from."""

    plan: Plan
    built: BuiltImage
    mounts: list[Mount]


def prepare_variants(ctx: RunContext, plan: Plan, built: BuiltImage, mounts: list[Mount],
                     source: Source) -> dict[str, JobSetup]:
    setups: dict[str, JobSetup] = {}
    info: dict[str, VariantInfo] = {}
    for name in variant_names(plan, ctx.options.variants):
        setups[name], info[name] = _prepare(ctx, plan, built, mounts, source, name)
    if info:
        ctx.recorder.update(variant_info=info)
    return setups


def _prepare(ctx: RunContext, plan: Plan, built: BuiltImage, mounts: list[Mount],
             source: Source, name: str) -> tuple[JobSetup, VariantInfo]:
    spec = variant_spec(plan.spec, name)
    variant = plan.spec.variants[name]
    own = has_own_image(variant)
    vplan, vbuilt = _own_image(ctx, spec, source, name) if own else (
        variant_plan(plan, name), built)
    vmounts, data_record = mounts, list[dict[str, Any]]()
    if variant.data:
        vmounts, data_record = data_mounts(spec, ctx.lock, ctx.edges.store, ctx.observer.phase)
    return JobSetup(vplan, vbuilt, vmounts), VariantInfo(
        changes=changes(plan.spec, name), image=vbuilt.tag, own_image=own,
        image_reused=vbuilt.reused if own else None, data=data_record)


def _own_image(ctx: RunContext, spec: Spec, source: Source, name: str,
               ) -> tuple[Plan, BuiltImage]:
    """The variant's environment as an image of its own. The lock pins the main
    environment only, so a variant's image is built from its spec's own pins."""
    observer = ctx.observer
    vplan = dataclasses.replace(
        plan_with_engine(spec, source, None, ctx.need_engine(), ctx.options.ca_bundle,
                         observer.log), variant=name)
    observer.phase(f"image of variant {name}: {vplan.tag}")
    vbuilt = build_logged(vplan, source, ctx, f"build-variant-{name}.log", f"build {name}")
    observer.log(f"variant {name}: image {'reused' if vbuilt.reused else 'built'}: "
                 f"{vbuilt.tag} ({vbuilt.reason})")
    return vplan, vbuilt
