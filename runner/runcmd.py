"""`repro run`: wire the real edges into the pipeline and print the verdict."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from runner.data import DataStore
from runner.display import Display
from runner.errors import UsageError
from runner.fetch import GitFetcher
from runner.pipeline import Edges, RunOptions, run_spec
from runner.record import load_record
from runner.settings import cache_dir, manual_data_dir, trusted_ca
from runner.show import show_record


def _engine() -> object:
    from runner.docker_engine import DockerEngine

    return DockerEngine()


def run_command(
    spec: Path, *, repo: str | None, allow_mutable_ref: bool, runs_dir: Path, rebuild: bool,
    allow_no_gpu: bool, variants: str, repeat_seed: int | None, trust_ca: Path | None,
    quiet: bool, out: Console,
) -> int:
    trust_ca = trust_ca or trusted_ca()
    if trust_ca is not None and not trust_ca.is_file():
        raise UsageError(f"CA bundle {trust_ca} (--trust-ca / REPRO_TRUST_CA): no such file")
    options = RunOptions(
        runs_dir=runs_dir, repo=repo, allow_mutable_ref=allow_mutable_ref, rebuild=rebuild,
        allow_no_gpu=allow_no_gpu, variants=[v for v in variants.split(",") if v],
        repeat_seed=repeat_seed, ca_bundle=trust_ca, echo_logs=not quiet,
    )
    edges = Edges(_engine, GitFetcher(cache_dir()), DataStore(cache_dir(), manual_data_dir()))
    with Display(out, total=1, echo_logs=not quiet) as display:
        outcome = run_spec(spec, options, edges, display)
    show_record(load_record(outcome.record_path), out)
    out.print(f"record: {outcome.record_path}")
    return outcome.exit_code
