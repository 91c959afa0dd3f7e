"""The project's error types and the exit codes they map to.

One fatal-error family, caught in one handler in the CLI (pre-commit's habit): every
layer raises a ReproError subclass carrying its exit code and a user-facing message.
"""

from __future__ import annotations

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
