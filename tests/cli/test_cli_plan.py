"""`repro plan`: what a run would do, with no engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from runner.cli import app
from runner.run.planning import plan_for

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "aftershock.yaml"
COMMIT = "e1ce30ab75b9ca7baa126c5834fb2f8229ab0f58"
FROM = ("FROM python:2.7@sha256:"
        "cfa62318c459b1fde9e0841c619906d15ada5910d625176e24bf692cf8a2601d")
runner = CliRunner()


def test_plan_shows_commit_dockerfile_and_tag() -> None:
    result = runner.invoke(app, ["plan", str(SPEC)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert COMMIT in result.stdout
    assert FROM in lines
    tag = plan_for(SPEC, None, False).tag
    assert tag.startswith("repro/aftershock:")
    assert f"image tag  {tag}" in result.stdout
    assert "USER 1000:1000" in lines
    assert "nn_auc" in result.stdout and "coulomb_auc" in result.stdout
    assert "/work/input (read-only)" in result.stdout


def test_plan_json_parses() -> None:
    result = runner.invoke(app, ["plan", "--json", str(SPEC)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["spec"] == "aftershock"
    assert summary["source"]["id"] == COMMIT and summary["source"]["pinned"] is True
    assert summary["base"]["pinned"] is True
    assert FROM in summary["dockerfile"].splitlines()
    assert summary["image_tag"] == plan_for(SPEC, None, False).tag
    assert list(summary["steps"]) == ["0", "1", "2"]
    assert [c["metric"] for c in summary["claims"]] == ["nn_auc", "coulomb_auc"]
    assert summary["resources"]["memory"] == "32g" and summary["resources"]["timeout"] == "1d"
    assert summary["mounts"] == [{"data": "aftershock-data", "target": "/work/input",
                                  "read_only": True}]


def test_plan_of_the_demo_uses_its_local_folder() -> None:
    result = runner.invoke(app, ["plan", "--json", str(ROOT / "specs" / "aftershock-mini.yaml")])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["source"]["pinned"] is False
    assert summary["steps"]["1"][0]["command"] == "python3 train.py --seed 1 --fraction 1.0"


def test_plan_of_an_invalid_spec_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\n")
    result = runner.invoke(app, ["plan", str(bad)])
    assert result.exit_code == 2 and "required key is missing" in result.stderr


def test_plan_of_a_missing_spec_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["plan", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2 and "no such file" in result.stderr


def test_plan_refuses_a_stale_lock(tmp_path: Path) -> None:
    spec = tmp_path / "aftershock.yaml"
    spec.write_text(SPEC.read_text())
    (tmp_path / "aftershock.lock.yaml").write_text(
        "version: 1\nspec: aftershock\ninputs: sha256:old\n")
    result = runner.invoke(app, ["plan", str(spec)])
    assert result.exit_code == 2
    assert "is stale" in result.stderr


def test_plan_refuses_a_corrupt_lock(tmp_path: Path) -> None:
    spec = tmp_path / "aftershock.yaml"
    spec.write_text(SPEC.read_text())
    (tmp_path / "aftershock.lock.yaml").write_text("{broken")
    result = runner.invoke(app, ["plan", str(spec)])
    assert result.exit_code == 2 and "not a valid lock file" in result.stderr


def test_plan_prints_the_same_tag_with_or_without_a_ca_bundle(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # A lab behind a TLS proxy and one without must share one image (README's promise).
    bundle = tmp_path / "ca.crt"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    tags = []
    for value in ("none", str(bundle)):
        monkeypatch.setenv("REPRO_TRUST_CA", value)
        result = runner.invoke(app, ["plan", "--json", str(SPEC)])
        assert result.exit_code == 0, result.output
        summary = json.loads(result.stdout)
        tags.append(summary["image_tag"])
        assert ("build-ca.crt" in summary["dockerfile"]) is (value != "none")
    assert tags[0] == tags[1]
