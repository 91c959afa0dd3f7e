"""Environment switches for deterministic kernels, recorded so a reader knows what was set.

Only switches the frameworks really read from the environment are listed. PyTorch's
`torch.use_deterministic_algorithms(True)` has no environment form: code must call it.
"""

from __future__ import annotations

from typing import Literal

STRICT_ENV = {
    "CUBLAS_WORKSPACE_CONFIG": ":4096:8",  # cuBLAS reproducible reductions (CUDA >= 10.2)
    "TF_DETERMINISTIC_OPS": "1",  # TensorFlow >= 2.1 deterministic GPU kernels
    "TF_CUDNN_DETERMINISTIC": "1",  # TensorFlow cuDNN convolutions (older releases)
    "THEANO_FLAGS": "deterministic=more",  # Theano: deterministic GPU implementations
    "OMP_NUM_THREADS": "1",  # thread-count-dependent float reductions in OpenMP/BLAS
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
}


def determinism_env(mode: Literal["standard", "strict"], seed: int) -> dict[str, str]:
    """PYTHONHASHSEED always follows the seed, so set and dict order repeat run to run."""
    env = {"PYTHONHASHSEED": str(seed), "PL_GLOBAL_SEED": str(seed)}
    if mode == "strict":
        env.update(STRICT_ENV)
    return env
