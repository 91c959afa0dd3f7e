"""Everything a container of a spec needs, up to the built image, for `repro shell`,
`repro fetch` and `repro images export`: the same functions a run calls (source, data,
plan, build or reuse), with no run record.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from runner.core.plan import Plan
from runner.edges.datastore import DataStore
from runner.edges.engine import ContainerEngine, EngineInfo, Mount
from runner.edges.git_mirror import GitFetcher, Source
from runner.edges.pip_resolve import read_requirements
from runner.edges.source import materialise, source_ref
from runner.run.data_mounts import data_mounts
from runner.run.image_build import BuiltImage, build_or_reuse
from runner.run.planning import plan_with_engine, read_fresh_lock
from runner.settings import cache_dir, manual_data_dir, trusted_ca
from runner.spec import Spec, load_spec
from runner.spec.lockfile import Lock, check_requirements, lock_path

Log = Callable[[str], None]


@dataclass(frozen=True)
class Planned:
    spec: Spec
    lock: Lock | None
    source: Source
    plan: Plan


@dataclass(frozen=True)
class Prepared:
    spec: Spec
    engine: ContainerEngine
    info: EngineInfo
    source: Source
    plan: Plan
    built: BuiltImage
    mounts: list[Mount]


@contextlib.contextmanager
def planned(spec_path: Path, repo: str | None, engine: ContainerEngine,
            log: Log) -> Iterator[Planned]:
    """The spec's code at its commit (through the mirror) and its plan, base resolved."""
    spec = load_spec(spec_path)
    lock = read_fresh_lock(spec, spec_path)
    workdir = Path(tempfile.mkdtemp(prefix="repro-prepare-"))
    try:
        ref = source_ref(spec, spec_path, repo)
        log(f"fetching {ref.url or ref.folder} @ {ref.commit or 'working tree'}")
        source = materialise(ref, GitFetcher(cache_dir()), workdir / "repo")
        assert source.checkout is not None
        if lock is not None:
            check_requirements(lock, read_requirements(spec, source.checkout),
                               lock_path(spec_path))
        plan = plan_with_engine(spec, source, lock, engine, trusted_ca(), log)
        yield Planned(spec, lock, source, plan)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@contextlib.contextmanager
def prepared(spec_path: Path, repo: str | None, engine: ContainerEngine, log: Log,
             rebuild: bool = False) -> Iterator[Prepared]:
    """The spec's image built or reused and its data ready; the checkout lives until exit."""
    info = engine.info()
    with planned(spec_path, repo, engine, log) as p:
        mounts, _ = data_mounts(p.spec, p.lock, DataStore(cache_dir(), manual_data_dir()), log)
        log(f"image {p.plan.tag}")
        assert p.source.checkout is not None
        built = build_or_reuse(p.plan, p.source.checkout, engine, trusted_ca(), log, rebuild)
        log(f"image {'reused' if built.reused else 'built'}: {built.tag} ({built.reason})")
        yield Prepared(p.spec, engine, info, p.source, p.plan, built, mounts)
