"""`repro lock`: fetch the code, resolve pins inside the base image, write SPEC.lock.yaml."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from runner.edges.datastore import DataStore
from runner.edges.git_mirror import GitFetcher
from runner.edges.pip_resolve import resolve_lock
from runner.edges.source import materialise, source_ref
from runner.settings import cache_dir, manual_data_dir, trusted_ca
from runner.spec import load_spec
from runner.spec.lockfile import Lock, lock_path, write_lock


def lock_spec(spec_path: Path, repo: str | None) -> tuple[Path, Lock]:
    """Resolve and write the lock; returns where it went and what it says."""
    from runner.edges.docker_engine import DockerEngine  # the engine only where it is used

    spec = load_spec(spec_path)
    ref = source_ref(spec, spec_path, repo)
    workdir = Path(tempfile.mkdtemp(prefix="repro-lock-"))
    try:
        source = materialise(ref, GitFetcher(cache_dir()), workdir / "repo")
        assert source.checkout is not None
        store = DataStore(cache_dir(), manual_data_dir())
        new = resolve_lock(spec, source.checkout, DockerEngine(), store, trusted_ca())
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    target = lock_path(spec_path)
    write_lock(target, new)
    return target, new
