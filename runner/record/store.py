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

from pydantic import ValidationError

from runner.errors import UsageError, writing
from runner.record import liveness
from runner.record.model import RECORD_VERSION, OwnerRecord, RunRecord, RunStatus

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
    """Write `path` whole or not at all: a reader sees the old file or the new one, never
    a torn one. A full disk leaves the old file, removes the partial one, and raises a
    StorageError naming `path`."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with writing(path):
            with open(tmp, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=2, sort_keys=False, default=str)
                handle.write("\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class Recorder:
    """Holds a run's record and saves it whole after each change."""

    def __init__(self, folder: Path, record: RunRecord) -> None:
        self.folder = folder
        self.path = folder / RECORD_NAME
        self.record = record
        self._started = time.monotonic()
        me = liveness.this_process()
        record.owner = OwnerRecord(host=me.host, pid=me.pid, process_started=me.started)
        self._heartbeat = liveness.Heartbeat(folder)
        self._heartbeat.start()
        self.save()

    def update(self, **fields: Any) -> None:
        """Set top-level fields (validated: a dict becomes its typed part) and save."""
        for name, value in fields.items():
            setattr(self.record, name, value)
        self.save()

    def finish(self, status: RunStatus, exit_code: int, reason: str | None = None) -> None:
        self._heartbeat.stop()
        fields: dict[str, Any] = {}
        if status is RunStatus.FAILED and reason and self.record.summary is None:
            # The one line a table of runs shows: "failed: step 'train' killed: out of ..."
            fields["summary"] = f"failed: {reason.splitlines()[0]}"
        self.update(status=status, exit_code=exit_code, reason=reason, finished=now_iso(),
                    duration_seconds=round(time.monotonic() - self._started, 3), **fields)

    def save(self) -> None:
        write_json_atomic(self.path, self.record.to_json_data())


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


def load_record(path: Path) -> RunRecord:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path} is not a readable run record: {exc}") from None
    version = data.get("record_version") if isinstance(data, dict) else None
    if version != RECORD_VERSION:
        raise UsageError(f"{path} has record version {version!r}; this "
                         f"repro reads version {RECORD_VERSION}")
    try:
        record = RunRecord.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UsageError(f"{path} is not a valid run record: {where}: {first['msg']}") from None
    if record.status == RunStatus.RUNNING and is_abandoned(record, path.parent):
        record.status = RunStatus.ABANDONED  # read so, never written so: see liveness
        owner = record.owner
        who = f"pid {owner.pid} on {owner.host}" if owner else "its process"
        record.reason = record.reason or (
            f"abandoned: the repro process that ran it ({who}) is gone (killed, out of "
            "memory, or the machine restarted) before it could finish")
    return record


def is_abandoned(record: RunRecord, folder: Path) -> bool:
    """A `running` record whose process is gone (another host: whose heartbeat stopped)."""
    o = record.owner
    owner = liveness.Owner(o.host, o.pid, o.process_started) if o else None
    return liveness.owner_alive(owner, folder) == liveness.Liveness.DEAD
