"""A full disk while a record is saved: the old record stays whole, no partial file is left,
and the error names the path (exit 4), whatever command hit it."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
import typer

from runner.cli.base import handled
from runner.errors import ExitCode, StorageError, storage_error, writing
from runner.record.store import write_json_atomic


def _full_disk(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_keeps_the_old_record_and_leaves_no_partial_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "record.json"
    write_json_atomic(path, {"status": "running"})
    monkeypatch.setattr(os, "fsync", _full_disk)
    with pytest.raises(StorageError) as caught:
        write_json_atomic(path, {"status": "completed"})
    assert str(path) in str(caught.value)
    assert "no space left on the device" in str(caught.value)
    assert caught.value.exit_code == ExitCode.INFRA
    assert json.loads(path.read_text()) == {"status": "running"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["record.json"]


def test_only_disk_errors_are_storage_errors(tmp_path: Path) -> None:
    assert storage_error(OSError(errno.EACCES, "denied"), tmp_path) is None
    assert storage_error(OSError(errno.EROFS, "ro"), tmp_path) is not None
    with pytest.raises(PermissionError), writing(tmp_path):
        raise PermissionError(errno.EACCES, "denied")


def test_any_command_on_a_full_disk_exits_4_naming_the_file(
        capsys: pytest.CaptureFixture[str]) -> None:
    @handled
    def command() -> int:
        raise OSError(errno.ENOSPC, "No space left on device", "/data/cache/x.partial")

    with pytest.raises(typer.Exit) as caught:
        command()
    assert caught.value.exit_code == ExitCode.INFRA
    said = " ".join(capsys.readouterr().err.split())
    assert "cannot write /data/cache/x.partial: no space left on the device" in said
