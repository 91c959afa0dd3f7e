"""The run record's typed model: what `record.json` holds, validated when written and read.

Free-form parts (the host fingerprint, the environment, the paper's citation) stay dicts:
they describe the world, and their keys depend on what the host could tell. Everything a
later reader decides on (status, verdicts, claims, runs and their steps, the image, the
source) has a type. `RunRecord.model_json_schema()` is shipped as specs/record.schema.json.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

RECORD_VERSION = 1


class RunStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    INTERRUPTED = "interrupted"
    ABANDONED = "abandoned"  # never written: a reader's name for a `running` run whose
    # process is gone (runner.record.liveness)


class Verdict(StrEnum):
    """A claim's verdict."""

    REPRODUCED = "reproduced"
    EXCEEDED = "exceeded"
    NOT_REPRODUCED = "not_reproduced"
    INCONCLUSIVE = "inconclusive"
    MISSING = "missing"


class RunVerdict(StrEnum):
    """The whole run's verdict over its claims."""

    REPRODUCED = "reproduced"
    NOT_REPRODUCED = "not_reproduced"
    INCONCLUSIVE = "inconclusive"
    NO_CLAIMS = "no_claims"


PASSING = (Verdict.REPRODUCED, Verdict.EXCEEDED)


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class SpecRef(_Part):
    name: str | None
    path: str
    sha256: str


class SourceRecord(_Part):
    kind: str
    location: str
    commit: str
    pinned: bool
    mutable_ref: str | None = None
    submodules: bool = False


class DataRecord(_Part):
    name: str
    mount: str
    sha256: str
    manual: bool
    source: str


class ImageRecord(_Part):
    tag: str
    id: str
    reused: bool
    reason: str
    seconds: float
    base_reference: str
    base_digest: str
    base_pinned: bool
    cache_key: str
    labels: dict[str, str]
    dockerfile: str
    build_log: str
    lock: str | None = None


class LimitHit(_Part):
    """A sandbox limit that ended a step: `memory` (OOM kill), `pids`, or `timeout`."""

    kind: str
    limit: str  # as a person writes it: 256m, 4096, 20s


class StepRecord(_Part):
    name: str
    command: str
    env: dict[str, str]
    secrets: list[str] = Field(default_factory=list)
    exit_code: int | None
    duration_seconds: float
    timed_out: bool
    timeout_seconds: float | None
    network: bool
    optional: bool = False
    log: str
    log_bytes: int = Field(0, description="bytes the step printed")
    log_dropped_bytes: int = Field(0, description="bytes left out of the capped log "
                                                  "(between its head and its tail)")
    limit_hit: LimitHit | None = None
    diagnosis: str | None = Field(None, description="why the step failed, in words")
    hint: str | None = None


class RunEntry(_Part):
    """One job of the run: a seed of the main configuration, a variant, the probe..."""

    label: str
    seed: int
    variant: str | None = None
    fraction: float | None = None
    repeat: bool = False
    status: str
    reason: str | None = None
    steps: list[StepRecord] = Field(default_factory=list)
    metrics: dict[str, float] = Field(default_factory=dict)
    missing: dict[str, str] = Field(default_factory=dict)


class WelchResult(_Part):
    test: str
    t: float
    df: float
    p_value: float


class ClaimResult(_Part):
    metric: str
    claimed: float
    tolerance: float
    tolerance_as_written: float | str
    higher_is_better: bool | None
    where: str | None = None
    values: list[float]
    missing: list[str]
    verdict: Verdict
    explanation: str
    single_run: bool | None = None
    n: int | None = None
    mean: float | None = None
    std: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    confidence: float | None = None
    method: str | None = None
    difference: float | None = None
    band: list[float] | None = None
    tost_p: float | None = None
    seeds_needed: int | None = None
    paper_vs_reproduction: WelchResult | None = None


class VariantRow(_Part):
    variant: str
    metric: str
    n: int
    values: list[float]
    p_value: float
    mean: float | None = None
    std: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    difference: float | None = None
    test: str | None = None
    note: str | None = None
    p_holm: float | None = None
    significant: bool | None = None
    paired: bool = Field(False, description="compared seed by seed (a variant that reuses "
                                            "the main outputs)")
    diff_ci_low: float | None = None
    diff_ci_high: float | None = None
    statement: str | None = Field(None, description='e.g. "acc drops 0.081 [0.070, 0.092] '
                                                    'on cifar10.1"')


class VariantInfo(_Part):
    """What a variant changed and what it ran on."""

    changes: list[str]
    image: str
    image_reused: bool | None = None  # None: the main image
    own_image: bool = False
    data: list[dict[str, Any]] = Field(default_factory=list)


class PerturbRecord(_Part):
    perturbation: str
    what: str
    metric: str
    main: float
    perturbed: float
    change: float
    spread: float | None = None
    tolerance: float | None = None
    fragile: bool


class ProbeReport(_Part):
    seed: int
    first: dict[str, float]
    second: dict[str, float]
    max_abs_difference: dict[str, float]
    identical: bool
    mode: str
    switches: dict[str, str]
    finding: str | None = None


class OwnerRecord(_Part):
    """The process that writes the record: whether it still lives (runner.record.liveness)."""

    host: str
    pid: int
    process_started: float | None = None


class FindingRecord(_Part):
    audit: str
    severity: str
    statement: str
    evidence: dict[str, Any] = Field(default_factory=dict)


class RunRecord(_Part):
    """One `record.json`: written at every change of state, complete at each write."""

    record_version: int = RECORD_VERSION
    run_id: str
    status: RunStatus
    started: str
    runner_version: str
    spec: SpecRef
    paper: dict[str, Any]
    options: dict[str, Any]
    seeds: list[int]
    fingerprint: dict[str, Any] = Field(default_factory=dict)
    gpu: dict[str, Any] | None = None
    source: SourceRecord | None = None
    data: list[DataRecord] = Field(default_factory=list)
    image: ImageRecord | None = None
    environment: dict[str, Any] | None = None
    runs: list[RunEntry] = Field(default_factory=list)
    claims: list[ClaimResult] = Field(default_factory=list)
    variants: list[VariantRow] = Field(default_factory=list)
    variant_info: dict[str, VariantInfo] = Field(default_factory=dict)
    perturbations: list[PerturbRecord] = Field(default_factory=list)
    determinism_probe: ProbeReport | None = None
    findings: list[FindingRecord] = Field(default_factory=list)
    verdict: RunVerdict | None = None
    summary: str | None = None
    exit_code: int | None = None
    reason: str | None = None
    finished: str | None = None
    duration_seconds: float | None = None
    owner: OwnerRecord | None = None

    @property
    def critical_findings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "critical")

    def to_json_data(self) -> dict[str, Any]:
        """The one serialisation of a record: what `record.json` holds.

        Parts never set are left out, as the dict-built records of record_version 1 did;
        NaN stays NaN (a p-value of a test that could not run), not null.
        """
        return {"record_version": self.record_version,
                **self.model_dump(mode="python", exclude_unset=True)}
