"""SMOTE (Chawla et al., 2002) for the demo world, written out in numpy.

Used only by the `leaky-preprocess` variant (PREPROCESS=leaky), which makes the mistake on
purpose: it oversamples the aftershock cells of the whole world *before* the split, so
synthetic cells interpolated from training cells land in the test set. `repro audit code`
finds the line; the neighbour audit finds the synthetic rows in out/test.csv.
"""

from __future__ import annotations

import numpy as np
import quakes


class Smote:
    """Synthetic minority rows on the segment between a minority row and one of its k
    nearest minority neighbours (in the network's asinh feature space), until the classes
    are balanced. The stress components are interpolated; the invariants are recomputed."""

    def __init__(self, k: int = 5, seed: int = 0) -> None:
        self.k = k
        self.seed = seed

    def _neighbours(self, x: np.ndarray) -> np.ndarray:
        """Indices of each row's k nearest other rows, 512 rows at a time."""
        norms = (x**2).sum(axis=1)
        out = np.empty((len(x), self.k), dtype=np.int64)
        for start in range(0, len(x), 512):
            block = x[start:start + 512]
            dist = norms[start:start + 512, None] + norms[None, :] - 2.0 * block @ x.T
            dist[np.arange(len(block)), np.arange(start, start + len(block))] = np.inf
            out[start:start + 512] = np.argsort(dist, axis=1)[:, : self.k]
        return out

    def fit_resample(self, world: quakes.World) -> quakes.World:
        rng = np.random.default_rng(self.seed)
        minority = np.flatnonzero(world.aftershock == 1)
        count = len(world) - 2 * len(minority)
        near = self._neighbours(quakes.features(world.stress[minority])[:, :6])
        parent = rng.integers(len(minority), size=count)
        other = near[parent, rng.integers(self.k, size=count)]
        a, b = world.stress[minority[parent]], world.stress[minority[other]]
        stress = a + rng.uniform(size=(count, 1)) * (b - a)
        return quakes.World(
            item=np.concatenate([world.item, world.item[minority[parent]]]),
            cell=np.concatenate([world.cell, world.cell[minority[parent]]]),
            stress=np.concatenate([world.stress, stress]),
            coulomb=np.concatenate([world.coulomb, quakes.coulomb_stress(stress)]),
            max_shear=np.concatenate([world.max_shear, quakes.max_shear(stress)]),
            aftershock=np.concatenate([world.aftershock, np.ones(count, dtype=np.int64)]),
        )
