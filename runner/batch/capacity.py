"""What the machine offers (CPUs, memory, GPU ids, slots), what each job asks, and the pool
the scheduler takes from and gives back to. GPUs are handed out by device id, so two jobs
never share one; a spec that names ids gets exactly those.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from runner.errors import UsageError
from runner.spec import Spec
from runner.spec.units import format_size

DEFAULT_CPUS = 1.0  # a spec without `resources.cpus` still occupies a core


@dataclass(frozen=True)
class Demand:
    """A job's share: from its spec's `resources` (gpu_ids when the spec names devices)."""

    cpus: float = DEFAULT_CPUS
    memory: int = 0
    gpus: int = 0
    gpu_ids: tuple[int, ...] | None = None

    @classmethod
    def of(cls, spec: Spec) -> Demand:
        res = spec.resources
        ids = tuple(res.gpus) if isinstance(res.gpus, list) else None
        return cls(res.cpus or DEFAULT_CPUS, res.memory or 0, res.gpu_count, ids)

    def describe(self) -> str:
        return _describe(self.cpus, self.memory, self.gpus, self.gpu_ids)


@dataclass(frozen=True)
class Capacity:
    """A machine (or a cluster's largest node, for the size check) and the slots cap."""

    cpus: float
    memory: int
    gpu_ids: tuple[int, ...]
    slots: int | None = None  # None: as many as fit

    def describe(self) -> str:
        return _describe(self.cpus, self.memory, len(self.gpu_ids), self.gpu_ids)

    def too_small_for(self, demand: Demand) -> str | None:
        """Why `demand` can never run here (asked vs has), or None when it can."""
        missing_ids = set(demand.gpu_ids or ()) - set(self.gpu_ids)
        if (demand.cpus <= self.cpus and demand.memory <= self.memory
                and demand.gpus <= len(self.gpu_ids) and not missing_ids):
            return None
        return f"asks for {demand.describe()}; this machine has {self.describe()}"


def _describe(cpus: float, memory: int, gpus: int, ids: tuple[int, ...] | None) -> str:
    parts = [f"{cpus:g} CPU{'s' if cpus != 1 else ''}"]
    parts.append(f"{_size(memory)} memory" if memory else "no memory reserved")
    gpu = f"{gpus} GPU{'s' if gpus != 1 else ''}"
    parts.append(f"{gpu} (ids {','.join(map(str, ids))})" if ids else gpu)
    return ", ".join(parts)


def _size(size: int) -> str:
    """`1t`, `512m` as a spec would say it; a machine's odd total as `23.5g`."""
    if size % (1 << 20) == 0:
        return format_size(size)
    return f"{size / (1 << 30):.1f}g" if size >= 1 << 30 else f"{size / (1 << 20):.1f}m"


def parse_gpus(text: str) -> tuple[int, ...] | None:
    """`--gpus`: auto (None: ask NVML), none, or device ids like 0,1."""
    value = text.strip().lower()
    if value == "auto":
        return None
    if value in ("none", ""):
        return ()
    try:
        ids = tuple(int(part) for part in value.split(","))
    except ValueError:
        raise UsageError(f"--gpus {text!r}: expected auto, none, or device ids like 0,1") from None
    if len(set(ids)) != len(ids) or min(ids) < 0:
        raise UsageError(f"--gpus {text!r}: device ids must be distinct and >= 0")
    return ids


def parse_slots(text: str) -> int | None:
    """`--slots`: auto (None: as many jobs as fit) or a positive count."""
    if text.strip().lower() == "auto":
        return None
    try:
        slots = int(text)
    except ValueError:
        slots = 0
    if slots < 1:
        raise UsageError(f"--slots {text!r}: expected auto or a count >= 1")
    return slots


def host_capacity(gpus: tuple[int, ...] | None, slots: int | None) -> Capacity:
    """This machine: its CPUs and memory (psutil), its GPUs from NVML unless given."""
    import psutil

    ids = gpus if gpus is not None else detect_gpu_ids()
    cpus = float(len(os.sched_getaffinity(0)))
    return Capacity(cpus, int(psutil.virtual_memory().total), ids, slots)


def detect_gpu_ids() -> tuple[int, ...]:
    """NVIDIA GPUs by index through NVML; none on a host without the driver."""
    from runner.edges.fingerprint import gpu_fingerprint

    try:
        count = gpu_fingerprint().get("count", 0)
    except Exception:  # no nvidia-ml-py or a broken driver: a CPU machine for the batch
        return ()
    return tuple(range(int(count)))


@dataclass
class Pool:
    """What is free now. `take` reserves a job's share (and its GPU ids), `give` returns it."""

    capacity: Capacity
    cpus: float = 0.0
    memory: int = 0
    free_ids: list[int] = field(default_factory=list)
    running: int = 0

    def __post_init__(self) -> None:
        self.cpus, self.memory = self.capacity.cpus, self.capacity.memory
        self.free_ids = list(self.capacity.gpu_ids)

    def take(self, demand: Demand) -> list[int] | None:
        """The GPU ids granted (maybe none) when the job fits now; None when it must wait."""
        slots = self.capacity.slots
        if (slots is not None and self.running >= slots) or demand.cpus > self.cpus + 1e-9 \
                or demand.memory > self.memory:
            return None
        ids = self._ids_for(demand)
        if ids is None:
            return None
        self.cpus -= demand.cpus
        self.memory -= demand.memory
        self.running += 1
        for i in ids:
            self.free_ids.remove(i)
        return ids

    def _ids_for(self, demand: Demand) -> list[int] | None:
        if demand.gpu_ids is not None:
            wanted = list(demand.gpu_ids)
            return wanted if set(wanted) <= set(self.free_ids) else None
        if demand.gpus > len(self.free_ids):
            return None
        return sorted(self.free_ids)[:demand.gpus]

    def give(self, demand: Demand, ids: list[int]) -> None:
        self.cpus += demand.cpus
        self.memory += demand.memory
        self.running -= 1
        self.free_ids += ids
