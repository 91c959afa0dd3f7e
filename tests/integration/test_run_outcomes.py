"""`repro run` end to end on a real engine: verdicts, failures, timeouts, build errors, reuse."""

from __future__ import annotations

import json
import time

import pytest
from itest_support import (
    AUC_METRICS,
    BASE,
    image_repo,
    invoke,
    last_record,
    metric_step,
    output_of,
    records,
    spec_name,
    write_spec,
)

pytestmark = pytest.mark.docker


def test_happy_path_two_seeds_reproduced(engine_ready, tmp_path, leftovers, docker_client):
    runs = tmp_path / "runs"
    step = metric_step(extra=' && echo "hashseed=$PYTHONHASHSEED seed=$REPRO_SEED"')
    spec = write_spec(
        tmp_path, "happy", [step], seeds=[0, 1], metrics=AUC_METRICS,
        claims=[{"metric": "auc", "value": 0.91, "tolerance": 0.01},
                {"metric": "test_auc", "value": 0.9, "tolerance": "2%"}],
    )

    result = invoke(["run", str(spec), "--quiet"], runs)

    assert result.exit_code == 0, output_of(result)
    record, folder = last_record(runs, "happy")
    assert record["status"] == "completed"
    assert record["exit_code"] == 0
    assert record["reason"] is None
    assert record["verdict"] == "reproduced"
    assert record["spec"]["name"] == spec_name("happy")

    image = record["image"]
    assert image["id"].startswith("sha256:")
    assert image["tag"].startswith(image_repo("happy") + ":")
    assert image["reused"] is False
    engine_image = docker_client.images.get(image["tag"])
    assert engine_image.id == image["id"]
    assert engine_image.labels["org.repro.managed"] == "true"
    assert f"{image_repo('happy')}:latest" in engine_image.tags

    source = record["source"]
    assert source["kind"] == "local"
    assert source["location"] == str(tmp_path / "code-happy")
    assert source["commit"].startswith("tree:sha256:")
    assert source["pinned"] is False

    host = record["fingerprint"]["host"]
    assert host["cpu"]["logical"] >= 1 and host["cpu"]["model"]
    assert host["memory_bytes"] > 0
    container = record["fingerprint"]["container"]
    assert container["python"].startswith("Python 3.")
    assert isinstance(container["pip_freeze"], list)
    assert any(line.startswith("pip==") for line in container["pip_freeze"])
    assert record["environment"]["set"]["PYTHONHASHSEED"] == "0"
    assert record["environment"]["sandbox"]["user"] == "1000:1000"

    assert [r["label"] for r in record["runs"]] == ["seed-0", "seed-1"]
    for run, seed in zip(record["runs"], (0, 1), strict=True):
        assert run["status"] == "ok" and run["seed"] == seed
        [train] = run["steps"]
        assert train["name"] == "train" and train["exit_code"] == 0
        assert train["timed_out"] is False
        assert isinstance(train["duration_seconds"], float) and train["duration_seconds"] >= 0
        assert run["metrics"] == {"auc": 0.91, "test_auc": 0.91}
        log = (folder / train["log"]).read_text()
        # Each seed runs in its own container with the seed in the command and the env.
        assert "AUC: 0.91" in log
        assert f"hashseed={seed} seed={seed}" in log
        metrics = json.loads((folder / f"seed-{seed}/outputs/results/metrics.json").read_text())
        assert metrics == {"test": {"auc": 0.91, "seed": seed}}

    by_metric = {c["metric"]: c for c in record["claims"]}
    assert by_metric["auc"]["values"] == [0.91, 0.91]
    assert by_metric["auc"]["verdict"] == "reproduced"
    assert by_metric["test_auc"]["values"] == [0.91, 0.91]
    assert by_metric["test_auc"]["verdict"] == "reproduced"

    dockerfile = (folder / "Dockerfile").read_text()
    assert f"FROM {BASE}" in dockerfile and "USER 1000:1000" in dockerfile
    build_log = (folder / "build.log").read_text()
    assert "Successfully built" in build_log
    assert leftovers() == []


def test_second_run_reuses_the_image(engine_ready, tmp_path, leftovers, docker_client):
    runs = tmp_path / "runs"
    spec = write_spec(tmp_path, "reuse", [metric_step()], metrics=AUC_METRICS,
                      claims=[{"metric": "auc", "value": 0.91, "tolerance": 0.01}])

    first = invoke(["run", str(spec), "--quiet"], runs)
    assert first.exit_code == 0, output_of(first)
    built, _ = last_record(runs, "reuse")
    assert built["image"]["reused"] is False
    created = docker_client.images.get(built["image"]["id"]).attrs["Created"]

    second = invoke(["run", str(spec), "--quiet"], runs)
    assert second.exit_code == 0, output_of(second)
    again, folder = last_record(runs, "reuse")
    assert len(records(runs, "reuse")) == 2
    assert again["image"]["reused"] is True
    assert again["image"]["id"] == built["image"]["id"]
    assert again["image"]["tag"] == built["image"]["tag"]
    assert "same content hash" in again["image"]["reason"]
    assert "Step 1/" not in (folder / "build.log").read_text()  # no build ran
    assert docker_client.images.get(built["image"]["id"]).attrs["Created"] == created
    assert again["verdict"] == "reproduced"
    assert leftovers() == []


@pytest.mark.parametrize(
    ("claimed", "exit_code", "run_verdict", "claim_verdict"),
    [(0.95, 1, "not_reproduced", "not_reproduced"), (0.85, 0, "reproduced", "exceeded")],
    ids=["below-claim", "above-claim"],
)
def test_claim_verdicts(engine_ready, tmp_path, leftovers, claimed, exit_code, run_verdict,
                        claim_verdict):
    runs = tmp_path / "runs"
    spec = write_spec(tmp_path, "verdicts", [metric_step("0.91")], seeds=[0, 1],
                      metrics=AUC_METRICS,
                      claims=[{"metric": "auc", "value": claimed, "tolerance": 0.01,
                               "higher_is_better": True}])

    result = invoke(["run", str(spec), "--quiet"], runs)

    assert result.exit_code == exit_code, output_of(result)
    record, _ = last_record(runs, "verdicts")
    assert record["status"] == "completed"
    assert record["exit_code"] == exit_code
    assert record["verdict"] == run_verdict
    [claim] = record["claims"]
    assert claim["verdict"] == claim_verdict
    assert claim["values"] == [0.91, 0.91]
    assert claim["claimed"] == claimed
    assert leftovers() == []


def test_metric_that_never_appears_is_missing(engine_ready, tmp_path, leftovers):
    runs = tmp_path / "runs"
    metrics = {"accuracy": {"regex": r"ACCURACY: ([0-9.]+)", "step": "train"}}
    spec = write_spec(tmp_path, "missing", [metric_step()], metrics=metrics,
                      claims=[{"metric": "accuracy", "value": 0.9, "tolerance": 0.01}])

    result = invoke(["run", str(spec), "--quiet"], runs)

    assert result.exit_code == 1, output_of(result)
    record, _ = last_record(runs, "missing")
    assert record["status"] == "completed"
    assert record["exit_code"] == 1
    assert record["verdict"] == "not_reproduced"
    [claim] = record["claims"]
    assert claim["verdict"] == "missing"
    assert claim["values"] == []
    assert "ACCURACY" in claim["explanation"]
    assert record["runs"][0]["missing"]["accuracy"]
    assert leftovers() == []


def test_failing_step_stops_the_run(engine_ready, tmp_path, leftovers):
    runs = tmp_path / "runs"
    steps = [{"name": "prepare", "run": "echo preparing; exit 5"},
             {"name": "train", "run": "echo should-not-run"}]
    spec = write_spec(tmp_path, "stepfail", steps, seeds=[0, 1], metrics=AUC_METRICS,
                      claims=[{"metric": "auc", "value": 0.91, "tolerance": 0.01}])

    result = invoke(["run", str(spec), "--quiet"], runs)

    assert result.exit_code == 3, output_of(result)
    record, folder = last_record(runs, "stepfail")
    assert record["status"] == "failed"
    assert record["exit_code"] == 3
    assert "'prepare'" in record["reason"] and "code 5" in record["reason"]
    # The first failed seed ends the run: seed 1 never started, `train` never ran.
    [run] = record["runs"]
    assert run["status"] == "step_failed"
    assert [s["name"] for s in run["steps"]] == ["prepare"]
    assert run["steps"][0]["exit_code"] == 5
    assert "preparing" in (folder / "seed-0/prepare.log").read_text()
    assert not (folder / "seed-0/train.log").exists()
    assert not (folder / "seed-1").exists()
    assert leftovers() == []


def test_step_overrunning_its_timeout_is_stopped(engine_ready, tmp_path, leftovers):
    runs = tmp_path / "runs"
    steps = [{"name": "train", "run": "echo started; sleep 30", "timeout": "2s"},
             {"name": "evaluate", "run": "echo should-not-run"}]
    spec = write_spec(tmp_path, "timeout", steps)

    started = time.monotonic()
    result = invoke(["run", str(spec), "--quiet"], runs)
    elapsed = time.monotonic() - started

    assert result.exit_code == 3, output_of(result)
    assert elapsed < 25, f"the run took {elapsed:.1f}s; the step should stop after 2s"
    record, folder = last_record(runs, "timeout")
    assert record["status"] == "failed"
    assert record["exit_code"] == 3
    assert record["reason"] == "step 'train' timed out after 2s (its timeout)"
    [run] = record["runs"]
    assert run["status"] == "timeout"
    [train] = run["steps"]
    assert train["timed_out"] is True
    assert train["exit_code"] is None
    assert train["timeout_seconds"] == 2
    assert 1.5 <= train["duration_seconds"] < 20
    assert "started" in (folder / "seed-0/train.log").read_text()
    assert leftovers() == []


def test_failing_build_is_reported_with_its_step(engine_ready, tmp_path, leftovers,
                                                 docker_client):
    runs = tmp_path / "runs"
    spec = write_spec(tmp_path, "buildfail", [metric_step()],
                      environment={"base": BASE, "setup": ["echo building; exit 7"]})

    result = invoke(["run", str(spec), "--quiet"], runs)

    assert result.exit_code == 3, output_of(result)
    record, folder = last_record(runs, "buildfail")
    assert record["status"] == "failed"
    assert record["exit_code"] == 3
    reason = record["reason"]
    assert "image build failed at Step" in reason
    assert "exit 7" in reason  # the failing Dockerfile step, by its command
    assert "non-zero code: 7" in reason
    assert "build.log" in reason
    assert "image build failed" in output_of(result)
    build_log = (folder / "build.log").read_text()
    assert "exit 7" in build_log and "building" in build_log
    [run_line] = [line for line in (folder / "Dockerfile").read_text().splitlines()
                  if line.startswith("RUN ") and "echo building; exit 7" in line]
    assert run_line.split(" && ")[0] == "RUN cd /work/repo"
    assert "runs" not in record
    assert "image" not in record
    assert not [i for i in docker_client.images.list(image_repo("buildfail"))]
    assert leftovers() == []
