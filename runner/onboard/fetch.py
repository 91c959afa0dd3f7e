"""`repro fetch SPEC...`: everything a run needs, ahead of time, so that the run itself
works with the network off: the mirror at the commit, the data, the base image, the
built image.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.markup import escape

from runner.edges.engine import ContainerEngine
from runner.errors import ReproError
from runner.onboard.prepare import prepared
from runner.spec.lockfile import lock_path, read_lock

Say = Callable[[str], None]


@dataclass(frozen=True)
class Fetched:
    spec: Path
    summary: str
    warnings: list[str]


def fetch_spec(spec_path: Path, repo: str | None, engine: ContainerEngine,
               log: Say) -> Fetched:
    with prepared(spec_path, repo, engine, log) as ready:
        spec = ready.spec
        lock = read_lock(lock_path(spec_path))
        warnings = [
            f"dataset {d.name!r} has no sha256 (in the spec or its lock): a run downloads it "
            "again; add one, or `repro lock` the spec"
            for d in spec.data
            if not d.manual and not d.sha256 and not (lock and d.name in lock.data)]
        source = (f"commit {ready.source.source_id}" if ready.source.kind == "git"
                  else f"local folder {ready.source.location}")
        summary = (f"{source}; {len(ready.mounts)} dataset(s); base "
                   f"{ready.plan.base_ref}; image {ready.built.tag} "
                   f"({'present' if ready.built.reused else 'built'})")
    return Fetched(spec_path, summary, warnings)


def fetch_all(specs: list[Path], repo: str | None, engine: ContainerEngine, log: Say,
              say: Say) -> int:
    """Each spec in turn; a failure is reported and the others still fetched."""
    worst = 0
    for path in specs:
        try:
            done = fetch_spec(path, repo, engine, log)
        except ReproError as exc:
            say(f"[red]failed[/red] {escape(str(path))}: {escape(str(exc))}")
            worst = max(worst, int(exc.exit_code))
            continue
        say(f"[green]ready[/green] {escape(str(path))}: {escape(done.summary)}")
        for warning in done.warnings:
            say(f"  [yellow]warning:[/yellow] {escape(warning)}")
    return worst
