"""`repro doctor` on this machine (a real engine, no GPU) and with the engine gone."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import runner.cli as cli


def _doctor(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli.app, ["doctor", *args])
    return result.exit_code, result.output


@pytest.mark.docker
def test_doctor_on_this_machine_is_ready_and_says_there_is_no_gpu(
        engine_ready: str, docker_client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    code, output = _doctor()
    assert code == 0, output
    assert "ready for runs" in output
    assert "cgroup limits" in output and "sees a limit of 67108864" in output
    from runner.edges.fingerprint import gpu_fingerprint

    if "unavailable" in gpu_fingerprint():  # this machine: no NVIDIA driver
        assert "no GPU" in output and "fix: install the NVIDIA driver" in output
        assert "fix: install the NVIDIA Container Toolkit" in output
    code, output = _doctor("--json")
    report = json.loads(output)
    assert code == 0 and report["ok"] is True
    checks = {c["name"]: c for c in report["checks"]}
    assert checks["engine"]["status"] == "ok" and checks["storage driver"]["detail"]
    assert checks["NVIDIA driver (NVML)"]["required"] is False
    # The probe container is gone.
    assert not docker_client.containers.list(all=True, filters={"label": "org.repro.doctor"})


def _stale_socket(tmp_path: Path) -> Path:
    """What a killed dockerd leaves: its socket file, with nobody listening."""
    path = tmp_path / "docker.sock"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    sock.close()
    return path


@pytest.mark.parametrize("kind", ["stale socket", "no socket"])
def test_doctor_with_the_engine_stopped_fails_with_the_fix(
        kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _stale_socket(tmp_path) if kind == "stale socket" else tmp_path / "none.sock"
    monkeypatch.setenv("DOCKER_HOST", f"unix://{path}")
    monkeypatch.setenv("REPRO_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(cli.out, "width", 1000)
    code, output = _doctor()
    assert code == 1, output
    assert "cannot reach the Docker Engine" in output
    assert "fix: start the Docker daemon" in output
    assert "not ready: engine" in output
    code, output = _doctor("--json")
    report = json.loads(output)
    assert code == 1 and report["ok"] is False
    checks = {c["name"]: c for c in report["checks"]}
    assert checks["engine"]["status"] == "fail"
    assert checks["cgroup limits"]["status"] == "skip"
    assert checks["cache folder"]["status"] == "ok"  # the other checks still ran


def test_an_unwritable_cache_folder_fails_the_doctor(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("REPRO_CACHE", str(blocker / "cache"))
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/none.sock")
    report = json.loads(_doctor("--json")[1])
    cache = next(c for c in report["checks"] if c["name"] == "cache folder")
    assert cache["status"] == "fail" and "REPRO_CACHE" in cache["fix"]
