"""The bundled demo paper examples/aftershock-mini behaves as its README says.

Each run happens in a temporary copy of the example, so nothing is written into the tree.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "aftershock-mini"
AUC_LINE = re.compile(r"^merged AUC on testing data set: (0\.\d{3})$", re.MULTILINE)
COULOMB_LINE = re.compile(r"^Coulomb AUC on testing data set: (0\.\d{3})$", re.MULTILINE)


def _run(workdir: Path, *args: str, **env: str) -> str:
    result = subprocess.run(
        [sys.executable, *args], cwd=workdir, env={**os.environ, **env},
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _paper(tmp_path_factory: pytest.TempPathFactory, seed: int = 0, split: str = "cell",
           fraction: str = "1.0") -> dict[str, Any]:
    """Copy the example, train and evaluate once; return stdout, metrics and the folder."""
    workdir = tmp_path_factory.mktemp("aftershock") / "repo"
    shutil.copytree(EXAMPLE, workdir, ignore=shutil.ignore_patterns("__pycache__", "out",
                                                                    "results", "data"))
    _run(workdir, "train.py", "--seed", str(seed), "--fraction", fraction, SPLIT=split)
    stdout = _run(workdir, "evaluate.py")
    metrics = json.loads((workdir / "results" / "metrics.json").read_text())
    return {"stdout": stdout, "metrics": metrics, "dir": workdir}


@pytest.fixture(scope="module")
def cell(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _paper(tmp_path_factory)


def test_output_lines_and_metrics_keys(cell: dict[str, Any]) -> None:
    auc = AUC_LINE.search(cell["stdout"])
    coulomb = COULOMB_LINE.search(cell["stdout"])
    assert auc and coulomb, cell["stdout"]
    metrics = cell["metrics"]
    assert set(metrics) == {"train", "test", "n_train", "n_test", "split", "fraction"}
    assert set(metrics["test"]) == {"auc", "coulomb_auc"} and set(metrics["train"]) == {"auc"}
    assert metrics["split"] == "cell" and metrics["fraction"] == 1.0
    assert float(auc.group(1)) == pytest.approx(metrics["test"]["auc"], abs=5e-4)


def test_written_tables(cell: dict[str, Any]) -> None:
    with (cell["dir"] / "out" / "test.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == cell["metrics"]["n_test"]
    assert list(rows[0]) == ["item", "cell", "stress_xx", "stress_yy", "stress_zz", "stress_xy",
                             "stress_xz", "stress_yz", "coulomb", "max_shear", "aftershock",
                             "score"]
    assert {r["aftershock"] for r in rows} == {"0", "1"}
    with (cell["dir"] / "data" / "split.csv").open() as handle:
        split = list(csv.DictReader(handle))
    # The cell split leaks: every event has cells on both sides.
    sides: dict[str, set[str]] = {}
    for row in split:
        assert re.match(r"^\d{4}[A-Z]+_0[12]$", row["Name"])
        sides.setdefault(row["Name"], set()).add(row["Original"])
    assert all(s == {"Training", "Testing"} for s in sides.values())


def test_cell_split_auc_in_target_range(cell: dict[str, Any]) -> None:
    test = cell["metrics"]["test"]
    assert 0.83 <= test["auc"] <= 0.87
    assert 0.54 <= test["coulomb_auc"] <= 0.63


def test_same_seed_is_deterministic(
    cell: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    again = _paper(tmp_path_factory)
    assert again["metrics"] == cell["metrics"]
    assert (again["dir"] / "out" / "test.csv").read_bytes() == (
        cell["dir"] / "out" / "test.csv"
    ).read_bytes()


def test_group_split_is_clearly_lower(
    cell: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    group = _paper(tmp_path_factory, split="group")
    assert group["metrics"]["split"] == "group"
    assert group["metrics"]["test"]["auc"] <= cell["metrics"]["test"]["auc"] - 0.025
    with (group["dir"] / "data" / "split.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len({r["Name"] for r in rows})  # each event on one side only


def test_one_percent_of_the_rows_is_nearly_as_good(
    cell: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    small = _paper(tmp_path_factory, fraction="0.01")
    assert small["metrics"]["n_train"] < cell["metrics"]["n_train"] / 50
    assert small["metrics"]["test"]["auc"] >= cell["metrics"]["test"]["auc"] - 0.05


def test_one_invariant_logistic_regression_matches_network(cell: dict[str, Any]) -> None:
    stdout = _run(cell["dir"], "baseline.py")
    assert re.search(r"^max_shear logistic regression AUC on testing data set: 0\.\d{3}$",
                     stdout, re.MULTILINE)
    baseline = json.loads((cell["dir"] / "results" / "baseline.json").read_text())
    assert abs(baseline["test"]["auc"] - cell["metrics"]["test"]["auc"]) <= 0.025


def test_leaky_preprocess_is_found_by_both_audits(tmp_path: Path) -> None:
    """PREPROCESS=leaky oversamples before the split: the code audit names the lines, the
    neighbour audit finds the synthetic test rows; the default code and rows are clean."""
    from runner.audits.code_audit import audit_code
    from runner.audits.neighbours import audit_neighbours

    assert [f.severity for f in audit_code([EXAMPLE])] == ["info"]
    leaks = [f.evidence for f in audit_code([EXAMPLE], {"PREPROCESS": "leaky"})]
    assert [(e["file"], e["fit"], e["split"], e["kind"]) for e in leaks] == [
        ("evaluate.py", "Smote.fit_resample", "split_rows", "oversampling"),
        ("train.py", "Smote.fit_resample", "split_rows", "oversampling")]
    workdir = tmp_path / "repo"
    shutil.copytree(EXAMPLE, workdir, ignore=shutil.ignore_patterns("__pycache__", "out"))
    columns = ["stress_xx", "stress_yy", "stress_zz", "stress_xy", "stress_xz", "stress_yz"]
    shares = {}
    for mode in ("clean", "leaky"):
        _run(workdir, "train.py", "--seed", "0", PREPROCESS=mode)
        _run(workdir, "evaluate.py", PREPROCESS=mode)
        (finding,) = audit_neighbours(workdir / "out/train.csv", workdir / "out/test.csv",
                                      columns)
        shares[mode] = (finding.severity, finding.evidence["share_flagged"])
    assert shares["clean"][0] == "info" and shares["clean"][1] < 0.02
    assert shares["leaky"][0] == "critical" and shares["leaky"][1] > 0.1
