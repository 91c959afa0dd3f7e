"""What a run ran on, as comparable facts: commit, image, OS, driver, packages, data...

Each fact is a label and a string (or None when the record does not say), read from the
typed record and its free-form fingerprint; a part the host could not read (`{"unavailable":
...}`) is the string "unavailable". `pip freeze` is parsed into name -> version so that two
runs differ by "added / removed / changed" packages, not by whole lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from runner.record.model import RunRecord

Fact = tuple[str, str, str | None]  # key, label, value


def _get(tree: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(tree, dict):
            return None
        tree = tree.get(key)
    return tree


def _text(value: Any) -> str | None:
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, dict):
        return "unavailable" if "unavailable" in value else ", ".join(
            f"{k}={v}" for k, v in sorted(value.items()))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _gpu_names(record: RunRecord) -> Any:
    devices = _get(record.fingerprint, "host", "gpus", "devices")
    if isinstance(devices, list):
        return [d.get("name") for d in devices if isinstance(d, dict)]
    return _get(record.fingerprint, "host", "gpus")


def _cpu(record: RunRecord) -> Any:
    cpu = _get(record.fingerprint, "host", "cpu")
    if isinstance(cpu, dict) and "model" in cpu:
        return f"{cpu['model']} ({cpu.get('logical', '?')} logical)"
    return cpu


_READERS: list[tuple[str, str, Callable[[RunRecord], Any]]] = [
    ("commit", "commit", lambda r: r.source.commit if r.source else None),
    ("base_reference", "base image", lambda r: r.image.base_reference if r.image else None),
    ("base_digest", "base digest", lambda r: r.image.base_digest if r.image else None),
    ("image_id", "image digest", lambda r: r.image.id if r.image else None),
    ("python", "python", lambda r: _get(r.fingerprint, "container", "python")),
    ("container_os", "container OS", lambda r: _get(r.fingerprint, "container", "os")),
    ("os", "host OS", lambda r: _get(r.fingerprint, "host", "os")),
    ("kernel", "kernel", lambda r: _get(r.fingerprint, "host", "kernel")),
    ("engine", "container engine", lambda r: _engine(r)),
    ("driver", "NVIDIA driver", lambda r: _get(r.fingerprint, "host", "gpus", "driver_version")),
    ("cuda_driver", "CUDA (driver)",
     lambda r: _get(r.fingerprint, "host", "gpus", "cuda_driver_version")),
    ("cuda", "CUDA (image)", lambda r: _get(r.fingerprint, "container", "cuda_version")),
    ("cudnn", "cuDNN", lambda r: _get(r.fingerprint, "container", "cudnn_version")),
    ("cuda_libraries", "CUDA libraries",
     lambda r: _get(r.fingerprint, "container", "cuda_libraries")),
    ("gpu", "GPU model", _gpu_names),
    ("cpu", "CPU", _cpu),
    ("memory", "memory (bytes)", lambda r: _get(r.fingerprint, "host", "memory_bytes")),
    ("hostname", "host", lambda r: _get(r.fingerprint, "host", "hostname")),
    ("spec_sha256", "spec hash", lambda r: r.spec.sha256),
    ("runner_version", "repro version", lambda r: r.runner_version),
]


def _engine(record: RunRecord) -> Any:
    engine = _get(record.fingerprint, "host", "engine")
    if isinstance(engine, dict) and "version" in engine:
        return f"{engine.get('name', 'engine')} {engine['version']}"
    return engine


def facts(record: RunRecord) -> list[Fact]:
    """Every fact of the run's environment, in a fixed order; data checksums last."""
    found: list[Fact] = [(key, label, _text(read(record))) for key, label, read in _READERS]
    found += [(f"data:{d.name}", f"data {d.name} (sha256)", d.sha256) for d in record.data]
    return found


_NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(==|===|\s@\s)\s*(.+)$")


def normalise(name: str) -> str:
    """PEP 503: `Typing_Extensions` and `typing-extensions` are one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


def packages(record: RunRecord) -> dict[str, str] | None:
    """`pip freeze` of the run's image as {normalised name: version or `@ URL`}.

    None when the record has none (a run that failed before its first container): such a
    run is not compared package by package, rather than showing every package as added.
    """
    lines = _get(record.fingerprint, "container", "pip_freeze")
    if not isinstance(lines, list):
        return None
    found: dict[str, str] = {}
    for line in lines:
        text = str(line).strip()
        if not text or text.startswith("#"):
            continue
        match = _NAME.match(text)
        if match:
            version = match.group(4).strip()
            found[normalise(match.group(1))] = version if "=" in match.group(3) else f"@ {version}"
        else:  # `-e git+...#egg=x` and other forms: the line is its own identity
            found[text] = ""
    return found


@dataclass
class PackageChanges:
    added: dict[str, str] = field(default_factory=dict)
    removed: dict[str, str] = field(default_factory=dict)
    changed: dict[str, tuple[str, str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def to_json(self) -> dict[str, Any]:
        return {"added": self.added, "removed": self.removed,
                "changed": {k: {"a": a, "b": b} for k, (a, b) in self.changed.items()}}


def package_changes(a: dict[str, str], b: dict[str, str]) -> PackageChanges:
    return PackageChanges(
        added={k: v for k, v in sorted(b.items()) if k not in a},
        removed={k: v for k, v in sorted(a.items()) if k not in b},
        changed={k: (a[k], b[k]) for k in sorted(a) if k in b and a[k] != b[k]},
    )
