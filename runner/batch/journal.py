"""`batch.json`: the batch's journal, each job's state, timings, record and verdict.

Written whole and atomically (temp file, fsync, rename) at every change, so a batch killed
at any instant leaves a journal that `--resume` can trust: jobs `done` or `error` are final,
the others are run again.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from runner.errors import UsageError
from runner.record.store import now_iso, write_json_atomic

JOURNAL_NAME = "batch.json"
JOURNAL_VERSION = 1


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"  # a run finished and left a record (whatever its verdict)
    ERROR = "error"  # no run: an invalid spec, a job larger than the machine, a lost worker
    ABANDONED = "abandoned"  # running when an earlier batch process died; run again

    @property
    def final(self) -> bool:
        return self in (JobState.DONE, JobState.ERROR)


class Job(BaseModel):
    name: str
    spec: str
    state: JobState = JobState.QUEUED
    expected_seconds: float | None = None
    attempts: int = 0
    started: str | None = None
    finished: str | None = None
    duration_seconds: float | None = None
    exit_code: int | None = None
    status: str | None = None  # the record's status (completed, failed, interrupted)
    verdict: str | None = None
    reason: str | None = None
    problems: list[str] = Field(default_factory=list)
    record: str | None = None  # relative to the batch folder
    gpus: list[int] = Field(default_factory=list)
    node: str | None = None
    pid: int | None = None
    history_warning: str | None = None
    earlier: list[str] = Field(default_factory=list)  # records of attempts that did not count


class BatchJournal(BaseModel):
    journal_version: int = JOURNAL_VERSION
    batch_id: str
    state: str = "running"  # running | finished | interrupted
    started: str = Field(default_factory=now_iso)
    finished: str | None = None
    resumed: list[str] = Field(default_factory=list)
    registry: list[str] = Field(default_factory=list)
    engine: str = "local"
    host: str = ""
    pid: int = 0
    capacity: dict[str, Any] = Field(default_factory=dict)
    exit_code: int | None = None
    drift: list[str] = Field(default_factory=list)
    jobs: list[Job] = Field(default_factory=list)

    def job(self, name: str) -> Job:
        return next(j for j in self.jobs if j.name == name)


class Journal:
    """The journal of one batch folder, saved at every change."""

    def __init__(self, folder: Path, data: BatchJournal) -> None:
        self.folder = folder
        self.path = folder / JOURNAL_NAME
        self.data = data

    @classmethod
    def load(cls, folder: Path) -> Journal:
        path = folder / JOURNAL_NAME
        try:
            data = BatchJournal.model_validate(json.loads(path.read_text()))
        except FileNotFoundError:
            raise UsageError(f"{folder} is not a batch folder (no {JOURNAL_NAME})") from None
        except (ValueError, OSError) as exc:
            raise UsageError(f"{path}: unreadable journal: {exc}") from None
        return cls(folder, data)

    def save(self) -> None:
        write_json_atomic(self.path, self.data.model_dump(mode="json"))

    def update(self, name: str, **fields: Any) -> Job:
        job = self.data.job(name)
        for key, value in fields.items():
            setattr(job, key, value)
        self.save()
        return job

    def to_json(self) -> dict[str, Any]:
        return self.data.model_dump(mode="json")
