"""Variants that swap data, environment and resources; reuse of main outputs; the
perturbation probe's judgement; the gap's interval in words (pure parts)."""

from __future__ import annotations

import pytest

from runner.core.gap import Gap, describe, paired_gap, welch_gap
from runner.core.perturb import compare, container_cpus, perturbations, stable_statement, statement
from runner.core.reuse import snapshot_roots
from runner.core.variant_spec import changes, merge_pins, variant_spec
from runner.spec.errors import SpecError
from runner.spec.models import Spec

BASE: dict[str, object] = {
    "version": 1, "paper": {"title": "t"}, "repo": {"path": "."},
    "environment": {"base": "img", "pip": {"packages": ["numpy==2.0.1", "scipy==1.13"]}},
    "resources": {"gpus": 1, "cpus": 4}, "seeds": [0, 1],
    "data": [{"name": "test", "url": "https://x/t.tgz", "mount": "/work/test"},
             {"name": "train", "url": "https://x/r.tgz", "mount": "/work/train"}],
    "steps": [{"name": "train", "run": "t"}, {"name": "evaluate", "run": "e"}],
}


def _spec(**variants: object) -> Spec:
    return Spec.model_validate({**BASE, "variants": variants})


def test_a_data_variant_replaces_the_entry_with_the_same_mount() -> None:
    spec = _spec(v2={"data": [{"name": "test-v2", "source": "manual", "mount": "/work/test",
                               "instructions": "ask"}], "only": ["evaluate"],
                     "reuse": "main"})
    merged = variant_spec(spec, "v2")
    assert [(d.name, d.mount) for d in merged.data] == [("test-v2", "/work/test"),
                                                        ("train", "/work/train")]
    assert changes(spec, "v2") == ["data test-v2 at /work/test", "only evaluate",
                                   "starts from the main outputs"]


def test_an_environment_variant_pins_over_the_main_packages() -> None:
    spec = _spec(old={"environment": {"pip": {"packages": ["NumPy==1.26.4", "six"]}}})
    merged = variant_spec(spec, "old")
    assert merged.environment.pip.packages == ["NumPy==1.26.4", "scipy==1.13", "six"]
    assert merged.environment.base == "img"
    assert changes(spec, "old") == ["image: NumPy==1.26.4, six"]
    assert merge_pins(["torch>=2", "a_b[x]==1"], ["A-B==2"]) == ["torch>=2", "A-B==2"]


def test_a_resources_variant_overrides_only_what_it_names() -> None:
    merged = variant_spec(_spec(cpu={"resources": {"gpus": 0}}), "cpu")
    assert merged.resources.gpus == 0 and merged.resources.cpus == 4


def test_reuse_needs_only_and_only_names_real_steps(tmp_path: object) -> None:
    with pytest.raises(ValueError, match="needs `only`"):
        _spec(v={"reuse": "main"})
    from runner.spec import load_spec

    path = tmp_path / "s.yaml"  # type: ignore[operator]
    path.write_text("version: 1\npaper: {title: t}\nrepo: {path: .}\n"
                    "environment: {base: img}\nsteps: [{name: train, run: t}]\n"
                    "variants: {v: {only: [evaluat], reuse: main}}\n")
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    assert "s.yaml:6: variants.v.only[0]" in str(caught.value) and "no step named 'evaluat'" in str(
        caught.value)


def test_snapshot_roots_are_new_trees_and_rewritten_files_under_the_workdir() -> None:
    diff = [("/work", 0), ("/work/repo", 0), ("/work/repo/out", 1), ("/work/repo/out/m.npz", 1),
            ("/work/repo/out/sub", 1), ("/work/repo/out/sub/x", 1), ("/work/repo/log.txt", 0),
            ("/work/repo/gone.txt", 2), ("/tmp/cache", 1), ("/work/repository", 1)]
    assert snapshot_roots(diff, "/work/repo") == ["/work/repo/log.txt", "/work/repo/out"]


def test_perturbations_of_a_two_cpu_container() -> None:
    found = perturbations(["threads", "blas", "affinity"], 2)
    assert [p.key for p in found] == ["threads-1", "threads-2", "blas", "affinity"]
    assert found[0].env["OMP_NUM_THREADS"] == "1" and found[3].cpuset == "1"
    assert [p.key for p in perturbations(["threads"], 1)] == ["threads-1"]
    # the run and `repro plan` count a container's CPUs the same way
    assert container_cpus(1.5, 8) == 2 and container_cpus(None, 8) == 8


def test_a_move_beyond_the_seed_spread_is_fragile_and_said_so() -> None:
    rows = compare({"score": 0.800}, {"score": [0.800, 0.801, 0.799]},
                   {"threads-1": {"score": 0.820}, "blas": {"score": 0.8001}},
                   {}, {"threads-1": "only the thread count changes (1)",
                        "blas": "only the BLAS kernel changes"})
    fragile = {r.perturbation: r.fragile for r in rows}
    assert fragile == {"threads-1": True, "blas": False}
    assert statement(rows[0]) == ("fragile: score moves 0.02 when only the thread count "
                                  "changes (1), 20x the spread across seeds (0.001)")
    assert stable_statement(rows[1:]).startswith("stable: no metric moved")


def test_a_move_beyond_the_claims_tolerance_is_fragile_even_with_one_seed() -> None:
    (row,) = compare({"acc": 0.9}, {"acc": [0.9]}, {"blas": {"acc": 0.88}}, {"acc": 0.01},
                     {"blas": "only the BLAS kernel changes"})
    assert row.fragile and row.spread is None
    assert statement(row).endswith("beyond the claim's tolerance 0.01")


def test_the_gap_of_a_paired_variant_and_its_words() -> None:
    gap = paired_gap({0: 0.85, 1: 0.86, 2: 0.84}, {0: 0.77, 1: 0.78, 2: 0.75}, 0.95)
    assert gap.difference == pytest.approx(-0.0833, abs=1e-3)
    assert gap.low is not None and gap.high is not None and gap.low < gap.high < 0
    assert describe("acc", gap, "cifar10.1").startswith("acc drops 0.083 [")
    assert describe("acc", Gap(0.0, 0.0, 0.0, 1.0, None), "v") == "acc is unchanged on v"
    unpaired = welch_gap([0.85, 0.86, 0.84], [0.80, 0.81, 0.79], 0.95)
    assert unpaired.low is not None and unpaired.high is not None
    assert unpaired.low < -0.05 < unpaired.high < 0
