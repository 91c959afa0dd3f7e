"""Which container runs a run is made of: the seeds, then variants, probe and learning curve."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum

from runner.core.perturb import Perturbation, perturbations
from runner.core.plan import Plan
from runner.errors import UsageError


class JobKind(StrEnum):
    MAIN = "main"  # a seed of the paper's own configuration: its failure ends the run
    VARIANT = "variant"
    PROBE = "probe"  # a seed run again, to compare (determinism)
    CURVE = "curve"  # a learning-curve fraction of the data
    PERTURB = "perturb"  # a seed run again under a change that should not matter


def run_label(seed: int, kind: JobKind = JobKind.MAIN, variant: str | None = None,
              fraction: float | None = None) -> str:
    """The one spelling of a job's key: its folder in the run and its key in the record.

    For a perturbation, `variant` holds its key (threads-1, blas, affinity)."""
    if kind is JobKind.PERTURB:
        return f"perturb-{variant}/seed-{seed}"
    if kind is JobKind.VARIANT:
        return f"variant-{variant}/seed-{seed}"
    if kind is JobKind.PROBE:
        return f"repeat/seed-{seed}"
    if kind is JobKind.CURVE:
        return f"fraction-{fraction:g}/seed-{seed}"
    return f"seed-{seed}"


@dataclass
class SeedRun:
    """What one pass over the steps needs beyond the plan."""

    seed: int
    label: str  # folder name: "seed-0", "variant-x/seed-0", "fraction-0.1/seed-0", ...
    fraction: float | None = None
    deadline: float | None = None  # monotonic time when the whole run's budget ends
    fingerprint: bool = False
    baselines: bool = False


@dataclass(frozen=True)
class Job:
    plan: Plan
    run: SeedRun
    kind: JobKind
    variant: str | None = None
    repeat: bool = False
    perturbation: Perturbation | None = None

    @property
    def required(self) -> bool:
        """A failed main seed ends the run; a failed extra run is recorded and skipped."""
        return self.kind is JobKind.MAIN


def _fraction_of_full(plan: Plan) -> float | None:
    audits = plan.spec.audits
    return 1.0 if audits is not None and audits.learning_curve is not None else None


def schedule(plan: Plan, variants: list[str], repeat_seed: int | None,
             deadline: float | None, variant_plans: dict[str, Plan] | None = None,
             cpus: int = 1) -> list[Job]:
    """Every job of a run, in order. `variant_plans`: each variant's own plan (its data,
    image, resources), else the main plan with the variant's steps and variables."""
    spec = plan.spec
    full = _fraction_of_full(plan)
    jobs = [Job(plan, SeedRun(seed, run_label(seed), full, deadline, fingerprint=(i == 0),
                              baselines=True), JobKind.MAIN)
            for i, seed in enumerate(spec.seeds)]
    for name in variant_names(plan, variants):
        vplan = (variant_plans or {}).get(name) or dataclasses.replace(plan, variant=name)
        jobs += [Job(vplan, SeedRun(seed, run_label(seed, JobKind.VARIANT, name), full,
                                    deadline), JobKind.VARIANT, variant=name)
                 for seed in spec.seeds]
    jobs += _perturbed(plan, full, deadline, cpus)
    probe = repeat_seed if repeat_seed is not None else (
        spec.seeds[0] if spec.determinism_settings.probe else None)
    if probe is not None:
        if probe not in spec.seeds:
            jobs.append(Job(plan, SeedRun(probe, run_label(probe), full, deadline),
                            JobKind.MAIN))
        jobs.append(Job(plan, SeedRun(probe, run_label(probe, JobKind.PROBE), full, deadline),
                        JobKind.PROBE, repeat=True))
    if full is not None and spec.audits is not None and spec.audits.learning_curve:
        for fraction in spec.audits.learning_curve.fractions:
            if fraction < 1.0:
                jobs += [Job(plan, SeedRun(seed, run_label(seed, JobKind.CURVE,
                                                         fraction=fraction),
                                           fraction, deadline), JobKind.CURVE)
                         for seed in spec.seeds]
    return jobs


def _perturbed(plan: Plan, full: float | None, deadline: float | None, cpus: int,
               ) -> list[Job]:
    """The first seed again under each perturbation (`determinism.perturb`)."""
    seed = plan.spec.seeds[0]
    return [Job(dataclasses.replace(plan, extra_env={**plan.extra_env, **p.env}),
                SeedRun(seed, run_label(seed, JobKind.PERTURB, p.key), full, deadline),
                JobKind.PERTURB, variant=None, perturbation=p)
            for p in perturbations(plan.spec.determinism_settings.perturb, cpus)]


def variant_names(plan: Plan, wanted: list[str]) -> list[str]:
    """The variants a run asked for (`all`, or names), checked against the spec."""
    known = list(plan.spec.variants)
    if wanted == ["all"]:
        return known
    unknown = [w for w in wanted if w not in known]
    if unknown:
        raise UsageError(f"unknown variant(s): {', '.join(unknown)}",
                         hint=f"variants in this spec: {', '.join(known) or 'none'}")
    return wanted
