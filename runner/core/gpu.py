"""GPU policy: which GPUs a job gets, what its container is told, and what a host without
the NVIDIA runtime does with a GPU spec. The engine turns the ids into device requests.
"""

from __future__ import annotations

from dataclasses import dataclass

from runner.errors import InfraError

GpuIds = int | list[int]  # a count (the engine picks) or device ids

NO_RUNTIME_HINT = ("install the NVIDIA driver and the NVIDIA Container Toolkit "
                   "(nvidia-container-toolkit), then restart the engine; or run with "
                   "--allow-no-gpu to run on CPU and mark the record")


def gpu_count(gpus: GpuIds) -> int:
    return len(gpus) if isinstance(gpus, list) else gpus


def container_env(gpus: GpuIds) -> dict[str, str]:
    """What the NVIDIA runtime reads inside the container; nothing for a CPU job."""
    if not gpu_count(gpus):
        return {}
    ids = ",".join(map(str, gpus)) if isinstance(gpus, list) else "all"
    return {"NVIDIA_VISIBLE_DEVICES": ids, "NVIDIA_DRIVER_CAPABILITIES": "compute,utility"}


@dataclass(frozen=True)
class GpuDecision:
    """Whether a run's containers get GPUs, and why; saved in the record as `gpu`."""

    requested: GpuIds
    engine_support: bool
    detail: str
    used: bool
    missing_allowed: bool = False
    # Device ids a scheduler (a batch, Ray) handed this run; they replace the spec's own
    # request so that two concurrent runs never share a GPU.
    assigned: list[int] | None = None

    @property
    def granted(self) -> GpuIds:
        """The GPUs the containers ask the engine for: none when running on CPU instead."""
        if not self.used:
            return 0
        return list(self.assigned) if self.assigned is not None else self.requested

    def record(self) -> dict[str, object]:
        out: dict[str, object] = {"requested": self.requested,
                                  "engine_support": self.engine_support,
                                  "detail": self.detail, "used": self.used}
        if self.missing_allowed:
            out["missing_allowed"] = True
        if self.assigned is not None:
            out["assigned"] = list(self.assigned)
        return out


def decide(requested: GpuIds, supported: bool, why: str, allow_missing: bool,
           assigned: list[int] | None = None) -> GpuDecision:
    """A GPU spec on a host that cannot pass GPUs through fails, unless --allow-no-gpu.

    `assigned`: the device ids a batch scheduler gave this run (as many as it asks for).
    """
    if assigned is not None and len(assigned) != gpu_count(requested):
        raise ValueError(f"{len(assigned)} GPU id(s) assigned for a request of {requested}")
    if not gpu_count(requested):
        return GpuDecision(requested, supported, why, used=False)
    if supported:
        return GpuDecision(requested, supported, why, used=True, assigned=assigned)
    if allow_missing:
        return GpuDecision(requested, supported, why, used=False, missing_allowed=True,
                           assigned=assigned)
    where = f" (assigned ids {assigned})" if assigned is not None else ""
    raise InfraError(
        f"the spec asks for GPUs ({requested}){where} but this host cannot pass them "
        f"through: {why}", hint=NO_RUNTIME_HINT)
