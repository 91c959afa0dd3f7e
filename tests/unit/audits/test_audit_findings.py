from __future__ import annotations

import json

import numpy as np
import pytest

from runner.audits.findings import Finding, has_critical, sort_findings
from runner.errors import UsageError


def test_round_trip_through_json() -> None:
    finding = Finding("leakage", "critical", "2 of 4 groups leak", {"groups": 4, "x": [1.5, "a"]})
    again = Finding.from_dict(json.loads(json.dumps(finding.to_dict())))
    assert again == finding


def test_numpy_evidence_becomes_plain_json() -> None:
    finding = Finding("a", "info", "s", {"n": np.int64(3), "v": np.array([1.0, 2.0]), "t": (1, 2)})
    assert finding.to_dict()["evidence"] == {"n": 3, "v": [1.0, 2.0], "t": [1, 2]}
    json.dumps(finding.to_dict())


def test_sort_is_most_severe_first_and_stable() -> None:
    findings = [
        Finding("a", "info", "1", {}),
        Finding("b", "critical", "2", {}),
        Finding("c", "warning", "3", {}),
        Finding("d", "critical", "4", {}),
    ]
    assert [f.audit for f in sort_findings(findings)] == ["b", "d", "c", "a"]
    assert has_critical(findings)
    assert not has_critical(findings[:1])


def test_bad_severity_is_rejected() -> None:
    with pytest.raises(ValueError):
        Finding("a", "fatal", "s", {})  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        Finding.from_dict({"audit": "a", "severity": "fatal", "statement": "s"})
    with pytest.raises(UsageError, match="statement"):
        Finding.from_dict({"audit": "a", "severity": "info"})
