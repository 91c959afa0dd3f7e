"""ContainerEngine on the docker SDK. SDK errors are wrapped once, here, into repro's own."""

from __future__ import annotations

import re
import shutil
import socket
import tarfile
import tempfile
from pathlib import Path
from typing import IO, Any

import docker
import docker.errors
import docker.types

from runner.core.sandbox import CAP_DROP, SECURITY_OPT
from runner.edges.docker_exec import DockerExec
from runner.edges.docker_files import DockerFiles
from runner.edges.docker_images import DockerImages
from runner.edges.docker_steps import DockerSteps
from runner.edges.engine import ContainerRequest, EngineInfo, ImageInfo, LogSink, Mount
from runner.edges.engine_io import guarded
from runner.errors import InfraError, RunFailed, writing

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
SPOOL = 64 << 20
ENGINE_HINT = ("start the Docker daemon (`sudo systemctl start docker`); in a checkout of "
               "repro, `bash .ci/engine.sh` installs and starts one on Debian")


class BuildFailed(RunFailed):
    def __init__(self, message: str, failed_step: str | None, log_tail: list[str]) -> None:
        super().__init__(message, hint="the build log is in the run record (build.log)")
        self.failed_step = failed_step
        self.log_tail = log_tail


def _connect() -> docker.DockerClient:
    try:
        client = docker.from_env(timeout=600)
        client.ping()
    except docker.errors.DockerException as exc:
        raise InfraError(f"cannot reach the Docker Engine: {exc}", hint=ENGINE_HINT) from None
    return client


def _gpu_support(runtimes: list[str]) -> tuple[bool, str]:
    if "nvidia" in runtimes:
        return True, "the engine lists the nvidia runtime"
    for tool in ("nvidia-container-runtime-hook", "nvidia-container-cli"):
        if shutil.which(tool):
            return True, f"{tool} is installed"
    return False, "no nvidia runtime in the engine and no NVIDIA Container Toolkit on the host"


class DockerEngine(DockerExec, DockerImages, DockerSteps, DockerFiles):
    def __init__(self, client: docker.DockerClient | None = None) -> None:
        self.client = client or _connect()
        self.api = self.client.api

    @guarded
    def info(self) -> EngineInfo:
        try:
            version, info = self.client.version(), self.client.info()
        except docker.errors.DockerException as exc:
            raise InfraError(f"engine did not answer: {exc}", hint=ENGINE_HINT) from None
        runtimes = sorted(info.get("Runtimes", {}))
        gpu, why = _gpu_support(runtimes)
        return EngineInfo("docker", version.get("Version", "?"), version.get("ApiVersion", "?"),
                          info.get("OperatingSystem", "?"), info.get("KernelVersion", "?"),
                          runtimes, gpu, why, str(info.get("Driver", "")),
                          str(info.get("DockerRootDir", "")), str(info.get("CgroupVersion", "")))

    @guarded
    def image(self, ref: str) -> ImageInfo | None:
        try:
            img = self.client.images.get(ref)
        except docker.errors.ImageNotFound:
            return None
        except docker.errors.DockerException as exc:
            raise InfraError(f"engine error looking up {ref}: {exc}") from None
        attrs = img.attrs
        labels = (attrs.get("Config") or {}).get("Labels") or {}
        return ImageInfo(img.id, list(img.tags), dict(labels),
                         list(attrs.get("RepoDigests") or []), attrs.get("Created", ""))

    @guarded
    def resolve_base(self, ref: str) -> str:
        """A pinnable form of `ref`: its registry digest if it has one, else the image id."""
        found = self.image(ref)
        if found is None:
            try:
                self.client.images.pull(ref)
            except docker.errors.DockerException as exc:
                raise InfraError(
                    f"base image {ref} is not present and cannot be pulled: {exc}",
                    hint="with no registry, build one: `repro images bootstrap`",
                ) from None
            found = self.image(ref)
            assert found is not None
        name = ref.split("@")[0].rsplit(":", 1)[0] if "/" in ref or ":" in ref else ref
        for digest in found.repo_digests:
            if digest.split("@")[0] == name:
                return digest
        return found.id

    @guarded
    def import_rootfs(self, tar_path: Path, tag: str, changes: list[str]) -> str:
        repo, _, version = tag.partition(":")
        try:
            self.api.import_image_from_file(str(tar_path), repository=repo, tag=version or "latest",
                                            changes=changes)
        except docker.errors.DockerException as exc:
            raise InfraError(f"docker import failed: {exc}") from None
        found = self.image(tag)
        if found is None:
            raise InfraError(f"docker import reported success but {tag} is missing")
        return found.id

    @guarded
    def build(
        self, context_dir: Path, tag: str, labels: dict[str, str], build_args: dict[str, str],
        on_log: LogSink, nocache: bool = False, dockerfile: str = "Dockerfile",
    ) -> str:
        log: list[str] = []
        image_id: str | None = None
        try:
            with _tar_dir(context_dir) as context:
                stream = self.api.build(fileobj=context, custom_context=True, tag=tag,
                                        labels=labels, buildargs=build_args, rm=True,
                                        forcerm=True, decode=True, nocache=nocache, pull=False,
                                        dockerfile=dockerfile)
                for chunk in stream:
                    image_id = _build_chunk(chunk, log, on_log) or image_id
        except docker.errors.APIError as exc:
            _build_error(str(exc.explanation or exc), log)
        except docker.errors.DockerException as exc:
            raise InfraError(f"engine error during build: {exc}", hint=ENGINE_HINT) from None
        found = self.image(tag)
        if found is None:
            raise InfraError(f"build finished but {tag} is missing (image id {image_id})")
        return found.id

    @guarded
    def tag(self, image: str, ref: str) -> None:
        repo, _, version = ref.rpartition(":") if ":" in ref.split("/")[-1] else (ref, "", "")
        try:
            self.api.tag(image, repo, version or "latest")
        except docker.errors.DockerException as exc:
            raise InfraError(f"could not tag {image[:19]} as {ref}: {exc}") from None

    @guarded
    def start(self, request: ContainerRequest) -> str:
        kwargs = _run_kwargs(request)
        try:
            container = self.client.containers.create(request.image, **kwargs)
        except docker.errors.DockerException as exc:
            raise InfraError(f"could not create a container from {request.image}: {exc}") from None
        try:
            container.start()
        except BaseException as exc:
            # A container that was created but could not start (say, an unknown device
            # driver) must not be left behind.
            self.remove(str(container.id))
            if isinstance(exc, docker.errors.DockerException):
                raise InfraError(
                    f"could not start a container from {request.image}: {exc}") from None
            raise
        return str(container.id)

    @guarded
    def set_network(self, container: str, enabled: bool) -> None:
        net = self.client.networks.get("bridge")
        attached = container in {c.id for c in net.containers} if enabled else True
        try:
            if enabled and not attached:
                net.connect(container)
            elif not enabled:
                net.disconnect(container, force=True)
        except docker.errors.APIError as exc:
            if enabled or "is not connected" not in str(exc):
                raise InfraError(f"could not change the container's network: {exc}") from None

    @guarded
    def copy_out(self, container: str, path: str, dest: Path) -> bool:
        try:
            stream, _ = self.api.get_archive(container, path)
        except docker.errors.NotFound:
            return False
        except docker.errors.DockerException as exc:
            raise InfraError(f"could not copy {path} out of the container: {exc}") from None
        # Artifacts can be model weights: spill to disk past SPOOL bytes, never all in memory.
        with tempfile.SpooledTemporaryFile(max_size=SPOOL) as buffer:
            for chunk in stream:
                buffer.write(chunk)
            buffer.seek(0)
            with writing(dest):
                dest.mkdir(parents=True, exist_ok=True)
                with tarfile.open(fileobj=buffer) as tar:
                    tar.extractall(dest, filter="data")
        return True

    @guarded
    def remove(self, container: str) -> None:
        try:
            self.api.remove_container(container, force=True, v=True)
        except docker.errors.NotFound:
            pass
        except docker.errors.APIError as exc:
            # Another repro's sweep got there first: its removal finishes the job.
            if not _removal_in_progress(exc):
                raise InfraError(f"could not remove container {container[:12]}: {exc}") from None
        except docker.errors.DockerException as exc:
            raise InfraError(f"could not remove container {container[:12]}: {exc}") from None

    @guarded
    def remove_stale(self, label: str) -> int:
        """Remove containers a dead repro on this host left behind (killed, or its engine
        went away mid-run: the containers carry its labels either way).

        Any number of repro processes sweep at once: a container another sweep is removing
        (409) or has removed (404) is not an error.
        """
        removed = 0
        # The low-level listing carries labels without inspecting each container, so a
        # container removed meanwhile (another run finishing) cannot break the sweep.
        for c in self.api.containers(all=True, filters={"label": label}):
            if _owner_dead(c.get("Labels") or {}):
                self.remove(str(c["Id"]))
                removed += 1
        return removed

    @guarded
    def run_once(
        self, image: str, command: list[str], user: str | None = None, network: bool = False,
        env: dict[str, str] | None = None, mounts: list[Mount] | None = None,
    ) -> tuple[int, str]:
        try:
            container = self.client.containers.create(
                image, command, user=user, environment=env or {}, entrypoint=[],
                network_mode="bridge" if network else "none", labels={"org.repro.managed": "true"},
                mounts=[docker.types.Mount(m.target, str(m.source), type="bind",
                                           read_only=m.read_only) for m in mounts or []])
        except docker.errors.DockerException as exc:
            raise InfraError(f"could not create a container from {image}: {exc}") from None
        try:
            container.start()
            code = int(container.wait(timeout=600).get("StatusCode", -1))
            output = container.logs(stdout=True, stderr=True).decode("utf-8", "replace")
        except docker.errors.DockerException as exc:
            raise InfraError(f"container failed: {exc}") from None
        finally:
            self.remove(str(container.id))
        return code, output



def _owner_dead(labels: dict[str, str]) -> bool:
    """Whether the repro process named by a container's labels is gone from this host.

    Another host's containers, or ones without an owner, are never ours to judge.
    """
    from runner.record.liveness import Liveness, Owner, owner_alive

    pid, host = labels.get("org.repro.pid", ""), labels.get("org.repro.host")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        started: float | None = float(labels.get("org.repro.pid-started", ""))
    except ValueError:
        started = None  # an older repro's container: the pid alone decides
    return owner_alive(Owner(host, int(pid), started)) == Liveness.DEAD


def _removal_in_progress(exc: docker.errors.APIError) -> bool:
    return exc.status_code == 409 and "already in progress" in str(exc)


def _tar_dir(folder: Path) -> IO[bytes]:
    """The build context as a tar stream; a large repository spills to disk, not memory."""
    buffer: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL)  # noqa: SIM115
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        tar.add(folder, arcname=".")
    buffer.seek(0)
    return buffer


def _build_chunk(chunk: dict[str, Any], log: list[str], on_log: LogSink) -> str | None:
    if "error" in chunk:
        detail = chunk.get("errorDetail", {}).get("message") or chunk["error"]
        _build_error(str(detail), log)
    text = chunk.get("stream")
    if text:
        for line in _ANSI.sub("", text).splitlines():
            log.append(line)
            on_log(line)
    aux = chunk.get("aux")
    return str(aux["ID"]) if isinstance(aux, dict) and "ID" in aux else None


def _build_error(message: str, log: list[str]) -> None:
    step = next((line for line in reversed(log) if line.startswith("Step ")), None)
    tail = [*log[-25:], message]
    raise BuildFailed(f"image build failed at {step or 'an unknown step'}: {message.strip()}",
                      step, tail)


def _run_kwargs(request: ContainerRequest) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "entrypoint": ["sleep", "infinity"], "command": [], "name": request.name,
        "user": request.user, "working_dir": request.workdir, "labels": request.labels,
        "environment": request.env, "init": True, "cap_drop": list(CAP_DROP),
        "security_opt": list(SECURITY_OPT), "pids_limit": request.pids,
        "network_mode": "bridge" if request.network else "none",
        "mounts": [docker.types.Mount(m.target, str(m.source), type="bind", read_only=m.read_only)
                   for m in request.mounts],
    }
    if request.cpus:
        kwargs["nano_cpus"] = int(request.cpus * 1e9)
    if request.memory:
        kwargs["mem_limit"] = request.memory
        kwargs["memswap_limit"] = request.memory  # no swap: an OOM should show, not crawl
    if request.shm:
        kwargs["shm_size"] = request.shm
    if request.cpuset:
        kwargs["cpuset_cpus"] = request.cpuset
    if request.gpus:
        kwargs["device_requests"] = [gpu_request(request.gpus)]
    return kwargs


def gpu_request(gpus: int | list[int]) -> docker.types.DeviceRequest:
    """`resources.gpus` as the NVIDIA device request the engine receives."""
    if isinstance(gpus, list):
        return docker.types.DeviceRequest(device_ids=[str(g) for g in gpus],
                                          capabilities=[["gpu"]], driver="nvidia")
    return docker.types.DeviceRequest(count=gpus, capabilities=[["gpu"]], driver="nvidia")
