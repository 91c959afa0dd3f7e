"""GPU ids a batch assigned replace the spec's request and are recorded."""

from __future__ import annotations

import pytest

from runner.core.gpu import decide
from runner.errors import InfraError


def test_assigned_ids_are_granted_and_recorded():
    decision = decide(2, True, "nvidia runtime", False, assigned=[1, 3])
    assert decision.granted == [1, 3]
    assert decision.record()["assigned"] == [1, 3]
    assert decide([0], True, "ok", False, assigned=[2]).granted == [2]
    assert "assigned" not in decide(1, True, "ok", False).record()


def test_assigned_ids_without_a_gpu_runtime():
    with pytest.raises(InfraError, match=r"assigned ids \[1\]"):
        decide(1, False, "no nvidia runtime", False, assigned=[1])
    allowed = decide(1, False, "no nvidia runtime", True, assigned=[1])
    assert allowed.granted == 0 and allowed.record()["assigned"] == [1]


def test_assigned_ids_must_match_the_request():
    with pytest.raises(ValueError):
        decide(2, True, "ok", False, assigned=[0])
