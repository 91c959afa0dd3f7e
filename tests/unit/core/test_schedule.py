"""The jobs a run is made of: seeds, variants, the determinism probe, learning-curve fractions."""

from __future__ import annotations

import pytest

from runner.core.plan import Plan, make_plan
from runner.core.render import BuildOptions
from runner.core.schedule import schedule
from runner.errors import UsageError
from runner.spec import load_spec_text

SHA = "0123456789abcdef0123456789abcdef01234567"
TEXT = f"""\
version: 1
name: paper
paper: {{title: T}}
repo: {{url: https://x/y.git, commit: {SHA}}}
environment: {{base: b}}
seeds: [0, 1]
steps:
  - {{name: train, run: "python train.py --fraction {{fraction}}"}}
metrics:
  acc: {{regex: 'acc ([0-9.]+)', step: train}}
variants:
  alpha: {{env: {{V: a}}}}
  beta: {{env: {{V: b}}}}
"""
CURVE = "audits:\n  learning_curve: {fractions: [0.25, 0.5, 1.0], metric: acc}\n"


def plan_of(extra: str = "") -> Plan:
    spec = load_spec_text(TEXT + extra, "paper.yaml")
    return make_plan(spec, source_location="l", source_id=SHA, pinned=True, lock=None,
                     options=BuildOptions())


def labels(jobs: list) -> list[str]:
    return [j.run.label for j in jobs]


def test_one_main_job_per_seed_and_the_first_fingerprints() -> None:
    jobs = schedule(plan_of(), [], None, None)
    assert labels(jobs) == ["seed-0", "seed-1"]
    assert [j.kind for j in jobs] == ["main", "main"]
    assert [j.run.fingerprint for j in jobs] == [True, False]
    assert all(j.required and j.run.baselines and j.run.fraction is None for j in jobs)


def test_deadline_is_passed_to_every_job() -> None:
    assert {j.run.deadline for j in schedule(plan_of(), ["all"], 0, 123.0)} == {123.0}


def test_all_variants() -> None:
    jobs = schedule(plan_of(), ["all"], None, None)
    assert labels(jobs) == ["seed-0", "seed-1", "variant-alpha/seed-0", "variant-alpha/seed-1",
                            "variant-beta/seed-0", "variant-beta/seed-1"]
    variant_jobs = [j for j in jobs if j.kind == "variant"]
    assert all(j.plan.variant == j.variant and not j.required for j in variant_jobs)
    assert variant_jobs[0].plan.steps_for(0)[0].env["V"] == "a"
    assert jobs[0].plan.variant is None


def test_variants_by_name() -> None:
    jobs = schedule(plan_of(), ["beta"], None, None)
    assert labels(jobs)[2:] == ["variant-beta/seed-0", "variant-beta/seed-1"]


def test_unknown_variant_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown variant\\(s\\): gamma") as info:
        schedule(plan_of(), ["alpha", "gamma"], None, None)
    assert info.value.hint == "variants in this spec: alpha, beta"
    assert info.value.exit_code == 2


def test_repeat_seed_adds_a_probe() -> None:
    jobs = schedule(plan_of(), [], 1, None)
    assert labels(jobs) == ["seed-0", "seed-1", "repeat/seed-1"]
    probe = jobs[-1]
    assert probe.kind == "probe" and probe.repeat and probe.run.seed == 1 and not probe.required


def test_repeat_seed_outside_the_spec_seeds_runs_it_too() -> None:
    jobs = schedule(plan_of(), [], 9, None)
    assert labels(jobs) == ["seed-0", "seed-1", "seed-9", "repeat/seed-9"]
    assert jobs[2].kind == "main"


def test_spec_probe_repeats_the_first_seed() -> None:
    jobs = schedule(plan_of("determinism: {probe: true}\n"), [], None, None)
    assert labels(jobs)[-1] == "repeat/seed-0"


def test_learning_curve_fractions_below_one() -> None:
    jobs = schedule(plan_of(CURVE), [], None, None)
    assert labels(jobs) == ["seed-0", "seed-1", "fraction-0.25/seed-0", "fraction-0.25/seed-1",
                            "fraction-0.5/seed-0", "fraction-0.5/seed-1"]
    assert [j.run.fraction for j in jobs] == [1.0, 1.0, 0.25, 0.25, 0.5, 0.5]
    assert [j.kind for j in jobs[2:]] == ["curve"] * 4
    curve = jobs[2]
    steps = curve.plan.steps_for(curve.run.seed, curve.run.fraction)
    assert steps[0].command == "python train.py --fraction 0.25"


def test_perturbations_rerun_the_first_seed_with_their_switches() -> None:
    spec_text = TEXT.replace("seeds: [0, 1]", "seeds: [3, 4]\ndeterminism: "
                             "{mode: standard, perturb: [threads, affinity]}")
    spec = load_spec_text(spec_text, "paper.yaml")
    jobs = schedule(make_plan(spec, source_location="l", source_id=SHA, pinned=True,
                              lock=None, options=BuildOptions()), [], None, None, cpus=4)
    assert labels(jobs) == ["seed-3", "seed-4", "perturb-threads-1/seed-3",
                            "perturb-threads-4/seed-3", "perturb-affinity/seed-3"]
    threads = jobs[2].plan.steps_for(3)[0].env
    assert threads["OMP_NUM_THREADS"] == "1" and threads["OPENBLAS_NUM_THREADS"] == "1"
    assert jobs[4].perturbation is not None and jobs[4].perturbation.cpuset == "3"
    assert not any(j.required for j in jobs[2:])  # a failed rerun never fails the run
