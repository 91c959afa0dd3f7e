"""Two runs compared: metrics against tolerance and intervals, verdicts, what changed."""

from __future__ import annotations

import pytest
from record_factory import make_record

from runner.history.compare import diff_runs
from runner.history.drift import flags_of
from runner.record.model import RunRecord


def _run(**kw: object) -> RunRecord:
    return RunRecord.model_validate(make_record(**kw))  # type: ignore[arg-type]


def test_metric_beyond_tolerance_and_package_change_are_named() -> None:
    a = _run(day=0, values=[0.90, 0.905, 0.895])
    b = _run(day=1, values=[0.80, 0.81, 0.79], verdict="not_reproduced",
             pip=["numpy==1.26.4", "pip==23.0.1", "six==1.17.0", "tqdm==4.66.1"])

    diff = diff_runs(a, b)

    [auc] = diff.metrics
    assert auc.difference == pytest.approx(-0.1)
    assert auc.tolerance == 0.01
    assert auc.beyond_tolerance is True and auc.intervals_overlap is False and auc.moved
    assert auc.verdict_changed
    assert diff.verdict_changed and (diff.a.outcome, diff.b.outcome) == (
        "reproduced", "not_reproduced")
    assert diff.packages is not None
    assert diff.packages.changed == {"six": ("1.16.0", "1.17.0")}
    assert diff.packages.added == {"tqdm": "4.66.1"} and diff.packages.removed == {}
    assert [c.label for c in diff.environment] == ["image digest"]
    flags = flags_of(diff)
    assert flags[0] == "verdict reproduced -> not_reproduced"
    assert flags[1].startswith("auc 0.9 -> 0.8 (-0.1; tolerance 0.01)")


def test_small_move_inside_tolerance_is_not_drift() -> None:
    diff = diff_runs(_run(day=0), _run(day=1, values=[0.901, 0.906, 0.896]))
    [auc] = diff.metrics
    assert auc.beyond_tolerance is False and auc.intervals_overlap is True
    assert not auc.moved and flags_of(diff) == []
    assert not diff.beneath_changed


def test_metric_without_claim_moves_when_intervals_part() -> None:
    a = _run(day=0, extra_metric=[0.30, 0.31, 0.30])
    b = _run(day=1, extra_metric=[0.50, 0.51, 0.50])
    loss = next(m for m in diff_runs(a, b).metrics if m.name == "loss")
    assert loss.tolerance is None and loss.beyond_tolerance is None
    assert loss.intervals_overlap is False and loss.moved


def test_environment_changes_beneath_are_listed_by_name() -> None:
    a = _run(day=0)
    b = _run(day=1, commit="b" * 40, kernel="6.1.0-21")
    b.fingerprint["host"]["gpus"] = {"driver_version": "550.54", "devices": [
        {"name": "NVIDIA H100"}, {"name": "NVIDIA H100"}]}
    b.data[0].sha256 = "8" * 64

    changes = {c.key: (c.a, c.b) for c in diff_runs(a, b).environment}

    assert changes["commit"] == ("a" * 40, "b" * 40)
    assert changes["kernel"] == ("6.1.0-18", "6.1.0-21")
    assert changes["driver"] == (None, "550.54")
    assert changes["gpu"] == ("unavailable", "NVIDIA H100, NVIDIA H100")
    assert changes["data:table"] == ("7" * 64, "8" * 64)


def test_twice_as_long_is_a_flag() -> None:
    diff = diff_runs(_run(day=0, duration=30.0), _run(day=1, duration=61.0))
    assert flags_of(diff) == ["took 2.0x as long (30s -> 61s)"]
    assert flags_of(diff_runs(_run(day=0, duration=30.0), _run(day=1, duration=60.0))) == []


def test_failed_run_without_packages_is_not_shown_as_everything_removed() -> None:
    b = make_record(day=1, values=[], status="failed")
    del b["fingerprint"]["container"]
    diff = diff_runs(_run(day=0), RunRecord.model_validate(b))
    assert diff.b.outcome == "failed" and diff.verdict_changed
    assert diff.packages is None
    assert any("no pip freeze recorded" in n for n in diff.notes)
    assert diff.to_json()["packages"] is None
