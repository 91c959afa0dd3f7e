"""The one result type every audit returns: a Finding with a severity and its evidence.

Evidence is kept JSON-safe (ints, floats, strs, bools, None, lists, dicts) so findings can be
written to a report and read back without loss.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, cast, get_args

from runner.errors import UsageError

Severity = Literal["info", "warning", "critical"]
SEVERITIES: tuple[Severity, ...] = get_args(Severity)
_RANK: dict[str, int] = {"critical": 0, "warning": 1, "info": 2}

# Lists in evidence are capped so that a leak across a million rows stays readable.
MAX_EXAMPLES = 20


@dataclass(frozen=True)
class Finding:
    """One audit's verdict: which audit, how bad, a one-line statement and the numbers."""

    audit: str
    severity: Severity
    statement: str
    evidence: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")
        # Normalise numpy scalars and tuples once, so to_dict() is always JSON-safe.
        object.__setattr__(self, "evidence", cast(dict[str, Any], json_safe(self.evidence)))

    @property
    def is_critical(self) -> bool:
        return self.severity == "critical"

    def to_dict(self) -> dict[str, Any]:
        return {
            "audit": self.audit,
            "severity": self.severity,
            "statement": self.statement,
            "evidence": json_safe(self.evidence),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        try:
            severity = data["severity"]
            if severity not in SEVERITIES:
                raise UsageError(f"finding has unknown severity {severity!r}")
            return cls(
                audit=str(data["audit"]),
                severity=severity,
                statement=str(data["statement"]),
                evidence=dict(data.get("evidence") or {}),
            )
        except KeyError as exc:
            raise UsageError(f"finding is missing the key {exc.args[0]!r}") from None


def json_safe(value: Any) -> Any:
    """Convert numpy scalars/arrays, tuples and sets into plain JSON types."""
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [json_safe(v) for v in items]
    if type(value).__module__ == "numpy" and hasattr(value, "tolist"):
        # numpy arrays and scalars, recognised without importing numpy: `repro run` and
        # `repro validate` load this module, and numpy costs them 0.2 s of start-up.
        return json_safe(value.tolist())
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first; the audits' own order is kept within a severity (sorted is stable)."""
    return sorted(findings, key=lambda f: _RANK[f.severity])


def has_critical(findings: Iterable[Finding]) -> bool:
    return any(f.is_critical for f in findings)
