"""Where the audits inside a run find their files, and how a failing audit is reported."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from runner.audits.findings import Finding
from runner.errors import ReproError
from runner.spec.audits import FileRef


@dataclass(frozen=True)
class AuditContext:
    repo: Path
    data: dict[str, Path]


def resolve(ref: FileRef, outputs: Path, ctx: AuditContext) -> Path:
    """A FileRef to a host path; an HDF5 object suffix (`x.h5:group`) is kept."""
    if ref.location == "repo":
        root = ctx.repo
    elif ref.location == "data":
        root = ctx.data.get(ref.data_name or "", Path("/nonexistent"))
    else:
        root = outputs
    return Path(f"{root}/{ref.path}") if ref.path else root


def guard(name: str, audit: Callable[[], list[Finding]]) -> list[Finding]:
    try:
        return audit()
    except (ReproError, OSError, ValueError) as exc:
        return [Finding(name, "warning", f"the {name} audit could not run: {exc}",
                        {"error": str(exc)})]
