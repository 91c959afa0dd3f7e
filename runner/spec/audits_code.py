"""Spec models of the audits that read code and that compare near neighbours:
`audits: {code: {...}}` and `audits: {leakage: {neighbours: {...}}}`."""

from __future__ import annotations

from pathlib import PurePosixPath

from pydantic import Field, field_validator

from runner.spec.filerefs import SpecFile, StrictModel


class CodeAuditSpec(StrictModel):
    """Read the repository's Python files and notebooks at the run's commit for a transformer,
    selector, imputer or oversampler fitted before the data is split. `paths` are folders or
    files inside the repository (default: all of it); `env` adds variables to those of the
    spec's environment and steps when deciding `os.environ` switches in the code."""

    paths: list[str] = Field(default_factory=lambda: ["."], min_length=1)
    env: dict[str, str] = Field(default_factory=dict)

    @field_validator("paths")
    @classmethod
    def _relative(cls, value: list[str]) -> list[str]:
        for path in value:
            pure = PurePosixPath(path.replace("\\", "/"))
            if not path or pure.is_absolute() or ".." in pure.parts or "://" in path:
                raise ValueError(f"code audit path {path!r} must be relative, inside the repo")
        return value


class NeighboursSpec(StrictModel):
    """For each test row, its nearest training row in `features` (standardised), compared
    with the training rows' own nearest-neighbour distances. A test row closer than all but
    `quantile` of those, or lying on the segment between two training rows (an interpolated,
    SMOTE-like row), is flagged; more than `max_share` of the test rows flagged is critical."""

    train: SpecFile
    test: SpecFile
    features: list[str] = Field(min_length=1)
    quantile: float = Field(default=0.01, gt=0, lt=0.5)
    max_share: float = Field(default=0.05, gt=0, lt=1)
