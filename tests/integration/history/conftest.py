"""Real services for the history and report tests: a PostgreSQL server this session starts
(Debian's postgresql: initdb and pg_ctl in a temporary folder, a free port) and Debian's
Chromium driven by Playwright. Without them the tests skip locally and fail under CI."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking", "--disable-component-update",
                  "--no-first-run"]


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _missing(message: str) -> None:
    if _in_ci():
        pytest.fail(message)
    pytest.skip(message)


def _pg_bindir() -> Path | None:
    """Debian keeps the server's programs in /usr/lib/postgresql/VERSION/bin, off PATH."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).resolve().parent
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                   else 0)
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_server_user(folder: Path) -> list[str]:
    """initdb refuses root: as root, run the server as Debian's `postgres` user."""
    if os.geteuid() != 0:
        return []
    shutil.chown(folder, "postgres", "postgres")
    return ["runuser", "-u", "postgres", "--"]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[tuple[int, Path]]:
    """A PostgreSQL server for this session: (port, its folder); stopped at the end.

    Its folder is made directly in the temporary folder, not under pytest's (mode 0700,
    owned by the test's user), which the `postgres` user could not enter.
    """
    bindir = _pg_bindir()
    if bindir is None:
        _missing("PostgreSQL's initdb/pg_ctl are missing; run `bash .ci/setup`")
    assert bindir is not None
    base = Path(tempfile.mkdtemp(prefix="repro-test-pg-"))
    base.chmod(0o755)
    prefix = _as_server_user(base)
    data, log, port = base / "data", base / "server.log", _free_port()
    subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-A", "trust",
                    "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"],
                   check=True, capture_output=True)
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
    started = subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log),
                              "-w", "-t", "60", "-o", options, "start"], capture_output=True)
    if started.returncode != 0:
        pytest.fail(f"PostgreSQL did not start: {log.read_text() if log.exists() else started}")
    try:
        yield port, base
    finally:
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w",
                        "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: tuple[int, Path]) -> Iterator[str]:
    """A fresh database on the session's server, in the issue's URL form."""
    import psycopg

    port, _ = postgres_server
    name = f"history_{secrets.token_hex(4)}"
    with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres",
                         autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/{name}"
        finally:
            with contextlib.suppress(psycopg.Error):
                admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def history_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each history test runs on both backends, for real."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'history.sqlite'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, through Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} is missing; run `bash .ci/setup` (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright for Python is missing; pip install -e '.[dev]'")
        raise
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                              args=CHROMIUM_FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()
