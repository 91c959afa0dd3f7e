"""What a run would do: steps per seed, placeholders, environment, variants, base pinning."""

from __future__ import annotations

import pytest

from runner.core.determinism import STRICT_ENV
from runner.core.plan import base_reference, make_plan
from runner.core.render import BuildOptions
from runner.spec import load_spec_text
from runner.spec.lockfile import Lock, LockedBase
from runner.spec.models import Spec

SHA = "0123456789abcdef0123456789abcdef01234567"
TEXT = f"""\
version: 1
name: paper
paper: {{title: T}}
repo: {{url: https://x/y.git, commit: {SHA}}}
environment: {{base: "python:3.11-slim"}}
seeds: [3, 7]
steps:
  - name: train
    run: python train.py --seed {{seed}} --fraction {{fraction}} --out ${{HOME}}/{{seed}}
    timeout: 2h
    network: true
    env: {{STEP_ONLY: "1", SHARED: step}}
  - name: summarise
    run: "awk '{{print $1}}' log.txt | sort -k{{seed}}"
metrics:
  acc: {{regex: 'acc ([0-9.]+)', step: train}}
claims:
  - {{metric: acc, value: 0.9, tolerance: 0.01}}
variants:
  no-aug:
    env: {{AUG: "0", SHARED: variant}}
    steps:
      train: python train.py --no-aug --seed {{seed}}
data:
  - {{name: d, url: https://x/d.zip, mount: /work/Data}}
"""


def spec_of(text: str = TEXT) -> Spec:
    return load_spec_text(text, "paper.yaml")


def plan_of(spec: Spec | None = None, variant: str | None = None, lock: Lock | None = None):
    return make_plan(spec or spec_of(), source_location="https://x/y.git", source_id=SHA,
                     pinned=True, lock=lock, options=BuildOptions(), variant=variant)


def test_steps_for_fills_seed_and_fraction_only() -> None:
    train, summarise = plan_of().steps_for(7)
    assert train.command == "python train.py --seed 7 --fraction 1.0 --out ${HOME}/7"
    assert summarise.command == "awk '{print $1}' log.txt | sort -k7"


def test_steps_for_a_learning_curve_fraction() -> None:
    train, _ = plan_of().steps_for(3, fraction=0.25)
    assert "--fraction 0.25" in train.command
    assert train.env["REPRO_FRACTION"] == "0.25"
    assert "REPRO_FRACTION" not in plan_of().steps_for(3)[0].env


def test_step_environment_has_the_seed_and_hash_seed() -> None:
    train, summarise = plan_of().steps_for(3)
    assert train.env["REPRO_SEED"] == "3" and train.env["PYTHONHASHSEED"] == "3"
    assert train.env["STEP_ONLY"] == "1" and "STEP_ONLY" not in summarise.env
    assert (train.name, train.timeout, train.network) == ("train", 7200, True)
    assert (summarise.timeout, summarise.network) == (None, False)
    assert not any(k in train.env for k in STRICT_ENV)


def test_strict_determinism_sets_the_framework_switches() -> None:
    strict = spec_of(TEXT.replace("seeds: [3, 7]", "seeds: [3, 7]\ndeterminism: strict"))
    env = plan_of(strict).steps_for(3)[0].env
    for key, value in STRICT_ENV.items():
        assert env[key] == value
    assert env["CUBLAS_WORKSPACE_CONFIG"] == ":4096:8"


def test_variant_replaces_steps_and_adds_env() -> None:
    train, summarise = plan_of(variant="no-aug").steps_for(3)
    assert train.command == "python train.py --no-aug --seed 3"
    assert summarise.command == "awk '{print $1}' log.txt | sort -k3"
    assert train.env["AUG"] == "0" and summarise.env["AUG"] == "0"
    assert train.env["REPRO_SEED"] == "3"


def test_main_plan_ignores_variants() -> None:
    train, _ = plan_of().steps_for(3)
    assert "--no-aug" not in train.command and "AUG" not in train.env


def test_plan_carries_seeds_mounts_and_tag() -> None:
    plan = plan_of()
    assert plan.seeds == [3, 7]
    assert plan.mounts == [("d", "/work/Data")]
    assert plan.tag == plan.inputs.tag() and plan.tag.startswith("repro/paper:")
    assert plan.dockerfile.splitlines()[1] == "FROM python:3.11-slim"
    assert not plan.base_pinned


def test_summary_is_json_ready_with_steps_per_seed() -> None:
    import json

    summary = json.loads(json.dumps(plan_of().summary()))
    assert summary["source"] == {"location": "https://x/y.git", "id": SHA, "pinned": True}
    assert list(summary["steps"]) == ["3", "7"]
    assert summary["steps"]["7"][0]["command"].startswith("python train.py --seed 7")
    assert summary["claims"][0]["metric"] == "acc"
    assert summary["resources"]["gpus"] == 0


@pytest.mark.parametrize(
    ("base", "lock_digest", "expected", "pinned"),
    [("python:3.11-slim", None, "python:3.11-slim", False),
     ("python:3.11-slim", "python@sha256:" + "f" * 64, "python@sha256:" + "f" * 64, True),
     ("python@sha256:" + "a" * 64, "python@sha256:" + "f" * 64, "python@sha256:" + "a" * 64,
      True),
     ("sha256:" + "b" * 64, None, "sha256:" + "b" * 64, True)],
)
def test_base_reference(base: str, lock_digest: str | None, expected: str, pinned: bool) -> None:
    spec = spec_of(TEXT.replace('base: "python:3.11-slim"', f'base: "{base}"'))
    lock = None
    if lock_digest is not None:
        lock = Lock(spec="paper", inputs="x",
                    base=LockedBase(reference=base, digest=lock_digest))
    assert base_reference(spec, lock) == (expected, pinned)
    plan = plan_of(spec, lock=lock)
    assert plan.dockerfile.splitlines()[1] == f"FROM {expected}"


def test_resolved_base_changes_the_tag_but_not_the_dockerfile() -> None:
    spec = spec_of()
    a = make_plan(spec, source_location="l", source_id=SHA, pinned=True, lock=None,
                  options=BuildOptions())
    b = make_plan(spec, source_location="l", source_id=SHA, pinned=True, lock=None,
                  options=BuildOptions(), resolved_base="sha256:" + "c" * 64)
    assert a.dockerfile == b.dockerfile and a.tag != b.tag


def test_ca_bundle_changes_the_dockerfile() -> None:
    spec = spec_of()
    plain = make_plan(spec, source_location="l", source_id=SHA, pinned=True, lock=None,
                      options=BuildOptions())
    ca = make_plan(spec, source_location="l", source_id=SHA, pinned=True, lock=None,
                   options=BuildOptions(ca_bundle=True))
    assert "build-ca.crt" in ca.dockerfile and "build-ca.crt" not in plain.dockerfile


def test_ca_bundle_never_changes_the_image_key() -> None:
    # The README's promise: a lab behind a TLS proxy and one without share one image.
    spec = spec_of()
    plain = make_plan(spec, source_location="l", source_id=SHA, pinned=True, lock=None,
                      options=BuildOptions())
    ca = make_plan(spec, source_location="l", source_id=SHA, pinned=True, lock=None,
                   options=BuildOptions(ca_bundle=True))
    assert ca.dockerfile != plain.dockerfile
    assert ca.tag == plain.tag and ca.inputs.key() == plain.inputs.key()


def test_a_variant_env_overrides_the_steps_own_env() -> None:
    spec = load_spec_text(TEXT, "paper.yaml")
    plan = make_plan(spec, source_location="x", source_id=SHA, pinned=True, lock=None,
                     options=BuildOptions(), variant="no-aug")
    train = plan.steps_for(3)[0]
    assert train.env["SHARED"] == "variant"
    assert train.env["STEP_ONLY"] == "1" and train.env["AUG"] == "0"
