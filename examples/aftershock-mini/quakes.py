"""The synthetic earthquake "world" and the train/test splits.

Everything here is deterministic: the world comes from DATA_SEED and the split from
SPLIT_SEED, both fixed, so that the training seed passed to train.py changes only the
training (initialisation, subsampling, mini-batches) and never the data or the split.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

DATA_SEED = 1999
SPLIT_SEED = 5  # see README: first seed whose group and cell test sets are equally hard
GRID = 20  # cells per side of an event's grid; one cell ~ 5 km
TEST_SHARE = 0.3

COMPONENTS = ("stress_xx", "stress_yy", "stress_zz", "stress_xy", "stress_xz", "stress_yz")
INVARIANT = "max_shear"
SEQUENCE_RE = re.compile(r"^(\d{4}[A-Z]+)_")

# Sequence keys in the style of the real study's file names (year + place). The data
# are synthetic: the names are labels only and carry none of the real events' physics.
SEQUENCES = (
    "1979IMPERI", "1980IRPINI", "1983BORAHP", "1987SUPERS", "1989LOMAPR", "1990LUZON",
    "1992ERZINC", "1992LANDER", "1994NORTHR", "1995ALEUTI", "1995KOBE", "1997COLFIO",
    "1999CHICHI", "1999HECTOR", "1999IZMIT", "2000TOTTOR", "2001KUNLUN", "2002DENALI",
    "2003TOKACH", "2004PARKFI", "2004SUMATR", "2005KASHMI", "2008WENCHU", "2010DARFIE",
    "2010ELMAYO", "2010MAULE", "2011CHRIST", "2011TOHOKU", "2012SUMATR", "2013BALOCH",
    "2014IQUIQU", "2015GORKHA", "2015ILLAPE", "2016KAIKOU", "2016KUMAMO", "2016NORCIA",
)

# Label model: logit = SLOPE * log(max_shear) + OFFSET + productivity + field. The label
# never looks at Coulomb stress or at single components, only at the invariant and at
# sequence effects that no stress feature of an unseen sequence can reveal.
SLOPE = 1.35
OFFSET = 1.6
PRODUCTIVITY_SD = 1.35  # per-sequence log-productivity, shared by both events
FIELD_SD = 0.85  # smooth per-sequence spatial field, shared by both events
FRICTION = 0.4  # effective friction in the Coulomb failure stress
# Positive lobes of xx and xy are a little stronger than negative ones (the receiver
# orientation is the one the mainshocks tend to load), so Coulomb stress change on the
# receiver partly tracks stress magnitude: a weak predictor, without entering the label.
LOBE_BIAS = (0.25, 0.0, 0.0, 0.25, 0.0, 0.0)


@dataclass(frozen=True)
class World:
    """One row per (event, cell). `item` is the event name, `cell` its grid index."""

    item: np.ndarray  # str, event name such as 1999CHICHI_01
    cell: np.ndarray  # int, row-major cell index in the event's grid
    stress: np.ndarray  # float (n, 6), stress-change tensor components (MPa)
    coulomb: np.ndarray  # float (n,), Coulomb failure stress change (MPa)
    max_shear: np.ndarray  # float (n,), (sigma_1 - sigma_3) / 2 (MPa)
    aftershock: np.ndarray  # int (n,), 1 if the cell had an aftershock

    def __len__(self) -> int:
        return len(self.cell)


def sequence_key(item: str) -> str:
    """The sequence an event belongs to, read from its name like the real study's files."""
    match = SEQUENCE_RE.match(item)
    if match is None:
        raise ValueError(f"event name without a sequence key: {item!r}")
    return match.group(1)


def _smooth_field(rng: np.random.Generator, width: float) -> np.ndarray:
    """Zero-mean, unit-variance Gaussian random field on the grid (FFT low-pass)."""
    noise = rng.standard_normal((GRID, GRID))
    freq = np.fft.fftfreq(GRID)
    kx, ky = np.meshgrid(freq, freq, indexing="ij")
    kernel = np.exp(-2.0 * (np.pi * width) ** 2 * (kx**2 + ky**2))
    field = np.real(np.fft.ifft2(np.fft.fft2(noise) * kernel))
    field -= field.mean()
    return field / field.std()


def _stress_pattern(
    rng: np.random.Generator, mechanism: np.ndarray, phases: np.ndarray,
    strike: float, centre: np.ndarray, moment: float,
) -> np.ndarray:
    """Six stress-change components on the grid for one rupture, shape (GRID*GRID, 6).

    A caricature of an elastic dislocation: four-lobed angular patterns (cos 2θ) per
    component, weighted by the sequence's focal mechanism, decaying like r^-3 away from
    a finite-size source, with mild event-specific multiplicative roughness.
    """
    coords = np.arange(GRID) - (GRID - 1) / 2.0
    gx, gy = np.meshgrid(coords, coords, indexing="ij")
    dx, dy = gx - centre[0], gy - centre[1]
    theta = np.arctan2(dy, dx) - strike
    radius = np.hypot(dx, dy)
    decay = moment / (1.0 + (radius / 2.5) ** 2) ** 1.5
    comps = np.empty((GRID, GRID, 6))
    for j in range(6):
        roughness = np.exp(0.25 * _smooth_field(rng, 1.5))
        lobes = np.cos(2.0 * theta + phases[j]) + LOBE_BIAS[j]
        comps[..., j] = mechanism[j] * lobes * decay * roughness
    return comps.reshape(-1, 6)


def _tensor(stress: np.ndarray) -> np.ndarray:
    """(n, 6) components -> (n, 3, 3) symmetric tensors."""
    xx, yy, zz, xy, xz, yz = stress.T
    return np.stack(
        [np.stack([xx, xy, xz], -1), np.stack([xy, yy, yz], -1), np.stack([xz, yz, zz], -1)],
        axis=-2,
    )


def max_shear(stress: np.ndarray) -> np.ndarray:
    """Maximum shear stress change (sigma_1 - sigma_3) / 2: one tensor invariant."""
    eig = np.linalg.eigvalsh(_tensor(stress))
    return (eig[:, -1] - eig[:, 0]) / 2.0


def coulomb_stress(stress: np.ndarray) -> np.ndarray:
    """Coulomb failure stress change on a fixed vertical receiver fault (normal along x,
    slip along y): shear stress plus friction times normal stress (tension positive)."""
    return stress[:, 3] + FRICTION * stress[:, 0]


def _sequence_events(rng: np.random.Generator) -> tuple[list[np.ndarray], np.ndarray]:
    """Stress fields of a mainshock and its large aftershock, plus the shared label bias.

    Both events share the fault (strike, mechanism, location) so their stress fields are
    nearly identical; they also share the sequence's productivity and spatial field,
    which is what makes cell-level splits leak between siblings.
    """
    mechanism = rng.lognormal(0.0, 0.6, size=6)
    phases = rng.uniform(0.0, 2.0 * np.pi, size=6)
    strike = rng.uniform(0.0, np.pi)
    centre = rng.uniform(-3.0, 3.0, size=2)
    moment = rng.lognormal(0.0, 0.5)
    bias = PRODUCTIVITY_SD * rng.standard_normal() + FIELD_SD * _smooth_field(rng, 2.5)
    events = [_stress_pattern(rng, mechanism, phases, strike, centre, moment)]
    # The large aftershock: same fault, slightly shifted, smaller, a little rotated.
    events.append(
        _stress_pattern(
            rng,
            mechanism * rng.lognormal(0.0, 0.1, size=6),
            phases + rng.normal(0.0, 0.1, size=6),
            strike + rng.normal(0.0, 0.05),
            centre + rng.normal(0.0, 0.7, size=2),
            moment * rng.uniform(0.3, 0.6),
        )
    )
    return events, bias.reshape(-1)


def _labels(rng: np.random.Generator, stress: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """Bernoulli aftershock labels: log max shear plus the sequence's shared bias."""
    shear = max_shear(stress)
    logit = SLOPE * np.log(shear) + OFFSET + bias
    prob = 1.0 / (1.0 + np.exp(-logit))
    return (rng.uniform(size=len(prob)) < prob).astype(np.int64)


def make_world(seed: int = DATA_SEED) -> World:
    """The fixed synthetic world: len(SEQUENCES) sequences x 2 events x GRID^2 cells."""
    rng = np.random.default_rng(seed)
    items, cells, stresses, labels = [], [], [], []
    for key in SEQUENCES:
        events, bias = _sequence_events(rng)
        for number, stress in enumerate(events, start=1):
            items.append(np.full(GRID * GRID, f"{key}_{number:02d}"))
            cells.append(np.arange(GRID * GRID))
            stresses.append(stress)
            labels.append(_labels(rng, stress, bias))
    stress = np.concatenate(stresses)
    return World(
        item=np.concatenate(items),
        cell=np.concatenate(cells),
        stress=stress,
        coulomb=coulomb_stress(stress),
        max_shear=max_shear(stress),
        aftershock=np.concatenate(labels),
    )


SHIFTED_SEED = 2011
SHIFT_NOISE = 0.1  # extra measurement noise of the new catalogue, in standard deviations


def shifted_world() -> World:
    """A second test set, drawn like the first (new events from the same generator) but
    measured with a noisier stress inversion: the CIFAR-10.1 question for this demo."""
    world = make_world(SHIFTED_SEED)
    rng = np.random.default_rng(SHIFTED_SEED + 1)
    noise = rng.normal(0.0, SHIFT_NOISE, world.stress.shape) * world.stress.std(axis=0)
    stress = world.stress + noise
    return World(world.item, world.cell, stress, coulomb_stress(stress), max_shear(stress),
                 world.aftershock)


def split_rows(world: World, mode: str) -> tuple[np.ndarray, np.ndarray]:
    """Row indices (train, test) for a split mode.

    cell:  the flawed split: a random 70/30 split of all cells of all events, so each
           event, and its sibling event, has cells on both sides.
    group: whole sequences go to one side (regex on the event name), so nothing of a
           test sequence is seen in training.
    """
    rng = np.random.default_rng(SPLIT_SEED)
    if mode == "cell":
        is_test = rng.uniform(size=len(world)) < TEST_SHARE
    elif mode == "group":
        keys = np.array([sequence_key(name) for name in world.item])
        unique = np.unique(keys)
        n_test = round(TEST_SHARE * len(unique))
        test_keys = rng.choice(unique, size=n_test, replace=False)
        is_test = np.isin(keys, test_keys)
    else:
        raise ValueError(f"SPLIT must be 'cell' or 'group', not {mode!r}")
    return np.flatnonzero(~is_test), np.flatnonzero(is_test)


def features(stress: np.ndarray) -> np.ndarray:
    """Network inputs: the 6 components and their absolute values (12 columns).

    asinh compresses the r^-3 dynamic range (like a log for large |x|, linear near 0),
    so a small network can work with it without extreme input values.
    """
    scaled = np.arcsinh(stress / 0.01)
    return np.concatenate([scaled, np.abs(scaled)], axis=1)
