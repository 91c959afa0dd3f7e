"""A small fully connected network in pure numpy (tanh hidden layers, sigmoid output),
trained with mini-batch Adam on binary cross-entropy, plus a one-feature logistic
regression (the "one neuron" baseline of the critique)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

HIDDEN = (24, 24)
EPOCHS = 8
BATCH = 64
LEARNING_RATE = 3e-3
# L2 penalty of a fixed Gaussian prior: per-row decay PRIOR_PRECISION / n, so small
# training subsets are regularised more and do not simply memorise their few rows.
PRIOR_PRECISION = 10.0
MIN_STEPS = 1500  # small training subsets still get enough updates to converge


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # overflow-free logistic


def init_params(rng: np.random.Generator, n_in: int) -> list[np.ndarray]:
    """Glorot-uniform weights, zero biases; flat list [W1, b1, W2, b2, ...]."""
    sizes = (n_in, *HIDDEN, 1)
    params: list[np.ndarray] = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        params += [rng.uniform(-limit, limit, (fan_in, fan_out)), np.zeros(fan_out)]
    return params


def _forward(params: list[np.ndarray], x: np.ndarray) -> list[np.ndarray]:
    """Activations of every layer; the last entry is the output logit (n,)."""
    acts = [x]
    n_layers = len(params) // 2
    for i in range(n_layers):
        z = acts[-1] @ params[2 * i] + params[2 * i + 1]
        acts.append(np.tanh(z) if i < n_layers - 1 else z[:, 0])
    return acts


def predict(params: list[np.ndarray], x: np.ndarray) -> np.ndarray:
    """Predicted aftershock probability per row."""
    return _sigmoid(_forward(params, x)[-1])


def _gradients(
    params: list[np.ndarray], x: np.ndarray, y: np.ndarray, decay: float
) -> list[np.ndarray]:
    """Back-propagation of the mean binary cross-entropy plus L2 decay on the weights."""
    acts = _forward(params, x)
    delta = (_sigmoid(acts[-1]) - y)[:, None] / len(y)
    grads: list[np.ndarray] = [np.empty(0)] * len(params)
    for i in reversed(range(len(params) // 2)):
        grads[2 * i] = acts[i].T @ delta + decay * params[2 * i]
        grads[2 * i + 1] = delta.sum(axis=0)
        if i > 0:
            delta = (delta @ params[2 * i].T) * (1.0 - acts[i] ** 2)
    return grads


def train(rng: np.random.Generator, x: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    """Mini-batch Adam; the rng drives initialisation and batch order only."""
    params = init_params(rng, x.shape[1])
    moments = [np.zeros_like(p) for p in params]
    squares = [np.zeros_like(p) for p in params]
    steps_per_epoch = max(1, len(y) // BATCH)
    n_steps = max(EPOCHS * steps_per_epoch, MIN_STEPS)
    decay = PRIOR_PRECISION / len(y)
    b1, b2, eps = 0.9, 0.999, 1e-8
    order = rng.permutation(len(y))
    for step in range(1, n_steps + 1):
        k = (step - 1) % steps_per_epoch
        if k == 0 and step > 1:
            order = rng.permutation(len(y))
        batch = order[k * BATCH : (k + 1) * BATCH]
        grads = _gradients(params, x[batch], y[batch], decay)
        for p, m, v, g in zip(params, moments, squares, grads, strict=True):
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g * g
            p -= LEARNING_RATE * (m / (1 - b1**step)) / (np.sqrt(v / (1 - b2**step)) + eps)
    return params


def save(path: Path, params: list[np.ndarray], **meta: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {f"param_{i}": p for i, p in enumerate(params)}
    np.savez(path, **arrays, **meta)


def load(path: Path) -> tuple[list[np.ndarray], dict[str, np.ndarray]]:
    with np.load(path) as data:
        params = [data[f"param_{i}"] for i in range(sum(k.startswith("param_") for k in data))]
        meta = {k: data[k] for k in data.files if not k.startswith("param_")}
    return params, meta


def fit_logistic_1d(x: np.ndarray, y: np.ndarray, iterations: int = 50) -> tuple[float, float]:
    """Logistic regression y ~ sigmoid(a + b*x) by Newton's method; returns (a, b)."""
    design = np.column_stack([np.ones_like(x), x])
    coef = np.zeros(2)
    for _ in range(iterations):
        prob = _sigmoid(design @ coef)
        hessian = design.T @ (design * (prob * (1 - prob))[:, None]) + 1e-9 * np.eye(2)
        step = np.linalg.solve(hessian, design.T @ (y - prob))
        coef += step
        if np.abs(step).max() < 1e-10:
            break
    return float(coef[0]), float(coef[1])
