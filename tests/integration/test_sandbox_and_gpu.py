"""The step sandbox (user, capabilities, network, limits) and GPU requests, on a real engine."""

from __future__ import annotations

import re

import docker
import pytest
from itest_support import (
    image_repo,
    invoke,
    last_record,
    metric_step,
    output_of,
    write_spec,
)

from runner.edges.docker_engine import DockerEngine, _run_kwargs, gpu_request
from runner.edges.engine import ContainerRequest

pytestmark = pytest.mark.docker

PROBE = (
    'echo "uid=$(id -u) gid=$(id -g)"; '
    "grep -E '^(CapEff|CapBnd|NoNewPrivs):' /proc/self/status; "
    "echo \"net=$(ls /sys/class/net | sort | tr '\\n' ' ')\"; "
    'echo "mem=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)"; '
    'echo "pids=$(cat /sys/fs/cgroup/pids/pids.max)"; '
    'echo "quota=$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us)"; '
    "python3 -c \"import socket; s = socket.socket(); s.settimeout(3); "
    "s.connect(('1.1.1.1', 53))\" 2>/dev/null && echo connect=ok || echo connect=failed"
)
NET = "echo \"net=$(ls /sys/class/net | sort | tr '\\n' ' ')\""


def _field(log: str, name: str) -> str:
    match = re.search(rf"^{name}[=:]\s*(.*)$", log, re.MULTILINE)
    assert match, f"{name} not in the log:\n{log}"
    return match.group(1).strip()


def test_steps_run_sandboxed(engine_ready, tmp_path, leftovers):
    runs = tmp_path / "runs"
    steps = [{"name": "probe", "run": PROBE},
             {"name": "online", "run": NET, "network": True},
             {"name": "offline", "run": NET}]
    spec = write_spec(tmp_path, "sandbox", steps,
                      resources={"memory": "256m", "pids": 64, "cpus": 1})

    result = invoke(["run", str(spec), "--quiet"], runs)

    assert result.exit_code == 0, output_of(result)
    record, folder = last_record(runs, "sandbox")
    assert record["status"] == "completed"
    assert record["verdict"] == "no_claims"
    probe = (folder / "seed-0/probe.log").read_text()
    assert _field(probe, "uid") == "1000 gid=1000"
    assert _field(probe, "CapEff") == "0000000000000000"
    assert _field(probe, "CapBnd") == "0000000000000000"  # cap_drop ALL, not just non-root
    assert _field(probe, "NoNewPrivs") == "1"
    assert _field(probe, "net") == "lo"
    assert _field(probe, "connect") == "failed"
    assert _field(probe, "mem") == str(256 * 1024 * 1024)
    assert _field(probe, "pids") == "64"
    assert _field(probe, "quota") == "100000"  # cpus: 1 -> one period's worth
    online = _field((folder / "seed-0/online.log").read_text(), "net").split()
    assert "lo" in online and len(online) >= 2, online
    # The network is taken away again for the steps that did not ask for it.
    assert _field((folder / "seed-0/offline.log").read_text(), "net") == "lo"
    steps_rec = {s["name"]: s for s in record["runs"][0]["steps"]}
    assert steps_rec["online"]["network"] is True
    assert steps_rec["probe"]["network"] is False
    assert record["environment"]["sandbox"]["pids_limit"] == 64
    assert leftovers() == []


@pytest.fixture
def no_gpu_host(engine_ready):
    if DockerEngine().info().gpu_support:
        pytest.skip("this host can pass GPUs through; the refusal cannot be seen here")


def test_gpu_spec_refused_before_any_build(no_gpu_host, tmp_path, leftovers, docker_client):
    runs = tmp_path / "runs"
    spec = write_spec(tmp_path, "gpu", [metric_step()], resources={"gpus": 1})

    result = invoke(["run", str(spec), "--quiet"], runs)

    assert result.exit_code == 4, output_of(result)
    assert "NVIDIA Container Toolkit" in output_of(result)
    assert "--allow-no-gpu" in output_of(result)
    record, folder = last_record(runs, "gpu")
    assert record["status"] == "failed"
    assert record["exit_code"] == 4
    assert "NVIDIA Container Toolkit" in record["reason"]
    assert "image" not in record and "runs" not in record
    assert not (folder / "build.log").exists()
    assert docker_client.images.list(image_repo("gpu")) == []
    assert leftovers() == []


def test_gpu_spec_runs_on_cpu_with_allow_no_gpu(no_gpu_host, tmp_path, leftovers):
    runs = tmp_path / "runs"
    spec = write_spec(tmp_path, "gpuallow", [metric_step()], resources={"gpus": [0]},
                      metrics={"auc": {"regex": r"AUC: ([0-9.]+)", "step": "train"}},
                      claims=[{"metric": "auc", "value": 0.91, "tolerance": 0.01}])

    result = invoke(["run", str(spec), "--quiet", "--allow-no-gpu"], runs)

    assert result.exit_code == 0, output_of(result)
    record, _ = last_record(runs, "gpuallow")
    assert record["status"] == "completed"
    assert record["options"]["allow_no_gpu"] is True
    gpu = record["gpu"]
    assert gpu["requested"] == [0]
    assert gpu["missing_allowed"] is True
    assert gpu["used"] is False
    assert gpu["engine_support"] is False
    assert record["runs"][0]["steps"][0]["exit_code"] == 0
    assert leftovers() == []


def _engine_payload(request: docker.types.DeviceRequest) -> dict:
    """The HostConfig JSON the SDK sends to the engine for this device request."""
    host = docker.types.HostConfig(version="1.41", device_requests=[request])
    [sent] = host["DeviceRequests"]
    return dict(sent)


def test_gpu_request_shapes():
    count = _engine_payload(gpu_request(2))
    assert count["Count"] == 2
    assert count["Capabilities"] == [["gpu"]]
    assert count["Driver"] == "nvidia"
    assert not count.get("DeviceIDs")

    ids = _engine_payload(gpu_request([0, 3]))
    assert ids["DeviceIDs"] == ["0", "3"]
    assert ids["Capabilities"] == [["gpu"]]
    assert not ids.get("Count")

    # And a container request asking for GPUs carries exactly that request to the engine.
    request = ContainerRequest(image="x", name="n", user="1000:1000", workdir="/w", labels={},
                               gpus=[1])
    [sent] = _run_kwargs(request)["device_requests"]
    assert sent["DeviceIDs"] == ["1"] and sent["Capabilities"] == [["gpu"]]
    assert "device_requests" not in _run_kwargs(
        ContainerRequest(image="x", name="n", user="u", workdir="/w", labels={}))
