"""The batch's drift: its specs only, and a warning instead of a failure."""

from __future__ import annotations

from pathlib import Path

from record_factory import make_record, write_run

from runner.history.after_batch import drift_after_batch
from runner.history.ingest import import_folders
from runner.history.store import open_store
from runner.history.views import drift_lines


def test_drift_of_the_batch_specs(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'h.sqlite'}"
    runs = tmp_path / "runs"
    for spec in ("a", "b"):
        write_run(runs, make_record(spec, 0))
        write_run(runs, make_record(spec, 1, values=[0.5, 0.5], verdict="not_reproduced"))
    with open_store(url) as store:
        import_folders(store, [runs])

    drifts, warning = drift_after_batch(["b"], url)

    assert warning is None and [d.spec for d in drifts] == ["b"]
    assert drift_lines(drifts)[0].startswith("b: verdict reproduced -> not_reproduced; auc")


def test_unreachable_history_is_a_warning() -> None:
    drifts, warning = drift_after_batch(["a"], "postgresql://nobody@127.0.0.1:1/none")
    assert drifts == [] and warning is not None
    assert warning.startswith("drift not computed: cannot use the history")
