"""`repro shell`: driven through a real pseudo-terminal (pexpect), and with a command and no
terminal. The container is the one a run's job gets, and it is gone afterwards."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import pexpect
import pytest
from itest_support import write_spec
from typer.testing import CliRunner

import runner.cli as cli

PROMPT = r"\(repro:itest-[0-9a-f]+-shell\)[^\r\n]*\$ "


def _spec(folder: Path, manual_data: Path) -> Path:
    (manual_data / "input").mkdir(parents=True)
    (manual_data / "input" / "x.txt").write_text("forty-two\n")
    return write_spec(
        folder, "shell", [{"name": "train", "run": "python3 train.py"}],
        files={"train.py": "print('AUC: 0.9')\n"},
        environment={"base": "repro/debian-python:bookworm", "env": {"FROM_SPEC": "yes"}},
        resources={"memory": "256m"}, seeds=[3, 4],
        data=[{"name": "input", "source": "manual", "instructions": "x",
               "mount": "/work/input"}])


@pytest.mark.docker
def test_shell_in_a_real_terminal(engine_ready: str, tmp_path: Path,
                                  leftovers: Callable[[], list[str]]) -> None:
    spec = _spec(tmp_path / "specs", tmp_path / "manual-data")
    child = pexpect.spawn(sys.executable, ["-m", "runner", "shell", str(spec), "--seed", "4"],
                          encoding="utf-8", timeout=180, dimensions=(30, 100))
    transcript = tmp_path / "transcript.txt"
    with open(transcript, "w") as log:
        child.logfile_read = log
        child.expect(PROMPT)
        # The run's sandbox: uid 1000, the workdir with the code, read-only data, no network,
        # the seed's environment and the spec's.
        child.sendline("id -u; pwd; ls; cat /work/input/x.txt; echo seed=$REPRO_SEED "
                       "spec=$FROM_SPEC; ls /sys/class/net; touch /work/input/y")
        for expected in ("1000", "/work/repo", "train.py", "forty-two", "seed=4 spec=yes",
                         "lo", "Read-only file system"):
            child.expect_exact(expected)
        child.expect(PROMPT)
        # A resize reaches the container's terminal.
        child.setwinsize(40, 132)
        time.sleep(0.3)
        child.sendline("stty size")
        child.expect_exact("40 132")
        child.expect(PROMPT)
        # Ctrl-C interrupts the shell's command, not repro.
        child.sendline("sleep 60")
        time.sleep(1)
        child.sendcontrol("c")
        child.expect(PROMPT, timeout=10)
        child.sendline("echo still-$((40+2))")
        child.expect_exact("still-42")
        child.expect(PROMPT)
        child.sendline("exit 3")
        child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 3, transcript.read_text()
    assert leftovers() == []


@pytest.mark.docker
def test_shell_runs_a_command_without_a_terminal(engine_ready: str, tmp_path: Path,
                                                 leftovers: Callable[[], list[str]]) -> None:
    spec = _spec(tmp_path / "specs", tmp_path / "manual-data")
    result = CliRunner().invoke(cli.app, ["shell", str(spec), "--", "sh", "-c",
                                          "python3 train.py; echo net=$(ls /sys/class/net | "
                                          "tr '\\n' ,); exit 5"])
    assert result.exit_code == 5, result.output
    assert "AUC: 0.9" in result.output and "net=lo," in result.output
    result = CliRunner().invoke(cli.app, ["shell", str(spec), "--network", "--",
                                          "sh", "-c", "ls /sys/class/net | tr '\\n' ,"])
    assert result.exit_code == 0 and "eth0" in result.output, result.output
    result = CliRunner().invoke(cli.app, ["shell", str(spec), "--seed", "9", "--", "true"])
    assert result.exit_code == 2 and "not one of the spec's seeds" in result.output
    assert leftovers() == []


@pytest.mark.docker
def test_shell_has_the_repository_at_the_pinned_commit(
        engine_ready: str, tmp_path: Path, make_git_repo: Callable[..., tuple[Path, str]],
        leftovers: Callable[[], list[str]]) -> None:
    repo, first = make_git_repo({"train.py": "print('v1')\n"}, "pinned")
    make_git_repo({"train.py": "print('v2')\n", "later.txt": "x\n"}, "pinned")
    spec = write_spec(tmp_path / "specs", "shell-git", [{"name": "train",
                                                          "run": "python3 train.py"}],
                      repo={"url": f"file://{repo}", "commit": first})
    result = CliRunner().invoke(cli.app, ["shell", str(spec), "--", "sh", "-c",
                                          "python3 train.py; ls"])
    assert result.exit_code == 0, result.output
    assert "v1" in result.output and "v2" not in result.output
    assert "later.txt" not in result.output
    assert f"at git {first[:12]}" in result.output
    assert leftovers() == []
