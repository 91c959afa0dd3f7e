"""The bundled demo paper end to end: the README's demo, with seeds, a variant and a probe."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from runner.cli import app
from tests.conftest import ROOT

pytestmark = [pytest.mark.docker, pytest.mark.e2e]
SPEC = ROOT / "specs" / "aftershock-mini.yaml"


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory, docker_client: Any,
             base_image: str) -> tuple[int, dict[str, Any], Path, str]:
    runs = tmp_path_factory.mktemp("runs")
    mp = pytest.MonkeyPatch()
    mp.setenv("REPRO_TRUST_CA", "/etc/ssl/certs/ca-certificates.crt")
    mp.setenv("REPRO_CACHE", str(runs / "cache"))
    try:
        result = CliRunner().invoke(app, ["run", str(SPEC), "--runs-dir", str(runs),
                                          "--variants", "all", "--repeat-seed", "0", "--quiet"])
    finally:
        mp.undo()
    records = sorted(runs.glob("aftershock-mini/*/record.json"))
    assert records, result.output
    return result.exit_code, json.loads(records[-1].read_text()), records[-1].parent, \
        result.output


def test_demo_claims_are_reproduced_with_intervals(demo_run: tuple[int, dict[str, Any], Path,
                                                                   str]) -> None:
    code, record, _, output = demo_run
    assert code == 0, output
    assert record["status"] == "completed"
    assert record["verdict"] == "reproduced"
    nn = next(c for c in record["claims"] if c["metric"] == "nn_auc")
    assert nn["n"] == 3 and nn["verdict"] == "reproduced"
    assert nn["ci_low"] < nn["mean"] < nn["ci_high"]
    assert nn["band"][0] <= nn["ci_low"] and nn["ci_high"] <= nn["band"][1]
    assert "3 seeds" in nn["explanation"]
    assert "claims" in output and "reproduced" in output


def test_demo_findings_show_the_planted_flaws(demo_run: tuple[int, dict[str, Any], Path,
                                                                str]) -> None:
    _, record, folder, output = demo_run
    assert record["summary"] == "reproduced, with critical findings"
    findings = record["findings"]
    severities = [f["severity"] for f in findings]
    assert severities == sorted(severities, key=["critical", "warning", "info"].index)
    leak = next(f for f in findings if f["audit"] == "leakage" and "groups" in f["statement"])
    assert leak["severity"] == "critical" and leak["evidence"]["groups_leaking"] == 36
    baselines = [f for f in findings if f["audit"] == "baseline"]
    assert {f["evidence"]["baseline"] for f in baselines} == {
        "logistic-regression-max-shear", "paper-baseline-script"}
    assert all("matches the model" in f["statement"] for f in baselines)
    curve = next(f for f in findings if f["audit"] == "learning_curve")
    assert curve["evidence"]["smallest_fraction_reaching_target"] == 0.01
    assert (folder / "learning_curve.svg").read_text().lstrip().startswith("<svg")
    assert "Audit findings" in output


def test_demo_group_split_variant_drops_the_auc(demo_run: tuple[int, dict[str, Any], Path,
                                                                  str]) -> None:
    _, record, _, _ = demo_run
    row = next(r for r in record["variants"]
               if r["variant"] == "group-split" and r["metric"] == "nn_auc")
    assert row["n"] == 3
    assert row["difference"] < -0.02
    assert row["p_holm"] >= row["p_value"]
    assert row["significant"] is True


def test_demo_second_test_set_reuses_the_main_models_and_states_the_drop(
        demo_run: tuple[int, dict[str, Any], Path, str]) -> None:
    _, record, _, _ = demo_run
    row = next(r for r in record["variants"]
               if r["variant"] == "shifted-testset" and r["metric"] == "nn_auc")
    assert row["n"] == 3 and row["paired"] is True
    assert -0.15 < row["difference"] < -0.04  # the same models, a harder test set
    assert row["diff_ci_low"] < row["difference"] < row["diff_ci_high"] < 0
    assert row["statement"].startswith("nn_auc drops 0.0")
    assert row["statement"].endswith("on shifted-testset")
    info = record["variant_info"]["shifted-testset"]
    assert "only evaluate" in info["changes"] and info["own_image"] is False
    runs = [r for r in record["runs"] if r["variant"] == "shifted-testset"]
    assert [[s["name"] for s in r["steps"]] for r in runs] == [["evaluate"]] * 3  # no training


def test_demo_determinism_probe_is_identical(demo_run: tuple[int, dict[str, Any], Path,
                                                               str]) -> None:
    _, record, _, _ = demo_run
    probe = record["determinism_probe"]
    assert probe["seed"] == 0
    assert probe["identical"] is True
    assert set(probe["max_abs_difference"]) >= {"nn_auc", "test_auc"}
    assert probe["switches"]["PYTHONHASHSEED"] == "0"


def test_demo_record_has_fingerprints_and_no_container_left(
        demo_run: tuple[int, dict[str, Any], Path, str], docker_client: Any) -> None:
    _, record, folder, _ = demo_run
    host = record["fingerprint"]["host"]
    assert host["cpu"]["logical"] >= 1 and host["memory_bytes"] > 0
    assert "unavailable" in host["gpus"] or "devices" in host["gpus"]
    container = record["fingerprint"]["container"]
    assert container["python"].startswith("Python 3")
    assert any(line.startswith("numpy==") for line in container["pip_freeze"])
    assert (folder / "Dockerfile").exists() and (folder / "seed-0" / "train.log").exists()
    left = docker_client.containers.list(all=True, filters={"label": "org.repro.managed=true"})
    assert [c for c in left if c.labels.get("org.repro.run") == record["run_id"]] == []


def test_show_prints_the_saved_record(demo_run: tuple[int, dict[str, Any], Path, str]) -> None:
    _, record, folder, _ = demo_run
    result = CliRunner().invoke(app, ["show", str(folder)])
    assert result.exit_code == 0
    assert record["run_id"] in result.output
    assert "variants vs the main configuration" in result.output
    assert "determinism probe" in result.output


def test_demo_leaky_preprocess_variant_is_flagged_by_both_audits(
        demo_run: tuple[int, dict[str, Any], Path, str]) -> None:
    _, record, _, _ = demo_run
    findings = record["findings"]
    main_code = [f for f in findings if f["audit"] == "code" and "variant" not in f["evidence"]]
    assert [f["severity"] for f in main_code] == ["info"]
    main_nb = next(f for f in findings
                   if f["audit"] == "neighbours" and "variant" not in f["evidence"])
    assert main_nb["severity"] == "info"
    leaky = [f for f in findings if f["evidence"].get("variant") == "leaky-preprocess"]
    code = sorted((f["evidence"]["file"], f["evidence"]["kind"]) for f in leaky
                  if f["audit"] == "code")
    assert code == [("evaluate.py", "oversampling"), ("train.py", "oversampling")]
    nb = next(f for f in leaky if f["audit"] == "neighbours")
    assert nb["severity"] == "critical" and nb["evidence"]["share_flagged"] > 0.1
