"""Spec files named on a command line: files as given, folders expanded to their specs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from runner.errors import UsageError


def spec_files(paths: Sequence[Path]) -> list[Path]:
    """Expand folders to their `*.yaml` specs (lock files excluded), in sorted order."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.glob("*.yaml") if not p.name.endswith(".lock.yaml"))
        else:
            out.append(path)
    if not out:
        raise UsageError("no spec files found", hint="give a spec file or a folder of *.yaml")
    return out
