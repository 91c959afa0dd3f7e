"""Why a step failed, in words a person acts on: which limit killed it, which command
was not found, and what to change.

Exit code 137 says only "SIGKILL"; the engine knows more. The container's `OOMKilled`
state and its cgroup's `oom_kill` counter say the memory limit did it; the pids cgroup's
`max` counter says a fork was refused at the pids limit; exit code 127 and the shell's
"not found" line name a missing command. Pure: the engine's answers are passed in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from runner.spec.units import format_duration, format_size


@dataclass(frozen=True)
class LimitState:
    """What the engine says about a job's container after a step failed."""

    oom_killed: bool = False  # the container's OOMKilled state
    oom_kills: int | None = None  # the memory cgroup's oom_kill counter (None: unknown)
    pids_refused: int | None = None  # the pids cgroup's `max` counter: forks refused

    @property
    def out_of_memory(self) -> bool:
        return self.oom_killed or bool(self.oom_kills)


@dataclass(frozen=True)
class StepFailure:
    diagnosis: str  # "killed: out of memory (limit 256m)"
    hint: str | None = None
    limit_kind: str | None = None  # memory | pids | timeout
    limit: str | None = None  # 256m | 64 | 20s

    def reason(self, step: str) -> str:
        return f"step {step!r} {self.diagnosis}"


# dash: "/bin/sh: 1: python: not found"; bash: "bash: line 1: python: command not found"
_NOT_FOUND = re.compile(r"(?:^|:\s)([^\s:]+): (?:command )?not found\s*$")


def missing_command(last_lines: Sequence[str]) -> str | None:
    """The command the shell could not find, from the step's last lines of output."""
    for line in reversed(last_lines):
        found = _NOT_FOUND.search(line)
        if found:
            return found.group(1)
    return None


def timed_out(timeout: float, run_budget: bool) -> StepFailure:
    whose = "the run's time budget (resources.timeout)" if run_budget else "its timeout"
    return StepFailure(
        f"timed out after {format_duration(timeout)} ({whose})",
        hint="raise `timeout` on the step (or `resources.timeout`) if the paper's run is "
             "this long", limit_kind="timeout", limit=format_duration(timeout))


def diagnose(exit_code: int | None, limits: LimitState | None, memory: int | None,
             pids: int, last_lines: Sequence[str], has_python3: bool = False,
             ) -> StepFailure:
    """A failed step (exit code != 0, not a timeout) explained."""
    if limits is not None and limits.out_of_memory:
        shown = format_size(memory) if memory else "none set: the host ran out"
        return StepFailure(
            f"killed: out of memory (limit {shown})",
            hint="raise `resources.memory`, or make the step use less (a smaller batch)",
            limit_kind="memory", limit=format_size(memory) if memory else None)
    if limits is not None and limits.pids_refused:
        return StepFailure(
            f"failed: hit the process limit (pids {pids}): "
            f"{limits.pids_refused} process or thread start(s) refused",
            hint="raise `resources.pids` if the step really needs that many processes "
                 "or threads (data loader workers, BLAS threads)",
            limit_kind="pids", limit=str(pids))
    if exit_code == 127:
        return _not_found(missing_command(last_lines), has_python3)
    if exit_code is not None and exit_code > 128:
        return StepFailure(f"was killed by signal {exit_code - 128} (exit code {exit_code})")
    return StepFailure(f"exited with code {exit_code}")


def _not_found(command: str | None, has_python3: bool) -> StepFailure:
    if command is None:
        return StepFailure("exited with code 127 (a command was not found)",
                           hint="the step's log says which")
    hint = "install it in the image (`environment.apt` or `environment.pip`), or fix the name"
    if command == "python" and has_python3:
        hint = ("this image has `python3` but no `python`: write `python3` in the step "
                "(`environment.python` is python3 here), or make `python` exist with "
                "`environment.setup: [\"ln -s $(command -v python3) /usr/local/bin/python\"]`")
    return StepFailure(f"failed: command not found: {command} (exit code 127)", hint=hint)
