"""The lock file: what `repro lock` resolved of what the spec left floating.

`aftershock.lock.yaml` sits beside `aftershock.yaml`. It pins the base image digest, exact
pip versions (with hashes where the index gives them) and data checksums. It also records
a hash of the spec sections it was resolved from, so a run can tell when it is stale.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from runner.errors import ExitCode, ReproError
from runner.spec.models import Spec

LOCK_VERSION = 1


class StaleLock(ReproError):
    exit_code = ExitCode.INVALID


class LockedBase(BaseModel):
    """`digest` is what FROM uses: `name@sha256:...` from a registry, or a local image id."""

    model_config = ConfigDict(extra="forbid")
    reference: str
    digest: str


class LockedPackage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    version: str
    hashes: list[str] = []

    def requirement(self) -> str:
        line = f"{self.name}=={self.version}"
        return " ".join([line, *(f"--hash={h}" for h in self.hashes)])


class LockedData(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sha256: str


class Lock(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int = LOCK_VERSION
    spec: str
    inputs: str
    requirements_sha256: str | None = None
    base: LockedBase | None = None
    pip: list[LockedPackage] = []
    data: dict[str, LockedData] = {}

    def requirements_txt(self) -> str:
        return "".join(p.requirement() + "\n" for p in self.pip)

    def digest(self) -> str:
        return sha256_text(json.dumps(self.model_dump(mode="json"), sort_keys=True))


def sha256_text(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def lock_path(spec_path: Path) -> Path:
    name = spec_path.name
    stem = name[: -len(spec_path.suffix)] if spec_path.suffix else name
    return spec_path.with_name(f"{stem}.lock.yaml")


def inputs_hash(spec: Spec) -> str:
    """Hash of the spec sections a lock resolves; any edit to them makes the lock stale."""
    env = spec.environment.model_dump(mode="json")
    data = [d.model_dump(mode="json", exclude={"sha256"}) for d in spec.data]
    return sha256_text(json.dumps({"environment": env, "data": data}, sort_keys=True))


def read_lock(path: Path) -> Lock | None:
    if not path.exists():
        return None
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Lock.model_validate(raw)
    except (yaml.YAMLError, ValidationError, UnicodeDecodeError) as exc:
        raise StaleLock(f"{path}: not a valid lock file ({exc.__class__.__name__})",
                        hint="delete it and run `repro lock` again") from None


def write_lock(path: Path, lock: Lock) -> None:
    header = "# Written by `repro lock`: commit it beside the spec. Do not edit by hand.\n"
    body = yaml.safe_dump(lock.model_dump(mode="json", exclude_defaults=False), sort_keys=False)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(header + body, encoding="utf-8")
    tmp.replace(path)


def check_fresh(lock: Lock, spec: Spec, path: Path) -> None:
    """Refuse a lock that no longer matches the spec it was made from."""
    if lock.spec != spec.name:
        raise StaleLock(f"{path} was made for spec {lock.spec!r}, not {spec.name!r}",
                        hint="run `repro lock` again")
    if lock.inputs != inputs_hash(spec):
        raise StaleLock(
            f"{path} is stale: the spec's environment or data changed since it was written",
            hint=f"run `repro lock {path.name.replace('.lock.yaml', '.yaml')}` to refresh it",
        )


def check_requirements(lock: Lock, requirements: str | None, path: Path) -> None:
    """After fetching: the repository's requirements file must be the one that was locked."""
    current = sha256_text(requirements) if requirements is not None else None
    if lock.requirements_sha256 != current:
        raise StaleLock(
            f"{path} is stale: the repository's requirements file differs from the locked one",
            hint="run `repro lock` again",
        )
