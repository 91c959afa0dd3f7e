"""Two real nightly runs of a tiny paper whose metric and pip packages differ: the history
holds both, `repro diff` and `repro drift` name the metric change and the package change,
and the report is written from them. Real Docker, a real git repository, real pip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from itest_support import BASE, invoke, output_of, spec_name, write_spec

pytestmark = pytest.mark.docker

STEPS = [{"name": "train",
          "run": "python3 -c \"import six; print('six', six.__version__)\" && "
                 "echo \"AUC: $(cat auc.txt)\""}]
METRICS = {"auc": {"regex": r"AUC: ([0-9.]+)", "step": "train"}}
CLAIMS = [{"metric": "auc", "value": 0.91, "tolerance": 0.01}]


def _spec(folder: Path, repo: Path, commit: str, six: str) -> Path:
    return write_spec(folder, "drift", STEPS, repo={"url": str(repo), "commit": commit},
                      environment={"base": BASE, "pip": {"packages": [f"six=={six}"]}},
                      metrics=METRICS, claims=CLAIMS, seeds=[0, 1])


def test_diff_and_drift_name_the_metric_and_the_package(engine_ready, trust_ca, tmp_path,
                                                        make_git_repo, leftovers, monkeypatch):
    monkeypatch.setenv("REPRO_HISTORY", str(tmp_path / "history.sqlite"))
    runs, name = tmp_path / "runs", spec_name("drift")
    repo, first = make_git_repo({"auc.txt": "0.91\n"}, "paper")
    _, second = make_git_repo({"auc.txt": "0.80\n"}, "paper")

    night1 = invoke(["run", str(_spec(tmp_path, repo, first, "1.16.0")), "--quiet"], runs)
    night2 = invoke(["run", str(_spec(tmp_path, repo, second, "1.17.0")), "--quiet"], runs)

    assert night1.exit_code == 0, output_of(night1)
    assert night2.exit_code == 1, output_of(night2)  # the claim no longer holds
    listed = json.loads(invoke(["history", name, "--json"]).output)
    [spec] = listed["specs"]
    assert [r["outcome"] for r in spec["runs"]] == ["reproduced", "not_reproduced"]
    assert [r["commit"] for r in spec["runs"]] == [first, second]
    assert [r["metrics"]["auc"]["mean"] for r in spec["runs"]] == [0.91, 0.8]

    shown = invoke(["diff", f"{name}@previous", f"{name}@last"])
    assert shown.exit_code == 0, output_of(shown)
    text = output_of(shown)
    assert "verdict reproduced -> not_reproduced" in text
    assert "changed six 1.16.0 -> 1.17.0" in text
    data = json.loads(invoke(["diff", f"{name}@previous", f"{name}@last", "--json"]).output)
    [auc] = data["metrics"]
    assert (auc["name"], auc["a"]["mean"], auc["b"]["mean"]) == ("auc", 0.91, 0.8)
    assert auc["difference"] == pytest.approx(-0.11) and auc["beyond_tolerance"] is True
    assert data["packages"]["changed"] == {"six": {"a": "1.16.0", "b": "1.17.0"}}
    changed = {c["key"]: (c["a"], c["b"]) for c in data["environment"]}
    assert changed["commit"] == (first, second)
    assert "image_id" in changed and "spec_sha256" in changed

    drift = invoke(["drift"])
    assert drift.exit_code == 0, output_of(drift)
    assert f"{name}: verdict reproduced -> not_reproduced; auc 0.91 -> 0.8 (-0.11; " \
           "tolerance 0.01)" in output_of(drift)
    assert "packages: six 1.16.0->1.17.0" in output_of(drift)

    site = tmp_path / "site"
    assert invoke(["report", str(site)]).exit_code == 0
    run_pages = sorted((site / "run").glob("*/index.html"))
    assert len(run_pages) == 2
    assert all((p.parent / "logs" / "seed-0" / "train.log").is_file() for p in run_pages)
    assert leftovers() == []


def test_failed_runs_are_history_and_a_broken_history_is_only_a_warning(
        engine_ready, tmp_path, leftovers, monkeypatch):
    runs = tmp_path / "runs"
    monkeypatch.setenv("REPRO_HISTORY", str(tmp_path / "history.sqlite"))
    failing = write_spec(tmp_path, "fails", [{"name": "train", "run": "exit 3"}])

    failed = invoke(["run", str(failing), "--quiet"], runs)

    assert failed.exit_code == 3, output_of(failed)
    listed = json.loads(invoke(["history", spec_name("fails"), "--json"]).output)
    assert [r["status"] for r in listed["specs"][0]["runs"]] == ["failed"]

    monkeypatch.setenv("REPRO_HISTORY", "postgresql://nobody@127.0.0.1:1/none")
    fine = write_spec(tmp_path, "fine", [{"name": "train", "run": "echo ok"}])
    result = invoke(["run", str(fine), "--quiet"], runs)
    assert result.exit_code == 0, output_of(result)
    assert "warning: run not added to the history: cannot use the history at " \
           "postgresql://nobody@127.0.0.1:1/none" in output_of(result)
    assert leftovers() == []
