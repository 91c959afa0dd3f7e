"""`repro batch --engine ray` on a real multi-node Ray cluster on this machine (a head and
one more node, `ray.cluster_utils.Cluster`), with fake GPU counts: jobs placed on both
nodes, the GPU jobs on the node that has GPUs with distinct ids Ray assigned, records
shipped back to the driver's batch folder; a node lost mid-job is retried once."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from itest_support import AUC_METRICS, invoke, ours, spec_name, write_spec

from runner.batch.session import BatchOptions, run_batch

pytestmark = [pytest.mark.docker, pytest.mark.ray]

CLAIMS = [{"metric": "auc", "value": 0.91, "tolerance": 0.01}]
SLOW = {"name": "train", "run": "echo sleeping; sleep $(cat delay.txt); echo 'AUC: 0.91'"}
NODE = {"object_store_memory": 80 * 1024 * 1024, "dashboard_port": None}


def _ray_cluster_utils() -> Any:
    """Ray's test cluster: skipped locally without the extra, a failure under CI."""
    try:
        import ray.cluster_utils
    except ImportError as exc:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"ray is not installed ({exc}): pip install -e '.[ray]'")
        pytest.skip(f"ray is not installed ({exc})")
    return ray.cluster_utils


def _sweep_once_owners_are_gone(client: Any, seconds: float = 60) -> None:
    """Wait for the owners of leftover containers to exit, then run the stale sweep
    every repro run starts with."""
    from runner.edges.docker_engine import DockerEngine

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        owners = [c.labels.get("org.repro.pid", "") for c in
                  client.containers.list(all=True, filters={"label": "org.repro.managed=true"})
                  if ours(c)]
        if not any(pid.isdigit() and psutil.pid_exists(int(pid)) for pid in owners):
            break
        time.sleep(0.5)
    DockerEngine().remove_stale("org.repro.managed=true")


class Quiet:
    def start(self, journal: object) -> None: ...

    def stop(self) -> None: ...

    def event(self, job: object, text: str) -> None: ...

    def tick(self) -> None: ...


@pytest.fixture
def cluster(engine_ready: str, trust_ca: Path | None) -> Iterator[Any]:
    """Head: 2 CPUs, no GPU. Worker: 2 CPUs and 2 logical GPUs. Started after the private
    cache and CA are in the environment, which the nodes' workers inherit."""
    ray_utils = _ray_cluster_utils()
    made = ray_utils.Cluster(initialize_head=True, head_node_args={
        "num_cpus": 2, "num_gpus": 0, **NODE})
    made.add_node(num_cpus=2, num_gpus=2, **NODE)
    made.wait_for_nodes()
    yield made
    made.shutdown()


def _spec(reg: Path, short: str, delay: str, **resources: Any) -> None:
    write_spec(reg, short, [SLOW], files={"delay.txt": delay}, metrics=AUC_METRICS,
               claims=CLAIMS, resources={"cpus": 1, **resources})


def _node_ids(cluster: Any) -> tuple[str, str]:
    head = cluster.head_node.node_id[:8]
    [worker] = [n.node_id[:8] for n in cluster.worker_nodes]
    return head, worker


def test_jobs_spread_over_both_nodes_with_gpus_by_id(cluster, tmp_path):
    reg, out = tmp_path / "reg", tmp_path / "out"
    for short in ("cpu-1", "cpu-2", "cpu-3"):
        _spec(reg, short, "4")
    for short in ("gpu-1", "gpu-2"):
        _spec(reg, short, "4", gpus=1)

    result = run_batch(BatchOptions(registry=[reg], out=out, engine="ray",
                                    ray_address=cluster.address, allow_no_gpu=True), Quiet())

    journal = result.journal.data
    assert result.exit_code == 0, [(j.name, j.reason) for j in journal.jobs]
    head, worker = _node_ids(cluster)
    nodes = {j.name: j.node.split("/")[1] for j in journal.jobs}
    assert set(nodes.values()) == {head, worker}
    gpu_jobs = [journal.job(spec_name(s)) for s in ("gpu-1", "gpu-2")]
    assert all(nodes[j.name] == worker for j in gpu_jobs)  # only that node has GPUs
    assert sorted(j.gpus[0] for j in gpu_jobs) == [0, 1] or _ran_apart(
        gpu_jobs, result.journal.folder)
    for job in journal.jobs:
        record = json.loads((result.journal.folder / job.record).read_text())
        assert record["status"] == "completed" and record["verdict"] == "reproduced"
        assert (result.journal.folder / job.record).parent.joinpath("seed-0/train.log").exists()
        if job in gpu_jobs:
            assert record["gpu"]["assigned"] == job.gpus and record["gpu"]["requested"] == 1
            assert record["gpu"]["used"] is False and record["gpu"]["missing_allowed"] is True


def _ran_apart(jobs: list[Any], folder: Path) -> bool:
    """Two GPU jobs may share id 0 only if they never ran at the same time.

    The journal's `started` is when the driver handed a job to Ray, which holds it until a
    GPU (and a CPU) is free on a node; when it really ran is in its run record, written on
    the node.
    """
    records = [json.loads((folder / j.record).read_text()) for j in jobs]
    (_, first_end), (second_start, _) = sorted((r["started"], r["finished"]) for r in records)
    return bool(first_end <= second_start)


@pytest.fixture
def two_workers(engine_ready: str, trust_ca: Path | None) -> Iterator[Any]:
    """A head that runs no task and two worker nodes, each with 1 CPU and 1 logical GPU."""
    ray_utils = _ray_cluster_utils()
    made = ray_utils.Cluster(initialize_head=True, head_node_args={
        "num_cpus": 0, "num_gpus": 0, **NODE})
    for _ in range(2):
        made.add_node(num_cpus=1, num_gpus=1, **NODE)
    made.wait_for_nodes()
    yield made
    made.shutdown()


def test_a_node_lost_mid_job_is_retried_once_elsewhere(two_workers, tmp_path, leftovers,
                                                       docker_client):
    reg, out = tmp_path / "reg", tmp_path / "out"
    _spec(reg, "lost", "8", gpus=1)
    name = spec_name("lost")
    lost: list[str] = []

    def lose_its_node() -> None:
        """Once the step runs, remove the node it runs on (its scratch folder names it)."""
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and not lost:
            for log in Path(tempfile.gettempdir()).glob(f"repro-ray-*/runs/{name}/*/seed-0/"
                                                       "train.log"):
                node_id = log.relative_to(tempfile.gettempdir()).parts[0].split("-")[2]
                [node] = [n for n in two_workers.worker_nodes if n.node_id.startswith(node_id)]
                two_workers.remove_node(node, allow_graceful=False)
                lost.append(node_id)
                return
            time.sleep(0.2)

    killer = threading.Thread(target=lose_its_node)
    killer.start()
    result = run_batch(BatchOptions(registry=[reg], out=out, engine="ray",
                                    ray_address=two_workers.address, allow_no_gpu=True),
                       Quiet())
    killer.join()

    [job] = result.journal.data.jobs
    assert lost, "the job never started"
    assert job.attempts == 2 and job.state == "done" and job.verdict == "reproduced", job
    assert job.node.split("/")[1] != lost[0]  # retried elsewhere
    assert job.gpus == [0]
    assert result.exit_code == 0
    # The lost node's container outlives its killed worker; the next repro command on that
    # node sweeps it once its owner is dead (on a real cluster the retry runs elsewhere,
    # with another engine, so it cannot be the retry's sweep that removes it).
    _sweep_once_owners_are_gone(docker_client)
    assert leftovers() == []
    for scratch in Path(tempfile.gettempdir()).glob(f"repro-ray-{lost[0]}-*"):
        shutil.rmtree(scratch, ignore_errors=True)  # the killed task could not clean up


def test_cli_with_no_address_starts_a_local_ray(engine_ready, tmp_path, monkeypatch):
    """`repro batch --engine ray` with neither --ray-address nor RAY_ADDRESS: a local Ray
    for the batch, shut down at its end."""
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    reg, out = tmp_path / "reg", tmp_path / "out"
    _spec(reg, "local-ray", "0")
    result = invoke(["batch", str(reg), "--out", str(out), "--engine", "ray", "--json"])
    assert result.exit_code == 0, result.output
    journal = json.loads(result.stdout)
    assert journal["engine"] == "ray" and journal["capacity"]["engine"] == "ray"
    [job] = journal["jobs"]
    assert job["verdict"] == "reproduced" and job["node"]
    assert (out / journal["batch_id"] / job["record"]).is_file()
