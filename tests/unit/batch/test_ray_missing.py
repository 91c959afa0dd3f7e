"""Without the ray extra, `--engine ray` says how to get it (a usage error, exit 2)."""

from __future__ import annotations

import sys

import pytest

from runner.batch.ray_exec import RayExecutor
from runner.errors import ExitCode, UsageError


def test_missing_ray_is_a_clear_usage_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError
    with pytest.raises(UsageError) as caught:
        RayExecutor(None, None)
    assert caught.value.exit_code == ExitCode.INVALID
    assert "pip install 'repro[ray]'" in str(caught.value)
