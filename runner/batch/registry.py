"""A registry: spec files and folders of them, every spec validated before anything runs.

An invalid spec becomes an entry with its problems (file:line:key), reported and counted as
an error; the valid ones still run. Two files with one spec name cannot both run: their
records and journal entries are keyed by name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from runner.errors import ReproError, UsageError
from runner.spec import Spec, load_spec
from runner.spec.errors import SpecError


@dataclass(frozen=True)
class Entry:
    """One spec file of the registry: its name, and either the spec or why it is invalid."""

    name: str
    path: Path
    spec: Spec | None
    problems: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.spec is not None


def spec_paths(paths: Sequence[Path]) -> list[Path]:
    """Files as given; a folder means every `*.yaml` below it (lock files and hidden folders
    skipped), sorted so that a registry always lists in the same order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.yaml") if _is_spec_file(p, path))
        elif path.is_file():
            found.append(path)
        else:
            raise UsageError(f"registry {path}: no such file or folder")
    if not found:
        raise UsageError("the registry holds no spec files",
                         hint="give spec files or folders with *.yaml specs")
    return list(dict.fromkeys(p.resolve() for p in found))


def _is_spec_file(path: Path, root: Path) -> bool:
    hidden = any(part.startswith(".") for part in path.relative_to(root).parts)
    return not hidden and not path.name.endswith(".lock.yaml")


def collect(paths: Sequence[Path], only: Sequence[str] = ()) -> list[Entry]:
    """Validate every spec of the registry; `only` keeps those names (unknown: a usage error)."""
    entries: list[Entry] = []
    seen: dict[str, Path] = {}
    for path in spec_paths(paths):
        entry = _load(path)
        if entry.name in seen:
            entry = Entry(entry.name, path, None, [
                f"{path}: name: spec name {entry.name!r} is already used by {seen[entry.name]}"])
        else:
            seen[entry.name] = path
        entries.append(entry)
    return _keep(entries, only)


def _load(path: Path) -> Entry:
    try:
        spec = load_spec(path)
    except SpecError as exc:
        return Entry(_name_of(path), path, None, [p.render() for p in exc.problems])
    except ReproError as exc:
        return Entry(_name_of(path), path, None, [f"{path}: {exc.message}"])
    return Entry(spec.name or _name_of(path), path, spec)


def _name_of(path: Path) -> str:
    return path.name.removesuffix(".yaml")


def _keep(entries: list[Entry], only: Sequence[str]) -> list[Entry]:
    if not only:
        return entries
    unknown = sorted(set(only) - {e.name for e in entries})
    if unknown:
        raise UsageError(f"--only names spec(s) not in the registry: {', '.join(unknown)}",
                         hint="names: " + ", ".join(e.name for e in entries))
    return [e for e in entries if e.name in only]
