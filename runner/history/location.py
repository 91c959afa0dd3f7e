"""Where the history lives: `REPRO_HISTORY`, a path (SQLite) or a database URL.

`REPRO_HISTORY=postgresql://user@host:port/db` shares one history across a lab; a plain
path, or nothing (the user's data folder), is an embedded SQLite file.
"""

from __future__ import annotations

import os
from pathlib import Path

from runner.errors import UsageError

ENV = "REPRO_HISTORY"
FILE_NAME = "history.sqlite"
SCHEMES = ("sqlite", "postgresql")


def default_history_path() -> Path:
    """`$XDG_DATA_HOME/repro/history.sqlite` (default `~/.local/share/repro/...`)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "repro" / FILE_NAME


def history_url(explicit: str | None = None) -> str:
    """The SQLAlchemy URL of the history: `--history`, else `REPRO_HISTORY`, else the default.

    A value without `://` is a file path. The URL forms accepted are SQLite's and
    PostgreSQL's (`postgresql://`, `postgresql+DRIVER://`); anything else is a usage error
    here, before any driver is imported.
    """
    value = explicit or os.environ.get(ENV) or str(default_history_path())
    if "://" not in value:
        path = Path(value).expanduser().resolve()
        return f"sqlite:///{path}"
    scheme = value.split("://", 1)[0].split("+", 1)[0].lower()
    if scheme not in SCHEMES:
        raise UsageError(f"history URL {masked(value)!r} is neither SQLite nor PostgreSQL",
                         hint="use a file path, sqlite:///PATH or "
                              "postgresql://user@host:port/db")
    return value


def masked(url: str) -> str:
    """The URL with any password replaced by ***, for messages and `--json` output."""
    if "://" not in url or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    if ":" in credentials:
        credentials = credentials.split(":", 1)[0] + ":***"
    return f"{scheme}://{credentials}@{host}"
