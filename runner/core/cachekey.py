"""The image's name is a content hash of every build input, so equal inputs reuse one image."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from runner import __version__

LABEL_PREFIX = "org.repro"
MANAGED_LABEL = f"{LABEL_PREFIX}.managed"


@dataclass(frozen=True)
class BuildInputs:
    spec_name: str
    base_digest: str  # the resolved digest or image id; the reference itself when unresolved
    dockerfile: str
    source_id: str  # commit SHA, or a content hash of a local folder
    lock_digest: str | None
    runner_version: str = __version__

    def key(self) -> str:
        canonical = json.dumps(self.__dict__, sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def tag(self) -> str:
        return f"repro/{self.spec_name}:{self.key()[:16]}"

    def labels(self) -> dict[str, str]:
        return {
            MANAGED_LABEL: "true",
            f"{LABEL_PREFIX}.spec": self.spec_name,
            f"{LABEL_PREFIX}.source": self.source_id,
            f"{LABEL_PREFIX}.base": self.base_digest,
            f"{LABEL_PREFIX}.lock": self.lock_digest or "none",
            f"{LABEL_PREFIX}.runner-version": self.runner_version,
            f"{LABEL_PREFIX}.cache-key": self.key(),
        }


def explain_rebuild(old: dict[str, str], new: dict[str, str]) -> list[str]:
    """Why an image with the same spec name was not reused ("base changed a -> b")."""
    reasons = []
    for field in ("base", "source", "lock", "runner-version"):
        key = f"{LABEL_PREFIX}.{field}"
        if old.get(key) != new.get(key):
            reasons.append(f"{field} changed {old.get(key, '?')[:19]} -> {new.get(key, '?')[:19]}")
    return reasons or ["the rendered Dockerfile changed"]
