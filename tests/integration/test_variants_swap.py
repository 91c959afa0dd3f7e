"""Variants that swap the test set, the environment or the resources, and the perturbation
probe, on a real engine: tiny papers whose numbers are known in advance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from itest_support import invoke, last_record, output_of, write_spec

pytestmark = pytest.mark.docker

# Trains a "model" (the mean of its training data, plus a seed-dependent nudge) into
# model.txt, then scores a test set: the score is 1 - |model - mean(test)|.
TRAIN = """
import os, sys
seed = int(sys.argv[1])
train = [float(x) for x in open("train.txt").read().split()]
with open("model.txt", "w") as out:
    out.write(str(sum(train) / len(train) + 0.001 * seed))
"""
EVALUATE = """
import os
model = float(open("model.txt").read())
folder = os.environ.get("TESTSET_DIR", ".")
test = [float(x) for x in open(os.path.join(folder, "test.txt")).read().split()]
print(f"score {1 - abs(model - sum(test) / len(test)):.4f}")
"""
FILES = {"train.py": TRAIN, "evaluate.py": EVALUATE, "train.txt": "0.5 0.5 0.5",
         "test.txt": "0.5 0.5 0.5"}
STEPS = [{"name": "train", "run": "python3 train.py {seed}"},
         {"name": "evaluate", "run": "python3 evaluate.py"}]
SCORE = {"score": {"regex": r"^score ([0-9.]+)", "step": "evaluate"}}


@pytest.fixture
def testset_v2(isolated_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A second test set, as a manual dataset in REPRO_DATA: shifted by 0.08."""
    root = tmp_path / "data-root"
    (root / "testset-v2").mkdir(parents=True)
    (root / "testset-v2" / "test.txt").write_text("0.42 0.42 0.42")
    monkeypatch.setenv("REPRO_DATA", str(root))
    return root


def _run(tmp_path: Path, short: str, args: list[str], **sections: Any,
         ) -> tuple[Any, dict[str, Any]]:
    runs = tmp_path / "runs"
    spec = write_spec(tmp_path, short, STEPS, files=FILES, metrics=SCORE,
                      seeds=[0, 1, 2], **sections)
    result = invoke(["run", str(spec), "--quiet", *args], runs)
    record, _ = last_record(runs, short)
    return result, record


def test_a_data_variant_evaluates_the_main_models_on_another_test_set(
        engine_ready: str, tmp_path: Path, testset_v2: Path, leftovers: Any) -> None:
    variant = {"data": [{"name": "testset-v2", "source": "manual", "mount": "/work/test",
                         "instructions": "made by the test"}],
               "env": {"TESTSET_DIR": "/work/test"}, "only": ["evaluate"], "reuse": "main"}
    result, record = _run(tmp_path, "swap", ["--variants", "v2"], variants={"v2": variant})
    assert result.exit_code == 0, output_of(result)

    runs = {r["label"]: r for r in record["runs"]}
    assert [s["name"] for s in runs["variant-v2/seed-1"]["steps"]] == ["evaluate"]
    # The variant read the model the main seed trained: 0.5 + 0.001 * seed vs 0.42.
    assert [runs[f"variant-v2/seed-{s}"]["metrics"]["score"] for s in (0, 1, 2)] == [
        0.92, 0.919, 0.918]
    row = record["variants"][0]
    assert row["paired"] is True and row["difference"] == pytest.approx(-0.08, abs=1e-9)
    assert row["statement"] == "score drops 0.080 [0.080, 0.080] on v2"
    info = record["variant_info"]["v2"]
    assert info["changes"][0] == "data testset-v2 at /work/test"
    assert info["data"][0]["name"] == "testset-v2" and info["own_image"] is False
    assert leftovers() == []


def test_reuse_main_fails_clearly_when_the_main_seed_failed(
        engine_ready: str, tmp_path: Path, testset_v2: Path) -> None:
    steps_fail_seed_1 = {"only": ["evaluate"], "reuse": "main"}
    runs = tmp_path / "runs"
    spec = write_spec(tmp_path, "swapfail",
                      [{"name": "train", "run": "test {seed} -ne 1 && python3 train.py {seed}"},
                       STEPS[1]], files=FILES, metrics=SCORE, seeds=[0, 1],
                      variants={"v2": steps_fail_seed_1})
    result = invoke(["run", str(spec), "--quiet", "--variants", "v2"], runs)
    record, _ = last_record(runs, "swapfail")
    assert result.exit_code == 3  # the main seed 1 failed: the run cannot complete
    assert "variant-v2/seed-1" not in {r["label"] for r in record["runs"]}


def test_an_environment_variant_builds_its_own_image_once(
        engine_ready: str, trust_ca: Path | None, tmp_path: Path) -> None:
    # The same code under another library version: a pin the main environment lacks.
    variant = {"environment": {"pip": {"packages": ["six==1.16.0"]}},
               "steps": {"evaluate": "python3 -c 'import six; print(\"six\", six.__version__)'"
                                     " && python3 evaluate.py"}}
    first, record = _run(tmp_path, "envvar", ["--variants", "old-lib"],
                         variants={"old-lib": variant})
    assert first.exit_code == 0, output_of(first)
    info = record["variant_info"]["old-lib"]
    assert info["own_image"] is True and info["image_reused"] is False
    assert info["changes"] == ["image: six==1.16.0", "step evaluate replaced"]
    assert info["image"] != record["image"]["tag"]
    assert info["image"].startswith(record["image"]["tag"].split(":")[0] + ":")
    _, folder = last_record(tmp_path / "runs", "envvar")
    assert "six 1.16.0" in (folder / "variant-old-lib" / "seed-0" / "evaluate.log").read_text()
    assert "six==1.16.0" in (folder / "build-variant-old-lib.log").read_text()

    again, record2 = _run(tmp_path, "envvar", ["--variants", "old-lib"],
                          variants={"old-lib": variant})
    assert again.exit_code == 0, output_of(again)
    assert record2["variant_info"]["old-lib"]["image_reused"] is True
    assert record2["variant_info"]["old-lib"]["image"] == info["image"]


def test_a_resources_variant_runs_with_its_own_limits(engine_ready: str,
                                                     tmp_path: Path) -> None:
    # The CPU quota the container got: cgroup v2's cpu.max, or v1's cfs quota.
    probe = {"name": "train", "run": "cat /sys/fs/cgroup/cpu.max 2>/dev/null || "
             "cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us; python3 train.py {seed}"}
    runs = tmp_path / "runs"
    spec = write_spec(tmp_path, "cpus", [probe, STEPS[1]], files=FILES, metrics=SCORE,
                      seeds=[0], variants={"one-cpu": {"resources": {"cpus": 1}}})
    result = invoke(["run", str(spec), "--quiet", "--variants", "one-cpu"], runs)
    record, folder = last_record(runs, "cpus")
    assert result.exit_code == 0, output_of(result)
    assert record["variant_info"]["one-cpu"]["changes"] == ["cpus 1.0"]
    quota = (folder / "variant-one-cpu" / "seed-0" / "train.log").read_text().split()[0]
    assert quota == "100000"  # one CPU: 100 ms per 100 ms period
    assert (folder / "seed-0" / "train.log").read_text().split()[0] in ("-1", "max")


# A float32 sum split into one partial sum per thread (as a parallel reduction does): its
# rounding, so the last digits of the metric, follow the thread count.
FRAGILE = """
import os
n = int(os.environ.get("OMP_NUM_THREADS", "4"))
nudge = 1e-9 * int(os.environ["REPRO_SEED"])  # the seeds differ, by far less
values = [3e4 if i % 1000 == 0 else 0.1 * (i % 7) + 1e-4 * i for i in range(10000)]
import array
total = array.array("f", [0.0])
for k in range(n):
    s = array.array("f", [0.0])
    for v in values[k::n]:
        s[0] = s[0] + v
    total[0] = total[0] + s[0]
print(f"score {total[0] / 1e6 + nudge:.9f}")
"""
STABLE = """
print(f"score {sum(i % 7 for i in range(10000)) / 1e4:.6f}")
"""


@pytest.mark.parametrize(("code", "fragile"), [(FRAGILE, True), (STABLE, False)])
def test_the_perturbation_probe_finds_a_thread_dependent_metric(
        engine_ready: str, tmp_path: Path, code: str, fragile: bool) -> None:
    short = "fragile" if fragile else "stable"
    runs = tmp_path / "runs"
    spec = write_spec(tmp_path, short, [{"name": "evaluate", "run": "python3 score.py"}],
                      files={"score.py": code}, metrics=SCORE, seeds=[0, 1, 2],
                      determinism={"mode": "standard", "perturb": ["threads", "blas",
                                                                   "affinity"]})
    result = invoke(["run", str(spec), "--quiet"], runs)
    record, _ = last_record(runs, short)
    assert result.exit_code == 0, output_of(result)
    labels = {r["label"] for r in record["runs"]}
    assert {"perturb-threads-1/seed-0", "perturb-blas/seed-0",
            "perturb-affinity/seed-0"} <= labels
    rows = record["perturbations"]
    assert {r["perturbation"] for r in rows} >= {"threads-1", "blas", "affinity"}
    found = [f for f in record["findings"] if f["audit"] == "perturbation"]
    if fragile:
        assert any(r["fragile"] for r in rows if r["perturbation"] == "threads-1")
        assert found and found[0]["severity"] == "warning"
        assert found[0]["statement"].startswith(
            "fragile: score moves ")
        assert "when only the thread count changes (1)" in found[0]["statement"]
        assert "x the spread across seeds (1e-09)" in found[0]["statement"]
    else:
        assert not any(r["fragile"] for r in rows)
        assert [f["severity"] for f in found] == ["info"]
        assert found[0]["statement"].startswith("stable: ")
