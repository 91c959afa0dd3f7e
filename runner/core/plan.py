"""What a run would do, computed without an engine: the heart of `repro plan` and of a run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from runner.core.cachekey import BuildInputs
from runner.core.determinism import determinism_env
from runner.core.render import BuildOptions, render_dockerfile
from runner.spec.fields import fill
from runner.spec.lockfile import Lock
from runner.spec.models import Spec


@dataclass(frozen=True)
class StepPlan:
    name: str
    command: str
    timeout: float | None
    network: bool
    env: dict[str, str]
    optional: bool = False  # a failure is recorded but does not end the seed (baselines)
    secrets: tuple[str, ...] = ()  # host variables added at exec time, never recorded


@dataclass(frozen=True)
class Plan:
    spec: Spec
    source_location: str
    source_id: str
    pinned: bool
    base_ref: str
    base_pinned: bool
    lock: Lock | None
    dockerfile: str
    inputs: BuildInputs
    mounts: list[tuple[str, str]]  # (data name, container path), read-only
    seeds: list[int]
    variant: str | None = None
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def tag(self) -> str:
        return self.inputs.tag()

    def steps_for(self, seed: int, fraction: float | None = None,
                  baselines: bool = False) -> list[StepPlan]:
        """The steps of one seed, with the variant's replacements and the seed filled in."""
        spec = self.spec
        variant = spec.variants.get(self.variant) if self.variant else None
        # A variant's env wins over a step's own: the variant is the ablation being asked for.
        variant_env = {**(variant.env if variant else {}), **self.extra_env}
        base_env = {**determinism_env(spec.determinism_settings.mode, seed), **variant_env}
        # {fraction} is 1 (all the data) outside a learning curve's extra runs.
        values: dict[str, object] = {"seed": seed, "fraction": 1.0 if fraction is None
                                     else fraction}
        if fraction is not None:
            base_env["REPRO_FRACTION"] = str(fraction)
        out = []
        only = variant.only if variant is not None else None
        for step in spec.steps:
            if only is not None and step.name not in only:
                continue
            command = variant.steps.get(step.name, step.run) if variant else step.run
            timeout = step.timeout
            out.append(StepPlan(step.name, fill(command, **values), timeout, step.network,
                                {**base_env, **step.env, **variant_env,
                                 "REPRO_SEED": str(seed)},
                                secrets=tuple(step.secrets)))
        if baselines and spec.audits is not None:
            # A baseline of the paper's own (`run:`) runs after the steps, in the same
            # container, so it sees the files they wrote.
            out += [StepPlan(f"baseline-{b.name}", fill(b.run, **values), None, False,
                             {**base_env, "REPRO_SEED": str(seed)}, optional=True)
                    for b in spec.audits.baseline if b.run is not None]
        return out

    def summary(self) -> dict[str, Any]:
        spec = self.spec
        return {
            "spec": spec.name,
            "source": {"location": self.source_location, "id": self.source_id,
                       "pinned": self.pinned},
            "base": {"reference": self.base_ref, "pinned": self.base_pinned},
            "lock": self.lock.digest() if self.lock else None,
            "image_tag": self.tag,
            "labels": self.inputs.labels(),
            "mounts": [{"data": n, "target": t, "read_only": True} for n, t in self.mounts],
            "resources": spec.resources.model_dump(mode="json"),
            "seeds": self.seeds,
            "steps": {str(seed): [s.__dict__ for s in self.steps_for(seed)]
                      for seed in self.seeds},
            "metrics": {k: v.model_dump(mode="json") for k, v in spec.metrics.items()},
            "claims": [c.model_dump(mode="json") for c in spec.claims],
            "dockerfile": self.dockerfile,
        }


def base_reference(spec: Spec, lock: Lock | None) -> tuple[str, bool]:
    """The FROM reference and whether it is pinned (digest in the spec, or from the lock)."""
    base = spec.environment.base
    if "@sha256:" in base or base.startswith("sha256:"):
        return base, True
    if lock is not None and lock.base is not None:
        return lock.base.digest, True
    return base, False


def make_plan(
    spec: Spec, *, source_location: str, source_id: str, pinned: bool, lock: Lock | None,
    options: BuildOptions, resolved_base: str | None = None, variant: str | None = None,
    paper_image: str | None = None,
) -> Plan:
    """`resolved_base`: the digest or id the engine found for an unpinned base, if any.

    `paper_image`: the image built from the paper's own Dockerfile, used as the base.
    """
    base_ref, base_pinned = base_reference(spec, lock)
    if paper_image is not None:
        base_ref, base_pinned = paper_image, True
    dockerfile = render_dockerfile(spec, lock, base_ref, options)
    # The key hashes the Dockerfile as it would be without build-time trust: a CA bundle
    # only changes how RUN lines reach the network, never what the image holds, so a lab
    # behind a TLS proxy and one without share the same image.
    keyed = dockerfile if options == BuildOptions() else render_dockerfile(
        spec, lock, base_ref, BuildOptions())
    inputs = BuildInputs(
        spec_name=spec.name or "spec",
        base_digest=resolved_base or base_ref,
        dockerfile=keyed,
        source_id=source_id,
        lock_digest=lock.digest() if lock else None,
    )
    return Plan(
        spec=spec, source_location=source_location, source_id=source_id, pinned=pinned,
        base_ref=base_ref, base_pinned=base_pinned, lock=lock, dockerfile=dockerfile,
        inputs=inputs, mounts=[(d.name, d.mount) for d in spec.data], seeds=list(spec.seeds),
        variant=variant,
    )
