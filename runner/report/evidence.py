"""A run's evidence files copied into its page's folder: the record and the logs.

The site must open anywhere, so logs are copied, not linked to the run folder; a log over
`MAX_LOG_BYTES` keeps its end (where a failure is) with a note. Only paths inside the run
folder are copied, whatever a record says. A run whose folder this machine does not have
(a lab's shared history) gets its page without logs, and says so.
"""

from __future__ import annotations

from pathlib import Path

from runner.record.model import RunRecord

MAX_LOG_BYTES = 1 << 20
CUT_NOTE = b"[... the beginning of this log is cut: the whole log is in the run folder]\n"


def log_paths(record: RunRecord) -> list[str]:
    found = [record.image.build_log] if record.image else []
    found += [step.log for run in record.runs for step in run.steps]
    return list(dict.fromkeys(p for p in found if p))


def copy_evidence(record: RunRecord, folder: Path | None, page_dir: Path) -> dict[str, str | None]:
    """Copy the logs into `page_dir/logs/`; returns each log's link (None: not available)."""
    links: dict[str, str | None] = {}
    for rel in log_paths(record):
        links[rel] = None
        if folder is None:
            continue
        source = (folder / rel).resolve()
        if not source.is_file() or not source.is_relative_to(folder.resolve()):
            continue
        target = page_dir / "logs" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        _copy_tail(source, target)
        links[rel] = f"logs/{rel}"
    return links


def _copy_tail(source: Path, target: Path) -> None:
    size = source.stat().st_size
    with open(source, "rb") as reader, open(target, "wb") as writer:
        if size > MAX_LOG_BYTES:
            reader.seek(size - MAX_LOG_BYTES)
            writer.write(CUT_NOTE)
        while chunk := reader.read(1 << 16):
            writer.write(chunk)
