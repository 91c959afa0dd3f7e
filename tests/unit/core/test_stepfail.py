"""A failed step explained: which limit, which command, what to change."""

from __future__ import annotations

from runner.core.stepfail import LimitState, diagnose, missing_command, timed_out


def test_the_oom_state_beats_the_exit_code() -> None:
    failure = diagnose(137, LimitState(oom_killed=True), 256 << 20, 4096, [])
    assert failure.diagnosis == "killed: out of memory (limit 256m)"
    assert (failure.limit_kind, failure.limit) == ("memory", "256m")
    assert failure.reason("train") == "step 'train' killed: out of memory (limit 256m)"


def test_the_cgroup_counter_alone_is_enough() -> None:
    assert diagnose(137, LimitState(oom_kills=1), 1 << 30, 4096, []).limit == "1g"


def test_137_without_an_oom_is_a_plain_kill() -> None:
    failure = diagnose(137, LimitState(), 1 << 30, 4096, [])
    assert failure.diagnosis == "was killed by signal 9 (exit code 137)"
    assert failure.limit_kind is None


def test_refused_forks_name_the_pids_limit() -> None:
    failure = diagnose(1, LimitState(pids_refused=3), None, 64, [])
    assert failure.limit_kind == "pids" and "pids 64" in failure.diagnosis


def test_a_missing_command_is_named_from_dash_or_bash() -> None:
    assert missing_command(["x", "/bin/sh: 1: python: not found"]) == "python"
    assert missing_command(["bash: line 1: nvcc: command not found"]) == "nvcc"
    assert missing_command(["all good"]) is None


def test_python_where_python3_exists_gets_the_fix() -> None:
    failure = diagnose(127, LimitState(), None, 4096, ["/bin/sh: 1: python: not found"],
                       has_python3=True)
    assert failure.diagnosis == "failed: command not found: python (exit code 127)"
    assert failure.hint is not None and "python3" in failure.hint
    assert "environment.python" in failure.hint
    other = diagnose(127, LimitState(), None, 4096, ["/bin/sh: 1: python: not found"])
    assert other.hint is not None and "python3" not in other.hint


def test_timeouts_say_whose_limit() -> None:
    assert timed_out(20, run_budget=False).diagnosis == "timed out after 20s (its timeout)"
    assert "resources.timeout" in timed_out(3600, run_budget=True).diagnosis
    assert timed_out(90, run_budget=False).limit == "90s"
