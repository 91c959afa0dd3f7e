"""What the history keeps of one record: each metric's summary, the outcome, host and GPU.

Pure functions of a `RunRecord`. A claimed metric is summarised by its claim's own figures
(mean, interval, verdict, tolerance), so the history says exactly what `repro show` said;
a metric with no claim gets the same Student t interval over the main seeds.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from runner.core.stats import summarize
from runner.record.model import ClaimResult, RunEntry, RunRecord, RunStatus

# Statuses a history holds; `running` is not a finished run. `abandoned` (a reader's name
# for a run whose process died, runner.record.liveness) is: it will never finish, and the
# history says so rather than forgetting it. Like `interrupted`, it measured nothing.
FINISHED = (RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.INTERRUPTED, RunStatus.ABANDONED)
CUT_SHORT = (RunStatus.INTERRUPTED.value, RunStatus.ABANDONED.value)


@dataclass(frozen=True)
class MetricSummary:
    name: str
    n: int
    mean: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    claimed: float | None = None
    tolerance: float | None = None
    higher_is_better: bool | None = None
    verdict: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def is_finished(record: RunRecord) -> bool:
    return record.status in FINISHED


def outcome(status: str, verdict: str | None) -> str:
    """One word for a run: its verdict when it completed, else its status (failed...)."""
    return verdict if status == RunStatus.COMPLETED and verdict else status


def main_runs(record: RunRecord) -> list[RunEntry]:
    """The seeds of the main configuration: no variant, no data fraction, no repeat."""
    return [r for r in record.runs
            if r.variant is None and r.fraction is None and not r.repeat]


def metric_summaries(record: RunRecord) -> dict[str, MetricSummary]:
    """Per metric: the first claim on it if any, else the main seeds' values."""
    found: dict[str, MetricSummary] = {}
    for claim in record.claims:
        found.setdefault(claim.metric, _from_claim(claim))
    values: dict[str, list[float]] = {}
    for run in main_runs(record):
        for name, value in run.metrics.items():
            values.setdefault(name, []).append(value)
    for name, seen in values.items():
        if name not in found:
            found[name] = _from_values(name, seen)
    return found


def _from_claim(claim: ClaimResult) -> MetricSummary:
    mean = claim.mean
    if mean is None and claim.values:
        mean = sum(claim.values) / len(claim.values)
    return MetricSummary(claim.metric, claim.n if claim.n is not None else len(claim.values),
                         mean, claim.ci_low, claim.ci_high, claim.claimed, claim.tolerance,
                         claim.higher_is_better, str(claim.verdict))


def _from_values(name: str, values: list[float]) -> MetricSummary:
    try:
        stats = summarize(values)
    except ValueError:  # a NaN or inf from the paper's code: keep the count, no summary
        return MetricSummary(name, len(values), None)
    return MetricSummary(name, stats.n, stats.mean, stats.ci_low, stats.ci_high)


def hostname(record: RunRecord) -> str | None:
    host = record.fingerprint.get("host")
    name = host.get("hostname") if isinstance(host, dict) else None
    return name if isinstance(name, str) else None


def gpu_model(record: RunRecord) -> str | None:
    """"2 x NVIDIA H100 80GB HBM3", or None on a host without NVIDIA GPUs."""
    host = record.fingerprint.get("host")
    gpus = host.get("gpus") if isinstance(host, dict) else None
    devices = gpus.get("devices") if isinstance(gpus, dict) else None
    if not isinstance(devices, list) or not devices:
        return None
    names = [str(d.get("name")) for d in devices if isinstance(d, dict)]
    groups = {n: names.count(n) for n in names}
    return ", ".join(f"{count} x {name}" if count > 1 else name
                     for name, count in groups.items())


def parse_time(value: str | None) -> datetime | None:
    """A record's ISO time as an aware UTC datetime (records are written in UTC)."""
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return as_utc(moment)


def as_utc(moment: datetime) -> datetime:
    """Aware UTC: SQLite gives back naive datetimes, which the history stored as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
