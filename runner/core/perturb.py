"""Perturbations that should not change a result, and the judgement of whether they did.

`determinism.perturb` reruns one seed under each: `threads` (the BLAS/OpenMP thread count
set to 1 and to the CPUs available), `blas` (a generic kernel where the library lets the
environment choose one), `affinity` (the container pinned to another CPU set). A metric
that moves more than the spread across seeds, or more than its claim's tolerance, is
fragile: the published number depends on something the paper did not report.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from runner.record.model import PerturbRecord

THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
               "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")
# Kernel choice the libraries read from the environment: MKL's conditional numerical
# reproducibility mode, OpenBLAS's core type (DYNAMIC_ARCH builds such as numpy's wheels).
BLAS_ENV = {"MKL_CBWR": "COMPATIBLE", "OPENBLAS_CORETYPE": "Prescott"}
# Below this, a change is floating-point noise of the printed value, not a move.
EPSILON = 1e-12


@dataclass(frozen=True)
class Perturbation:
    key: str  # label part: threads-1, threads-4, blas, affinity
    kind: str
    what: str  # "only the thread count changes (1)"
    env: dict[str, str] = field(default_factory=dict)
    cpuset: str | None = None


def container_cpus(limit: float | None, host: int) -> int:
    """CPUs a job's container may use: its `resources.cpus` limit, else the host's."""
    return math.ceil(limit) if limit else max(host, 1)


def perturbations(kinds: Sequence[str], cpus: int) -> list[Perturbation]:
    """The reruns `kinds` ask for on a container with `cpus` CPUs."""
    out: list[Perturbation] = []
    for kind in kinds:
        if kind == "threads":
            for n in dict.fromkeys((1, max(cpus, 1))):
                out.append(Perturbation(f"threads-{n}", kind,
                                        f"only the thread count changes ({n})",
                                        dict.fromkeys(THREAD_VARS, str(n))))
        elif kind == "blas":
            out.append(Perturbation("blas", kind, "only the BLAS kernel changes "
                                    "(MKL_CBWR=COMPATIBLE, OPENBLAS_CORETYPE=Prescott)",
                                    dict(BLAS_ENV)))
        elif kind == "affinity":
            cpu = max(cpus, 1) - 1
            out.append(Perturbation("affinity", kind, f"only the CPU set changes (CPU {cpu})",
                                    cpuset=str(cpu)))
    return out


# A row of the result is the record's own type: the record stores it as it is made.
PerturbRow = PerturbRecord


def compare(seed_values: Mapping[str, float], across_seeds: Mapping[str, Sequence[float]],
            perturbed: Mapping[str, Mapping[str, float]], tolerances: Mapping[str, float],
            described: Mapping[str, str]) -> list[PerturbRow]:
    """One row per perturbation and metric: the probed seed's value against its rerun."""
    rows = []
    for key, values in perturbed.items():
        for metric, base in seed_values.items():
            if metric not in values:
                continue
            seeds = across_seeds.get(metric, [])
            spread = statistics.stdev(seeds) if len(seeds) >= 2 else None
            change = abs(values[metric] - base)
            tolerance = tolerances.get(metric)
            rows.append(PerturbRow(perturbation=key, what=described[key], metric=metric,
                                   main=base, perturbed=values[metric], change=change,
                                   spread=spread, tolerance=tolerance,
                                   fragile=_fragile(change, spread, tolerance, base)))
    return rows


def _fragile(change: float, spread: float | None, tolerance: float | None, base: float) -> bool:
    noise = EPSILON * max(1.0, abs(base))
    if change <= noise:
        return False
    beyond_spread = spread is not None and change > spread
    beyond_tolerance = tolerance is not None and change > tolerance
    return beyond_spread or beyond_tolerance


def statement(row: PerturbRow) -> str:
    """ "fragile: score moves 0.020 when only the thread count changes (1), 10x the spread
    across seeds" """
    words = f"{row.metric} moves {row.change:.3g} when {row.what}"
    if row.spread is not None and row.spread > 0:
        words += f", {row.change / row.spread:.3g}x the spread across seeds ({row.spread:.3g})"
    elif row.spread == 0:
        words += ", while the seeds agree exactly"
    if row.tolerance is not None and row.change > row.tolerance:
        words += f", beyond the claim's tolerance {row.tolerance:g}"
    return f"fragile: {words}"


def stable_statement(rows: Sequence[PerturbRow]) -> str:
    largest = max(rows, key=lambda r: r.change)
    spread = ("" if largest.spread is None or math.isnan(largest.spread)
              else f" (spread across seeds {largest.spread:.3g})")
    keys = ", ".join(dict.fromkeys(r.perturbation for r in rows))
    return (f"stable: no metric moved beyond the spread across seeds or a claim's tolerance "
            f"under {keys}; the largest move is {largest.metric} {largest.change:.3g}{spread}")
