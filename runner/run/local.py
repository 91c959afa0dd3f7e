"""The real edges on this machine, and `repro run`'s options checked into RunOptions."""

from __future__ import annotations

from pathlib import Path

from runner.edges.datastore import DataStore
from runner.edges.engine import ContainerEngine
from runner.edges.git_mirror import GitFetcher
from runner.errors import UsageError
from runner.run.context import Edges, RunOptions
from runner.settings import cache_dir, manual_data_dir, trusted_ca


def docker_engine() -> ContainerEngine:
    from runner.edges.docker_engine import DockerEngine  # the SDK only once a run needs it

    return DockerEngine()


def local_edges() -> Edges:
    return Edges(docker_engine, GitFetcher(cache_dir()), DataStore(cache_dir(), manual_data_dir()))


def run_options(*, runs_dir: Path, repo: str | None, allow_mutable_ref: bool, rebuild: bool,
                allow_no_gpu: bool, variants: str, repeat_seed: int | None,
                trust_ca: Path | None, quiet: bool) -> RunOptions:
    ca = trust_ca or trusted_ca()
    if ca is not None and not ca.is_file():
        raise UsageError(f"CA bundle {ca} (--trust-ca / REPRO_TRUST_CA): no such file")
    return RunOptions(
        runs_dir=runs_dir, repo=repo, allow_mutable_ref=allow_mutable_ref, rebuild=rebuild,
        allow_no_gpu=allow_no_gpu, variants=[v for v in variants.split(",") if v],
        repeat_seed=repeat_seed, ca_bundle=ca, echo_logs=not quiet,
    )
