"""The project's error types and the exit codes they map to.

One fatal-error family, caught in one handler in the CLI (pre-commit's habit): every
layer raises a ReproError subclass carrying its exit code and a user-facing message.
"""

from __future__ import annotations

import contextlib
import errno
from collections.abc import Iterator
from enum import IntEnum


class ExitCode(IntEnum):
    REPRODUCED = 0
    NOT_REPRODUCED = 1
    INVALID = 2  # invalid spec or usage
    RUN_FAILED = 3  # build or step failed, timeout, missing data
    INFRA = 4  # engine, git, network
    BUG = 70  # repro itself crashed; a crash log says where
    INTERRUPTED = 130


class ReproError(Exception):
    """Base of every error repro reports to a user (never a traceback)."""

    exit_code: ExitCode = ExitCode.RUN_FAILED

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.record_path: object | None = None  # set when a run record says what happened

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class UsageError(ReproError):
    """Bad input that is not a spec: a malformed file given to `repro audit`, a bad flag."""

    exit_code = ExitCode.INVALID


class RunFailed(ReproError):
    """The run could not complete: build or step failed, timeout, missing data."""

    exit_code = ExitCode.RUN_FAILED


class InfraError(ReproError):
    """The machinery failed: container engine, git, network."""

    exit_code = ExitCode.INFRA


class StorageError(InfraError):
    """The disk under the runs folder or the cache is full (or read-only, or over quota)."""


class EngineLost(InfraError):
    """The container engine went away in the middle of a run (a restart, a crash)."""

    HINT = ("once the engine is back (`docker info` answers), run again; the next "
            "`repro run` removes the containers this run left behind")

    def __init__(self, detail: str, where: str | None = None) -> None:
        at = f" during {where}" if where else ""
        super().__init__(f"the container engine went away{at} ({detail})", hint=self.HINT)
        self.detail, self.where = detail, where

    def during(self, where: str) -> EngineLost:
        """The same loss, saying which seed and step it interrupted (kept if known)."""
        return self if self.where else EngineLost(self.detail, where)


# What a full or unwritable disk raises; anything else is not the disk's fault.
STORAGE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS}


def storage_error(exc: OSError, path: object) -> StorageError | None:
    """`exc` as a StorageError naming `path`, if a full or read-only disk caused it."""
    if exc.errno not in STORAGE_ERRNOS:
        return None
    why = {errno.ENOSPC: "no space left on the device", errno.EDQUOT: "disk quota exceeded",
           errno.EROFS: "read-only file system"}[exc.errno]
    return StorageError(f"cannot write {path}: {why}",
                        hint="free space there (or point --runs-dir / REPRO_CACHE elsewhere) "
                             "and run again")


@contextlib.contextmanager
def writing(path: object) -> Iterator[None]:
    """Turn a full disk under `path` into a StorageError naming it."""
    try:
        yield
    except OSError as exc:
        mapped = storage_error(exc, path)
        if mapped is None:
            raise
        raise mapped from None
