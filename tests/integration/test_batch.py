"""`repro batch` on a real engine over a registry the tests make: two papers that reproduce,
one that does not, one that fails, one too large for the machine, one invalid spec; exit
codes, the journal, records under the batch folder, JUnit checked against junit-10.xsd,
GPU ids handed out by id, and one build shared by two batches at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from itest_support import AUC_METRICS, invoke, metric_step, output_of, spec_name, write_spec

from runner.history.store import open_store

pytestmark = pytest.mark.docker

XSD = Path(__file__).resolve().parents[1] / "schemas" / "junit-10.xsd"
CLAIMS = [{"metric": "auc", "value": 0.91, "tolerance": 0.01}]


def _registry(folder: Path) -> Path:
    reg = folder / "registry"
    for short in ("rep-a", "rep-b"):
        write_spec(reg, short, [metric_step()], seeds=[0, 1], metrics=AUC_METRICS,
                   claims=CLAIMS)
    write_spec(reg / "more", "notrep", [metric_step("0.50")], metrics=AUC_METRICS,
               claims=CLAIMS)
    write_spec(reg / "more", "fails", [{"name": "train", "run": "echo boom; exit 3"}])
    write_spec(reg, "huge", [metric_step()], resources={"cpus": 64, "memory": "1t"})
    (reg / "invalid.yaml").write_text("version: 1\npaper: {title: t}\nrepo: {path: x}\n"
                                      "environment: {base: b}\nsteps: []\nbogus: 1\n")
    (reg / "retired.lock.yaml").write_text("not: a spec\n")  # lock files are skipped
    return reg


def _journal(out: Path) -> dict[str, Any]:
    [path] = out.glob("*/batch.json")
    return json.loads(path.read_text())


def test_batch_over_a_registry(engine_ready, tmp_path, leftovers, _private_history):
    reg, out, junit = _registry(tmp_path), tmp_path / "out", tmp_path / "ci" / "junit.xml"

    result = invoke(["batch", str(reg), "--out", str(out), "--junit", str(junit), "--slots",
                     "2"])

    text = output_of(result)
    assert result.exit_code == 4, text  # the worst: a job too large for this machine
    journal = _journal(out)
    jobs = {j["name"]: j for j in journal["jobs"]}
    assert journal["state"] == "finished" and journal["exit_code"] == 4
    rep, notrep, fails = (jobs[spec_name(s)] for s in ("rep-a", "notrep", "fails"))
    assert (rep["state"], rep["verdict"], rep["exit_code"]) == ("done", "reproduced", 0)
    assert jobs[spec_name("rep-b")]["verdict"] == "reproduced"
    assert (notrep["verdict"], notrep["exit_code"]) == ("not_reproduced", 1)
    assert (fails["state"], fails["status"], fails["exit_code"]) == ("done", "failed", 3)
    huge = jobs[spec_name("huge")]
    assert (huge["state"], huge["exit_code"], huge["attempts"]) == ("error", 4, 0)
    assert "asks for 64 CPUs, 1t memory, 0 GPUs; this machine has" in huge["reason"]
    assert jobs["invalid"]["state"] == "error" and jobs["invalid"]["exit_code"] == 3
    assert f"{reg / 'invalid.yaml'}:6: bogus: unknown key" in text
    for job in (rep, notrep, fails):
        record = json.loads((out / journal["batch_id"] / job["record"]).read_text())
        assert job["record"].startswith(f"{job['name']}/") and record["run_id"] in job["record"]
        assert record["spec"]["name"] == job["name"]
        assert job["duration_seconds"] > 0 and job["started"] and job["finished"]
    assert "7 job(s)" not in text and "6 job(s): 2 reproduced" in text
    assert leftovers() == []
    # Each finished run went into the history once, as `repro run` does.
    with open_store(str(_private_history)) as store:
        names = [r.spec_name for r in store.runs() if r.run_id in str(journal)]
    assert sorted(names) == sorted(spec_name(s) for s in ("rep-a", "rep-b", "notrep", "fails"))
    xmlschema.XMLSchema(str(XSD)).validate(str(junit))
    xml = junit.read_text()
    assert f'<testsuite name="{spec_name("notrep")}"' in xml
    assert 'type="not_reproduced" message="not_reproduced: mean 0.5' in xml
    assert 'name="image_digest" value="sha256:' in xml


@pytest.mark.parametrize("only, code", [("rep-a,rep-b", 0), ("rep-a,notrep", 1),
                                        ("rep-b,fails", 3)])
def test_exit_code_is_the_worst_of_the_jobs(engine_ready, tmp_path, only, code):
    reg, out = _registry(tmp_path), tmp_path / "out"
    names = ",".join(spec_name(s) for s in only.split(","))
    site = tmp_path / "site"
    result = invoke(["batch", str(reg), "--out", str(out), "--only", names, "--quiet",
                     "--report", str(site)])
    assert result.exit_code == code, output_of(result)
    assert len(_journal(out)["jobs"]) == 2
    # --report: the history's site, with this batch's runs in it.
    index = (site / "index.html").read_text()
    assert all(spec_name(s) in index for s in only.split(","))


def test_gpus_are_handed_out_by_id(engine_ready, tmp_path):
    """No NVIDIA runtime here: each GPU job fails (exit 4) after its ids were assigned; the
    ids are distinct, in the journal and in the failure the record keeps."""
    reg, out = tmp_path / "reg", tmp_path / "out"
    for short in ("gpu-a", "gpu-b"):
        write_spec(reg, short, [metric_step()], resources={"gpus": 1})
    write_spec(reg, "gpu-named", [metric_step()], resources={"gpus": [1]})
    result = invoke(["batch", str(reg), "--out", str(out), "--gpus", "0,1", "--quiet"])
    assert result.exit_code == 4, output_of(result)
    journal = _journal(out)
    jobs = {j["name"]: j for j in journal["jobs"]}
    assert jobs[spec_name("gpu-named")]["gpus"] == [1]
    assert sorted(jobs[spec_name(s)]["gpus"][0] for s in ("gpu-a", "gpu-b")) == [0, 1]
    for job in jobs.values():
        record = json.loads((out / journal["batch_id"] / job["record"]).read_text())
        assert f"(assigned ids {job['gpus']})" in record["reason"]


def test_two_batches_at_once_build_one_image(engine_ready, tmp_path):
    """Two batches (different OUT) over one spec at the same time: one builds, the other
    waits for that build and reuses it (the host-wide build lock)."""
    reg = tmp_path / "reg"
    write_spec(reg, "shared", [metric_step()], metrics=AUC_METRICS, claims=CLAIMS,
               environment={"base": "repro/debian-python:bookworm",
                            "setup": ["sleep 3"]})
    procs = [subprocess.Popen([sys.executable, "-m", "runner", "batch", str(reg), "--out",
                               str(tmp_path / f"out{i}"), "--quiet"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env=dict(os.environ)) for i in (1, 2)]
    outputs = [p.communicate(timeout=300)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    images = []
    for i in (1, 2):
        journal = _journal(tmp_path / f"out{i}")
        record = json.loads((tmp_path / f"out{i}" / journal["batch_id"] /
                             journal["jobs"][0]["record"]).read_text())
        images.append(record["image"])
    assert images[0]["id"] == images[1]["id"]
    assert sorted(image["reused"] for image in images) == [False, True]
