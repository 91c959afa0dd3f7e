"""The Ray executor: each job a Ray task asking for its spec's CPUs, memory and GPUs, run on
the node Ray picks, through the same worker function (`worker.run_job`, the pipeline) with
that node's Docker Engine and the GPU ids Ray assigned. The record folder comes back to the
driver as bytes (a tar), so nodes need not share a filesystem. A node lost mid-job is an
infrastructure failure, which the scheduler retries once. Ray usage statistics are off.
"""

from __future__ import annotations

import io
import os
import platform
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

from runner.batch.capacity import Capacity
from runner.batch.executor import JobRequest, JobResult
from runner.errors import ExitCode, InfraError, UsageError

STOP_GRACE_SECONDS = 60.0


def _ray() -> Any:
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"  # nothing phones home, whatever the env says
    try:
        import ray
    except ImportError:
        raise UsageError("--engine ray needs Ray, an optional extra",
                         hint="pip install 'repro[ray]'") from None
    return ray


class RayExecutor:
    kind = "ray"
    assigns_gpus = False

    def __init__(self, address: str | None, slots: int | None) -> None:
        self.ray = _ray()
        address = address or os.environ.get("RAY_ADDRESS") or None
        try:
            self.ray.init(address=address, include_dashboard=False, log_to_driver=False,
                          configure_logging=False, ignore_reinit_error=True)
        except Exception as exc:  # a cluster that does not answer is infrastructure
            where = address or "a local cluster"
            raise InfraError(f"cannot connect to Ray at {where}: {exc}") from None
        self.slots = slots
        self._task = self.ray.remote(max_retries=0)(_ray_job)
        self._running: dict[Any, JobRequest] = {}

    def capacity(self) -> tuple[Capacity, Capacity]:
        nodes = [n["Resources"] for n in self.ray.nodes() if n.get("Alive")]
        total = Capacity(sum(n.get("CPU", 0.0) for n in nodes),
                         int(sum(n.get("memory", 0.0) for n in nodes)),
                         tuple(range(int(sum(n.get("GPU", 0.0) for n in nodes)))), self.slots)
        # The size check: per resource, the most any one node has (a job needs one node).
        largest = Capacity(max((n.get("CPU", 0.0) for n in nodes), default=0.0),
                           int(max((n.get("memory", 0.0) for n in nodes), default=0)),
                           tuple(range(int(max((n.get("GPU", 0.0) for n in nodes),
                                               default=0)))))
        return total, largest

    def start(self, job: JobRequest) -> int | None:
        spec = job.spec_path
        lock = spec.with_name(spec.name.removesuffix(".yaml") + ".lock.yaml")
        options: dict[str, Any] = {"num_cpus": job.demand.cpus, "num_gpus": job.demand.gpus}
        if job.demand.memory:
            options["memory"] = job.demand.memory
        ref = self._task.options(**options).remote(
            str(spec), spec.read_bytes(), lock.read_bytes() if lock.is_file() else None,
            job.name, job.allow_no_gpu)
        self._running[ref] = job
        return None

    def wait(self, timeout: float) -> list[JobResult]:
        if not self._running:
            time.sleep(timeout)
            return []
        refs = list(self._running)
        ready, _ = self.ray.wait(refs, num_returns=len(refs), timeout=timeout)
        return [self._result(ref, self._running.pop(ref)) for ref in ready]

    def _result(self, ref: Any, job: JobRequest) -> JobResult:
        exceptions = self.ray.exceptions
        try:
            data = self.ray.get(ref)
        except exceptions.RayTaskError as exc:  # our code raised on the node: a bug
            return JobResult(job.name, int(ExitCode.BUG), None, f"worker error: {exc}")
        except exceptions.TaskCancelledError:
            return JobResult(job.name, int(ExitCode.INTERRUPTED), None, "cancelled")
        except exceptions.RayError as exc:  # node died, worker crashed, object lost
            return JobResult(job.name, int(ExitCode.INFRA), None,
                             f"Ray lost the job: {type(exc).__name__}: {_first_line(exc)}",
                             lost=True)
        record = _unpack(data.get("archive"), job.batch_dir / job.name)
        return JobResult(job.name, int(data["exit_code"]), record, data.get("reason"),
                         node=data.get("node"), gpu_ids=data.get("gpu_ids"))

    def stop(self) -> None:
        for ref in self._running:
            self.ray.cancel(ref)  # KeyboardInterrupt in the task: an `interrupted` record
        if self._running:
            self.ray.wait(list(self._running), num_returns=len(self._running),
                          timeout=STOP_GRACE_SECONDS)

    def close(self) -> None:
        self._running.clear()
        self.ray.shutdown()


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [""])[0]


def _unpack(archive: bytes | None, folder: Path) -> Path | None:
    """The run folder the node sent, under the job's folder on the driver; its record."""
    if not archive:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        members = tar.getmembers()
        for member in members:
            if member.name.startswith(("/", "..")) or ".." in Path(member.name).parts \
                    or not (member.isfile() or member.isdir()):
                raise InfraError(f"a node sent an unsafe path in a record: {member.name!r}")
        tar.extractall(folder, members=members)  # noqa: S202 - every member checked above
    top = Path(members[0].name).parts[0]
    return folder / top / "record.json"


def _ray_job(spec_path: str, spec_bytes: bytes, lock_bytes: bytes | None, name: str,
             allow_no_gpu: bool) -> dict[str, Any]:
    """Runs on the node: the pipeline in a scratch folder, then the run folder as a tar."""
    import ray

    from runner.batch.worker import run_job

    ids = [int(float(g)) for g in ray.get_gpu_ids()]
    node_id = ray.get_runtime_context().get_node_id()[:8]
    node = f"{platform.node()}/{node_id}"
    with tempfile.TemporaryDirectory(prefix=f"repro-ray-{node_id}-") as tmp:
        spec = _spec_here(Path(spec_path), spec_bytes, lock_bytes, Path(tmp))
        result = run_job(spec, Path(tmp) / "runs", name, ids or None, allow_no_gpu)
        record = result.get("record")
        result["archive"] = _pack(Path(record).parent) if record else None
    return {**result, "node": node, "gpu_ids": ids}


def _spec_here(path: Path, text: bytes, lock: bytes | None, tmp: Path) -> Path:
    """The driver's spec file when this node sees the same file (a shared or the same
    filesystem: its relative code paths work too), else a copy with its lock file."""
    try:
        if path.read_bytes() == text:
            return path
    except OSError:
        pass
    copy = tmp / "spec" / path.name
    copy.parent.mkdir(parents=True)
    copy.write_bytes(text)
    if lock is not None:
        copy.with_name(path.name.removesuffix(".yaml") + ".lock.yaml").write_bytes(lock)
    return copy


def _pack(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(folder, arcname=folder.name)
    return buffer.getvalue()
