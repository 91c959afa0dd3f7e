"""--resume: finished jobs untouched, unfinished ones queued again, a run finished after
the journal's last write adopted (never run twice)."""

from __future__ import annotations

from pathlib import Path

from record_factory import make_record, write_run

from runner.batch.journal import JobState
from runner.batch.registry import Entry
from runner.batch.resume import reconcile
from runner.spec import load_spec_text

SPEC = ("version: 1\npaper: {title: t}\nrepo: {path: c}\nenvironment: {base: b}\n"
        "steps: [{name: s, run: x}]\n")


def _entries(*names: str) -> list[Entry]:
    return [Entry(n, Path(f"/s/{n}.yaml"), load_spec_text(SPEC, f"{n}.yaml")) for n in names]


def test_reconcile_keeps_final_jobs_and_requeues_the_rest(journal):
    j = journal("done", "killed", "finished-late", "queued")
    done = write_run(j.folder, make_record("done"))
    done_rel = str(done.relative_to(j.folder) / "record.json")
    j.update("done", state=JobState.DONE, record=done_rel, exit_code=0, verdict="reproduced")
    killed = write_run(j.folder, make_record("killed", status="interrupted"))
    j.update("killed", state=JobState.RUNNING, attempts=1, pid=2**22 + 7)
    write_run(j.folder, make_record("finished-late"))
    j.update("finished-late", state=JobState.RUNNING, attempts=1)
    before = j.path.read_text()

    again = reconcile(j, _entries("done", "killed", "finished-late", "queued"))

    assert sorted(again) == ["killed", "queued"]
    assert j.data.job("done").record == done_rel and j.data.job("done").state is JobState.DONE
    killed_job = j.data.job("killed")
    assert killed_job.state is JobState.QUEUED and killed_job.pid is None
    assert killed_job.earlier == [str(killed.relative_to(j.folder) / "record.json")]
    late = j.data.job("finished-late")
    assert late.state is JobState.DONE and late.exit_code == 0 and late.verdict == "reproduced"
    assert j.path.read_text() != before


def test_a_spec_gone_from_the_registry_is_an_error(journal):
    j = journal("gone")
    reconcile(j, [])
    assert j.data.job("gone").state is JobState.ERROR
