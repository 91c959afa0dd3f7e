"""The sandbox every step of a paper runs in: one policy, read by the Dockerfile renderer,
the container request, the engine and the record.

Papers' code is untrusted: a non-root user, no capabilities, no privilege escalation, an
init process that reaps zombies, a pids limit, and no network unless a step asks for it.
"""

from __future__ import annotations

from dataclasses import dataclass

SANDBOX_UID = 1000
SANDBOX_USER = f"{SANDBOX_UID}:{SANDBOX_UID}"
CAP_DROP: tuple[str, ...] = ("ALL",)
SECURITY_OPT: tuple[str, ...] = ("no-new-privileges",)


@dataclass(frozen=True)
class SandboxPolicy:
    """What a run's record says about the sandbox its steps ran in."""

    pids_limit: int
    user: str = SANDBOX_USER
    cap_drop: tuple[str, ...] = CAP_DROP
    no_new_privileges: bool = True
    network_default: str = "none"

    def record(self) -> dict[str, object]:
        return {"user": self.user, "cap_drop": list(self.cap_drop),
                "no_new_privileges": self.no_new_privileges, "pids_limit": self.pids_limit,
                "network_default": self.network_default}
