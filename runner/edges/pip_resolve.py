"""`repro lock`: resolve the base digest, exact pip versions and data checksums.

Pip versions are resolved inside the base image itself (pip's `--dry-run --report`), so
the interpreter, platform and wheel tags are the ones the build will use.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

from runner.core.render import CA_PATH
from runner.edges.datastore import DataStore
from runner.edges.engine import ContainerEngine, Mount
from runner.errors import RunFailed
from runner.spec.lockfile import (
    Lock,
    LockedBase,
    LockedData,
    LockedPackage,
    inputs_hash,
    sha256_text,
)
from runner.spec.models import Spec

REQS_IN_CONTAINER = "/tmp/repro-lock/requirements.txt"


def read_requirements(spec: Spec, checkout: Path) -> str | None:
    name = spec.environment.pip.requirements
    if name is None:
        return None
    path = checkout / name
    if not path.is_file():
        raise RunFailed(f"environment.pip.requirements: {name} is not in the repository",
                        hint="check the path; it is relative to the repository root")
    return path.read_text(encoding="utf-8")


def resolve_lock(
    spec: Spec, checkout: Path, engine: ContainerEngine, store: DataStore,
    ca_bundle: Path | None,
) -> Lock:
    base = spec.environment.base
    digest = base if "@sha256:" in base else engine.resolve_base(base)
    requirements = read_requirements(spec, checkout)
    packages = _resolve_pip(spec, checkout, engine, digest, ca_bundle)
    data = {d.name: LockedData(sha256=store.checksum(d, store.fetch(d, d.sha256)))
            for d in spec.data if not d.manual or (store.manual_root / d.name).exists()}
    return Lock(spec=spec.name or "spec", inputs=inputs_hash(spec),
                requirements_sha256=sha256_text(requirements) if requirements is not None
                else None,
                base=LockedBase(reference=base, digest=digest), pip=packages, data=data)


def _resolve_pip(
    spec: Spec, checkout: Path, engine: ContainerEngine, image: str, ca_bundle: Path | None
) -> list[LockedPackage]:
    pip = spec.environment.pip
    if not pip.requirements and not pip.packages:
        return []
    args = ["--dry-run", "--quiet", "--ignore-installed", "--report", "-"]
    mounts, env = [], {"PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_BREAK_SYSTEM_PACKAGES": "1"}
    if pip.requirements:
        mounts.append(Mount(checkout / pip.requirements, REQS_IN_CONTAINER))
        args += ["-r", REQS_IN_CONTAINER]
    args += pip.packages
    if ca_bundle is not None:
        mounts.append(Mount(ca_bundle.resolve(), CA_PATH))
        env.update(PIP_CERT=CA_PATH, REQUESTS_CA_BUNDLE=CA_PATH, SSL_CERT_FILE=CA_PATH)
    command = [spec.environment.python, "-m", "pip", "install", *args]
    code, output = engine.run_once(image, command, network=True, env=env, mounts=mounts)
    if code != 0:
        tail = "\n".join(output.splitlines()[-15:])
        raise RunFailed(f"pip could not resolve the requirements in the base image "
                        f"(`{shlex.join(command)}` exited {code}):\n{tail}")
    return parse_pip_report(output)


def parse_pip_report(output: str) -> list[LockedPackage]:
    """Packages from pip's installation report (the JSON object in the output)."""
    start = output.find("{")
    if start < 0:
        raise RunFailed("pip printed no installation report; is its version >= 22.2?")
    report: dict[str, Any] = json.JSONDecoder().raw_decode(output[start:])[0]
    packages = []
    for item in report.get("install", []):
        meta = item.get("metadata", {})
        archive = (item.get("download_info") or {}).get("archive_info") or {}
        hashes = [f"{k}:{v}" for k, v in sorted((archive.get("hashes") or {}).items())
                  if k == "sha256"]
        if not hashes and "=" in str(archive.get("hash", "")):
            algo, value = str(archive["hash"]).split("=", 1)
            hashes = [f"{algo}:{value}"]
        packages.append(LockedPackage(name=meta["name"], version=meta["version"], hashes=hashes))
    return sorted(packages, key=lambda p: p.name.lower())
