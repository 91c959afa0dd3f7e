"""Longest first from earlier journals; the batch's exit code is the worst of its jobs."""

from __future__ import annotations

import json

from runner.batch.finish import batch_exit_code
from runner.batch.journal import Job, JobState, Journal
from runner.batch.order import journal_durations, longest_first, spec_guess
from runner.spec import load_spec_text


def test_longest_first_is_stable_for_equal_estimates():
    seconds = {"a": 10.0, "b": 300.0, "c": 10.0, "d": 60.0}
    assert longest_first(["a", "b", "c", "d"], seconds) == ["b", "d", "a", "c"]


def test_durations_come_from_the_newest_earlier_journal(tmp_path):
    for batch, finished, seconds in (("B1", "2026-01-01T00:00:00", 50.0),
                                     ("B2", "2026-01-02T00:00:00", 70.0)):
        (tmp_path / batch).mkdir()
        jobs = [{"name": "a", "state": "done", "finished": finished,
                 "duration_seconds": seconds},
                {"name": "b", "state": "error", "finished": finished, "duration_seconds": 1.0}]
        (tmp_path / batch / "batch.json").write_text(json.dumps({"jobs": jobs}))
    (tmp_path / "B3").mkdir()
    (tmp_path / "B3" / "batch.json").write_text("{not json")
    assert journal_durations(tmp_path) == {"a": 70.0}
    assert journal_durations(tmp_path, exclude=tmp_path / "B2") == {"a": 50.0}


def test_spec_guess_uses_the_timeouts():
    base = ("version: 1\npaper: {title: t}\nrepo: {path: c}\nenvironment: {base: b}\n"
            "seeds: [0, 1]\n")
    steps = "steps: [{name: s, run: x, timeout: 10m}, {name: t, run: y, timeout: 5m}]\n"
    assert spec_guess(load_spec_text(base + "resources: {timeout: 2h}\n" + steps, "s")) == 7200
    assert spec_guess(load_spec_text(base + steps, "s")) == 2 * 900
    assert spec_guess(load_spec_text(base + "steps: [{name: s, run: x}]\n", "s")) == 3600


def _job(state: JobState, code: int | None) -> Job:
    return Job(name="x", spec="x.yaml", state=state, exit_code=code)


def test_worst_exit_code_wins():
    done = JobState.DONE
    assert batch_exit_code([]) == 0
    assert batch_exit_code([_job(done, 0), _job(done, 0)]) == 0
    assert batch_exit_code([_job(done, 0), _job(done, 1)]) == 1
    assert batch_exit_code([_job(done, 1), _job(JobState.ERROR, 3), _job(done, 0)]) == 3
    assert batch_exit_code([_job(done, 3), _job(done, 4), _job(done, 1)]) == 4
    assert batch_exit_code([_job(done, 70)]) == 4  # a crash of repro in one job
    assert batch_exit_code([_job(done, 2)]) == 3  # a spec problem the pipeline found
    assert batch_exit_code([_job(JobState.QUEUED, None)]) == 4  # never ran


def test_journal_is_saved_whole_at_each_update(journal):
    j = journal("a", "b")
    j.update("b", state=JobState.RUNNING, pid=42)
    again = Journal.load(j.folder)
    assert again.data.job("b").state is JobState.RUNNING and again.data.job("b").pid == 42
    assert [p.name for p in j.folder.iterdir()] == ["batch.json"]  # no temp file left
