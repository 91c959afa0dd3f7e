"""One batch at a time per output folder: a lock file in OUT that names the running batch.

The lock is an `flock` held for the batch's whole life, so the kernel releases it when the
batch process dies however it dies (kill -9, a reboot): a dead owner's lock is simply taken
over, and no pid is ever guessed alive. The file's text says who holds it, for the message
the second batch prints.
"""

from __future__ import annotations

import fcntl
import json
import os
import platform
from pathlib import Path
from typing import IO

from runner.errors import InfraError
from runner.record.store import now_iso

LOCK_NAME = "batch.lock"


class BatchLock:
    def __init__(self, out_dir: Path, batch_id: str, registry: list[str]) -> None:
        self.path = out_dir / LOCK_NAME
        self.batch_id = batch_id
        self.registry = registry
        self._handle: IO[str] | None = None

    def acquire(self) -> BatchLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read()
            handle.close()
            raise InfraError(f"another batch is running in {self.path.parent}: "
                             f"{_describe(holder)}",
                             hint=f"wait for it, or stop it; its lock is {self.path}") from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"batch_id": self.batch_id, "pid": os.getpid(),
                                 "host": platform.node(), "started": now_iso(),
                                 "registry": self.registry}) + "\n")
        handle.flush()
        self._handle = handle
        return self

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None

    def __enter__(self) -> BatchLock:
        return self.acquire()

    def __exit__(self, *_exc: object) -> None:
        self.release()


def _describe(text: str) -> str:
    try:
        info = json.loads(text)
        return (f"batch {info['batch_id']} (pid {info['pid']} on {info['host']}, "
                f"started {info['started']})")
    except (ValueError, KeyError, TypeError):
        return "a batch that has not written its name yet"
