"""Fixtures for the integration tests (helpers live in itest_support.py)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from itest_support import MANAGED, PREFIX, ours

import runner.cli as cli


@pytest.fixture(scope="session", autouse=True)
def _remove_session_images() -> Iterator[None]:
    """At the end of the session, remove every image this session's specs built."""
    yield
    try:
        import docker

        client = docker.from_env()
        client.ping()
    except Exception:  # no engine: nothing was built
        return
    try:
        for image in client.images.list(filters={"label": MANAGED}):
            for tag in image.tags:
                if tag.startswith(f"repro/{PREFIX}"):
                    with contextlib.suppress(docker.errors.APIError):
                        client.images.remove(tag, force=True)
    finally:
        client.close()


@pytest.fixture
def leftovers(docker_client: Any) -> Callable[[], list[str]]:
    """Names of managed containers this session left behind (`docker ps -a`, filtered)."""

    def find() -> list[str]:
        found = docker_client.containers.list(all=True, filters={"label": MANAGED})
        return [c.name for c in found if ours(c)]

    return find


@pytest.fixture
def engine_ready(docker_client: Any, base_image: str, isolated_cache: Path,
                 monkeypatch: pytest.MonkeyPatch) -> str:
    """A live engine, the base image, a private cache, and wide CLI output (no wrapping)."""
    monkeypatch.setattr(cli.err, "width", 1000)
    monkeypatch.setattr(cli.out, "width", 1000)
    return base_image
