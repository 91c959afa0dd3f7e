"""Helpers for the batch's pure-logic tests: specs on disk and a journal in a tmp folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from runner.batch.journal import BatchJournal, Job, Journal


def spec_text(name: str, **resources: Any) -> str:
    spec: dict[str, Any] = {
        "version": 1, "name": name, "paper": {"title": name}, "repo": {"path": "code"},
        "environment": {"base": "repro/debian-python:bookworm"},
        "steps": [{"name": "train", "run": "echo 'AUC: 0.9'"}],
    }
    if resources:
        spec["resources"] = resources
    return yaml.safe_dump(spec, sort_keys=False)


@pytest.fixture
def write_spec(tmp_path: Path):  # type: ignore[no-untyped-def]
    def write(rel: str, name: str, **resources: Any) -> Path:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.parent / "code").mkdir(exist_ok=True)
        path.write_text(spec_text(name, **resources))
        return path

    return write


@pytest.fixture
def journal(tmp_path: Path):  # type: ignore[no-untyped-def]
    def make(*names: str) -> Journal:
        folder = tmp_path / "out" / "B1"
        folder.mkdir(parents=True)
        j = Journal(folder, BatchJournal(batch_id="B1",
                                         jobs=[Job(name=n, spec=f"/s/{n}.yaml") for n in names]))
        j.save()
        return j

    return make
