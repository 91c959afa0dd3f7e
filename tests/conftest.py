"""Shared fixtures. Docker tests fail loudly under CI=true when no engine answers."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

ROOT = Path(__file__).resolve().parent.parent
BASE_IMAGE = "repro/debian-python:bookworm"
HOST_CA = Path("/etc/ssl/certs/ca-certificates.crt")


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session", autouse=True)
def _private_history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every run a test finishes goes to a history of this session, never the user's."""
    previous = os.environ.get("REPRO_HISTORY")
    path = tmp_path_factory.mktemp("history") / "history.sqlite"
    os.environ["REPRO_HISTORY"] = str(path)
    yield path
    if previous is None:
        os.environ.pop("REPRO_HISTORY", None)
    else:
        os.environ["REPRO_HISTORY"] = previous


@pytest.fixture(scope="session")
def docker_client() -> Iterator[object]:
    """A live Docker Engine: skip locally without one, fail under CI."""
    try:
        import docker

        client = docker.from_env()
        client.ping()
    except Exception as exc:  # any failure to reach the engine
        message = f"no Docker Engine answers ({exc}); run `bash .ci/engine.sh`"
        if _in_ci():
            pytest.fail(message)
        pytest.skip(message)
    yield client
    client.close()


@pytest.fixture(scope="session")
def base_image(docker_client: object) -> str:
    """The local base image from `repro images bootstrap` (CI bootstraps it first)."""
    import docker

    assert isinstance(docker_client, docker.DockerClient)
    try:
        docker_client.images.get(BASE_IMAGE)
    except docker.errors.ImageNotFound:
        message = f"{BASE_IMAGE} is missing; run `repro images bootstrap`"
        if _in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return BASE_IMAGE


@pytest.fixture
def trust_ca(monkeypatch: pytest.MonkeyPatch) -> Path | None:
    """Builds trust the host's CA bundle, as the shared environment notes require."""
    if HOST_CA.exists():
        monkeypatch.setenv("REPRO_TRUST_CA", str(HOST_CA))
        return HOST_CA
    return None


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                          env=env).stdout.strip()


@pytest.fixture
def make_git_repo(tmp_path: Path) -> Callable[[dict[str, str], str], tuple[Path, str]]:
    """Turn {relative path: text} into a local git repo; returns (path, commit SHA)."""
    counter = iter(range(1000))

    def make(files: dict[str, str], name: str = "") -> tuple[Path, str]:
        repo = tmp_path / (name or f"repo{next(counter)}")
        repo.mkdir(parents=True, exist_ok=True)
        if not (repo / ".git").exists():
            _git(repo, "init", "-q", "-b", "main")
        for rel, text in files.items():
            path = repo / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", "commit", "--allow-empty")
        return repo, _git(repo, "rev-parse", "HEAD")

    return make


@pytest.fixture
def isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("REPRO_CACHE", str(cache))
    monkeypatch.setenv("REPRO_DATA", str(tmp_path / "manual-data"))
    return cache


def copy_example(name: str, dest: Path) -> Path:
    target = dest / name
    shutil.copytree(ROOT / "examples" / name, target)
    return target
