"""Where the history is, and `--since`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from runner.errors import UsageError
from runner.history.location import default_history_path, history_url, masked
from runner.history.timeparse import parse_since


def test_default_is_in_the_users_data_folder(monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    monkeypatch.delenv("REPRO_HISTORY", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_history_path() == tmp_path / "repro" / "history.sqlite"
    assert history_url() == f"sqlite:///{tmp_path / 'repro' / 'history.sqlite'}"


def test_env_path_and_urls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REPRO_HISTORY", str(tmp_path / "h.db"))
    assert history_url() == f"sqlite:///{tmp_path / 'h.db'}"
    url = "postgresql://lab@db.example.invalid:5432/repro"
    assert history_url(url) == url  # the exact form is kept as given
    with pytest.raises(UsageError, match="neither SQLite nor PostgreSQL"):
        history_url("mysql://u:secret@h/db")


def test_passwords_never_printed() -> None:
    assert masked("postgresql://lab:s3cret@h:5432/db") == "postgresql://lab:***@h:5432/db"
    assert masked("postgresql://lab@h:5432/db") == "postgresql://lab@h:5432/db"


def test_since_forms() -> None:
    now = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
    assert parse_since("36h", now) == datetime(2025, 3, 9, 0, 0, tzinfo=UTC)
    assert parse_since("2w", now) == datetime(2025, 2, 24, 12, 0, tzinfo=UTC)
    assert parse_since("2025-03-01T06:00+02:00") == datetime(2025, 3, 1, 4, 0, tzinfo=UTC)
    assert parse_since("2025-03-01").tzinfo is UTC
    with pytest.raises(UsageError, match="not a date"):
        parse_since("yesterday-ish")
