"""A variant as the spec it runs: the main spec with the variant's data, environment and
resources laid over it (pure: `repro plan` and a run compute the same thing).

A variant that changes the environment gets an image of its own, cached by its own content
hash like the main one; one that changes only data, resources, steps or runtime variables
reuses the main image.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from runner.core.perturb import container_cpus, perturbations
from runner.core.plan import Plan, make_plan
from runner.core.render import BuildOptions
from runner.spec.models import (
    Data,
    Environment,
    Pip,
    Resources,
    Spec,
    Variant,
    VariantEnvironment,
    VariantResources,
)

# The project name of a pip requirement: what a variant's pin replaces.
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def variant_spec(spec: Spec, name: str) -> Spec:
    """The spec of variant `name`: data by mount, environment and resources overridden."""
    variant = spec.variants[name]
    return spec.model_copy(update={
        "data": merge_data(spec.data, variant.data),
        "environment": merge_environment(spec.environment, variant.environment),
        "resources": merge_resources(spec.resources, variant.resources),
    })


def merge_data(main: list[Data], override: list[Data]) -> list[Data]:
    """The variant's entries replace the main ones with the same mount; new mounts are added."""
    by_mount = {d.mount: d for d in override}
    merged = [by_mount.pop(d.mount, d) for d in main]
    return merged + list(by_mount.values())


def merge_environment(main: Environment, override: VariantEnvironment | None) -> Environment:
    if override is None:
        return main
    update: dict[str, object] = {k: v for k, v in {
        "base": override.base, "python": override.python, "apt": override.apt,
        "setup": override.setup}.items() if v is not None}
    if override.env:
        update["env"] = {**main.env, **override.env}
    if override.pip is not None:
        update["pip"] = Pip(requirements=override.pip.requirements or main.pip.requirements,
                            packages=merge_pins(main.pip.packages, override.pip.packages))
    return main.model_copy(update=update)


def merge_pins(main: list[str], override: list[str]) -> list[str]:
    """`numpy==1.26.4` replaces the main list's numpy entry; other entries are added."""
    new = {_project(p): p for p in override}
    merged = [new.pop(_project(p), p) for p in main]
    return merged + list(new.values())


def _project(requirement: str) -> str:
    found = _NAME.match(requirement)
    name = found.group(1) if found else requirement
    return re.sub(r"[-_.]+", "-", name).lower()


def merge_resources(main: Resources, override: VariantResources | None) -> Resources:
    if override is None:
        return main
    return main.model_copy(update=override.model_dump(exclude_none=True))


def has_own_image(variant: Variant) -> bool:
    return variant.environment is not None


def changes(spec: Spec, name: str) -> list[str]:
    """What variant `name` changes, in words, for the variants table and `repro plan`."""
    variant = spec.variants[name]
    out = [f"data {d.name} at {d.mount}" for d in variant.data]
    if variant.environment is not None:
        env = variant.environment
        parts = [*(env.pip.packages if env.pip else []), *(f"apt {a}" for a in env.apt or []),
                 *([f"base {env.base}"] if env.base else []),
                 *(f"{k}={v}" for k, v in env.env.items())]
        out.append("image: " + (", ".join(parts) or "its own environment"))
    if variant.resources is not None:
        out += [f"{k} {v}" for k, v in variant.resources.model_dump(exclude_none=True).items()]
    out += [f"step {s} replaced" for s in variant.steps]
    out += [f"{k}={v}" for k, v in variant.env.items()]
    if variant.only is not None:
        out.append("only " + ", ".join(variant.only))
    if variant.reuse == "main":
        out.append("starts from the main outputs")
    return out


def variant_plan(plan: Plan, name: str) -> Plan:
    """The plan variant `name` runs (engine-free: `repro plan` shows it as is)."""
    spec = variant_spec(plan.spec, name)
    if has_own_image(spec.variants[name]):
        # The lock pins the main environment; the variant's own pins decide its image.
        return make_plan(spec, source_location=plan.source_location,
                         source_id=plan.source_id, pinned=plan.pinned, lock=None,
                         options=BuildOptions(), variant=name)
    return dataclasses.replace(plan, spec=spec, variant=name,
                               mounts=[(d.name, d.mount) for d in spec.data])


def extras_summary(plan: Plan, host_cpus: int) -> dict[str, Any]:
    """What each variant and perturbation will run and build (`repro plan`), on a host
    with `host_cpus` CPUs (the run counts them the same way)."""
    cpus = container_cpus(plan.spec.resources.cpus, host_cpus)
    seed = plan.seeds[0]
    variants = {}
    for name in plan.spec.variants:
        vplan = variant_plan(plan, name)
        variants[name] = {
            "changes": changes(plan.spec, name),
            "image": vplan.tag, "own_image": vplan.tag != plan.tag,
            "steps": [s.name for s in vplan.steps_for(seed)],
            "mounts": [{"data": n, "target": t} for n, t in vplan.mounts]}
    perturbed = [{"label": f"perturb-{p.key}/seed-{seed}", "what": p.what, "env": p.env,
                  "cpuset": p.cpuset}
                 for p in perturbations(plan.spec.determinism_settings.perturb, cpus)]
    return {"variants": variants, "perturbations": perturbed}
