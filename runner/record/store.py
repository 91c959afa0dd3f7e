"""The run record: a versioned JSON file, written atomically at every change of state.

A crash or Ctrl-C leaves the last complete version on disk, never half a file; the final
write says `completed`, `failed` or `interrupted`, with the reason.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from runner.errors import UsageError

RECORD_VERSION = 1
RECORD_NAME = "record.json"


def new_run_dir(runs_root: Path, spec_name: str) -> tuple[str, Path]:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    run_id = f"{stamp}-{secrets.token_hex(3)}"
    folder = runs_root / spec_name / run_id
    folder.mkdir(parents=True, exist_ok=False)
    return run_id, folder


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def write_json_atomic(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=False, default=str)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


class Recorder:
    """Holds the record in memory and saves it whole after each change."""

    def __init__(self, folder: Path, record: dict[str, Any]) -> None:
        self.folder = folder
        self.path = folder / RECORD_NAME
        self.data = {"record_version": RECORD_VERSION, **record}
        self._started = time.monotonic()
        self.save()

    def update(self, **fields: Any) -> None:
        self.data.update(fields)
        self.save()

    def finish(self, status: str, exit_code: int, reason: str | None = None) -> None:
        self.data.update(status=status, exit_code=exit_code, reason=reason,
                         finished=now_iso(),
                         duration_seconds=round(time.monotonic() - self._started, 3))
        self.save()

    def save(self) -> None:
        write_json_atomic(self.path, self.data)


def find_record(target: Path, runs_root: Path) -> Path:
    """A record from a run folder, a record file, a spec name (latest run) or a run id."""
    candidates = [target, target / RECORD_NAME]
    if not target.is_absolute():
        candidates += [runs_root / target / RECORD_NAME]
        spec_dir = runs_root / target
        if spec_dir.is_dir():
            runs = sorted(p for p in spec_dir.iterdir() if (p / RECORD_NAME).exists())
            candidates += [runs[-1] / RECORD_NAME] if runs else []
        candidates += sorted(runs_root.glob(f"*/{target}/{RECORD_NAME}"))
    for path in candidates:
        if path.is_file():
            return path
    raise UsageError(f"no run record found for {target}",
                     hint=f"give a run folder, or a spec name with runs under {runs_root}")


def load_record(path: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path} is not a readable run record: {exc}") from None
    if data.get("record_version") != RECORD_VERSION:
        raise UsageError(f"{path} has record version {data.get('record_version')!r}; this "
                         f"repro reads version {RECORD_VERSION}")
    return data
