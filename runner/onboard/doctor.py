"""`repro doctor`: is this host ready for runs? Each check says what it found and, when it
fails, the fix. Required checks decide the exit code; the GPU ones only matter for specs
that ask for GPUs, so they warn.
"""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from runner.edges.engine import ContainerEngine, ContainerRequest, EngineInfo
from runner.errors import ReproError
from runner.settings import cache_dir, manual_data_dir, trusted_ca

MIN_API = (1, 40)
MIN_FREE = 5 << 30  # below this a single paper image build can fail
GOOD_DRIVERS = {"overlay2", "btrfs", "zfs", "fuse-overlayfs", "overlayfs"}
PROBE_MEMORY = 64 << 20
# The memory limit as the container sees it: cgroup v2's file, else v1's.
_READ_LIMIT = ("cat /sys/fs/cgroup/memory.max 2>/dev/null || "
               "cat /sys/fs/cgroup/memory/memory.limit_in_bytes")
DRIVER_FIX = ("install the NVIDIA driver (it provides NVML, libnvidia-ml.so); only specs "
              "with `resources.gpus` need it, and `repro run --allow-no-gpu` runs them on CPU")
TOOLKIT_FIX = ("install the NVIDIA Container Toolkit (`nvidia-container-toolkit`), then "
               "`sudo nvidia-ctk runtime configure --runtime=docker` and restart the daemon")


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # ok | warn | fail | skip
    detail: str
    fix: str | None = None
    required: bool = True

    @property
    def failed(self) -> bool:
        return self.status == "fail" and self.required


@dataclass
class Doctor:
    engine_factory: Callable[[], ContainerEngine]
    probe_image: str
    checks: list[Check] = field(default_factory=list)

    def add(self, check: Check) -> None:
        self.checks.append(check)

    @property
    def ok(self) -> bool:
        return not any(c.failed for c in self.checks)

    def as_json(self) -> dict[str, object]:
        return {"ok": self.ok, "checks": [asdict(c) for c in self.checks]}


def run_checks(engine_factory: Callable[[], ContainerEngine], probe_image: str) -> Doctor:
    doctor = Doctor(engine_factory, probe_image)
    engine, info = _engine(doctor)
    if engine is not None and info is not None:
        _storage(doctor, info)
        _cgroup_limits(doctor, engine)
    gpus = _nvml(doctor)
    _runtime(doctor, info)
    _gpu_in_container(doctor, engine, info, gpus)
    for label, folder in (("cache folder", cache_dir()), ("data folder", manual_data_dir())):
        doctor.add(_writable(label, folder))
    doctor.add(_git())
    doctor.add(_ca_bundle())
    doctor.add(_ray())
    return doctor


def _engine(doctor: Doctor) -> tuple[ContainerEngine | None, EngineInfo | None]:
    try:
        engine = doctor.engine_factory()
        info = engine.info()
    except ReproError as exc:
        doctor.add(Check("engine", "fail", exc.message, exc.hint))
        for name in ("storage", "cgroup limits"):
            doctor.add(Check(name, "skip", "needs the engine"))
        return None, None
    api = tuple(int(p) for p in info.api_version.split(".")[:2] if p.isdigit())
    doctor.add(Check("engine", "ok", f"{info.name} {info.version} ({info.os})"))
    doctor.add(Check("engine API", "ok" if api >= MIN_API else "fail",
                     f"API {info.api_version}, repro needs {'.'.join(map(str, MIN_API))}+",
                     None if api >= MIN_API else "upgrade the Docker Engine"))
    return engine, info


def _storage(doctor: Doctor, info: EngineInfo) -> None:
    good = info.storage_driver in GOOD_DRIVERS
    doctor.add(Check("storage driver", "ok" if good else "warn",
                     f"{info.storage_driver or 'unknown'}",
                     None if good else "configure overlay2 in /etc/docker/daemon.json "
                                       '(`"storage-driver": "overlay2"`): builds are slow here'))
    root = Path(info.root_dir)
    if not root.is_dir():
        doctor.add(Check("free disk", "skip", f"the engine's folder {root} is not on this host",
                         required=False))
        return
    free = shutil.disk_usage(root).free
    enough = free >= MIN_FREE
    doctor.add(Check("free disk", "ok" if enough else "fail",
                     f"{free / 2**30:.1f} GiB free under {root}",
                     None if enough else f"free space under {root}: `docker image prune` "
                                         "removes unused images (repro's are labelled "
                                         "org.repro.managed)"))


def _cgroup_limits(doctor: Doctor, engine: ContainerEngine) -> None:
    """A container with the sandbox a step gets, and a memory limit: does the kernel apply it?"""
    if engine.image(doctor.probe_image) is None:
        doctor.add(Check("cgroup limits", "skip", f"no local image {doctor.probe_image} to test "
                         "with", "`repro images bootstrap` builds it", required=False))
        return
    from runner.core.sandbox import SANDBOX_USER

    request = ContainerRequest(
        image=doctor.probe_image, name=f"repro-doctor-{os.getpid()}", user=SANDBOX_USER,
        workdir="/", labels={"org.repro.managed": "true", "org.repro.doctor": "true"},
        memory=PROBE_MEMORY, pids=64)
    lines: list[str] = []
    try:
        container = engine.start(request)
        try:
            engine.exec(container, ["/bin/sh", "-c", _READ_LIMIT], {}, lines.append, 30)
        finally:
            engine.remove(container)
    except ReproError as exc:
        doctor.add(Check("cgroup limits", "fail", f"a sandboxed container did not run: "
                         f"{exc.message}", exc.hint or "see the daemon's log"))
        return
    seen = "".join(lines).strip()
    honoured = seen == str(PROBE_MEMORY)
    doctor.add(Check("cgroup limits", "ok" if honoured else "fail",
                     f"a container limited to 64 MiB sees a limit of {seen or 'nothing'}",
                     None if honoured else "enable the memory cgroup controller (kernel "
                     "parameter `cgroup_enable=memory`, or cgroup v2), then restart the daemon"))


def _nvml(doctor: Doctor) -> int:
    from runner.edges.fingerprint import gpu_fingerprint

    try:
        found = gpu_fingerprint()
    except Exception as exc:  # a broken driver install raises all sorts
        found = {"unavailable": f"NVML failed: {exc}"}
    if "unavailable" in found:
        doctor.add(Check("NVIDIA driver (NVML)", "warn", f"no GPU: {found['unavailable']}",
                         DRIVER_FIX, required=False))
        return 0
    count = int(found.get("count", 0))
    names = ", ".join(str(d.get("name")) for d in found.get("devices", []))
    doctor.add(Check("NVIDIA driver (NVML)", "ok" if count else "warn",
                     f"driver {found.get('driver_version')}, {count} GPU(s): {names or 'none'}",
                     None if count else "no GPU is visible to the driver", required=False))
    return count


def _runtime(doctor: Doctor, info: EngineInfo | None) -> None:
    if info is None:
        doctor.add(Check("NVIDIA container runtime", "skip", "needs the engine", required=False))
        return
    doctor.add(Check("NVIDIA container runtime", "ok" if info.gpu_support else "warn",
                     info.gpu_support_reason, None if info.gpu_support else TOOLKIT_FIX,
                     required=False))


def _gpu_in_container(doctor: Doctor, engine: ContainerEngine | None, info: EngineInfo | None,
                      gpus: int) -> None:
    name = "GPU inside a container"
    if engine is None or info is None or not gpus or not info.gpu_support:
        doctor.add(Check(name, "skip", "needs the driver, a GPU and the NVIDIA runtime",
                         required=False))
        return
    if engine.image(doctor.probe_image) is None:
        doctor.add(Check(name, "skip", f"no local image {doctor.probe_image}",
                         "`repro images bootstrap`", required=False))
        return
    try:
        code, output = _run_gpu_probe(engine, doctor.probe_image)
    except ReproError as exc:
        code, output = -1, exc.message
    seen = code == 0 and "GPU" in output
    doctor.add(Check(name, "ok" if seen else "fail", output.strip().splitlines()[0]
                     if output.strip() else f"exit {code}", None if seen else TOOLKIT_FIX,
                     required=False))


def _run_gpu_probe(engine: ContainerEngine, image: str) -> tuple[int, str]:
    request = ContainerRequest(image=image, name=f"repro-doctor-gpu-{os.getpid()}", user="0:0",
                               workdir="/", labels={"org.repro.managed": "true"}, gpus=1)
    lines: list[str] = []
    container = engine.start(request)
    try:
        result = engine.exec(container, ["nvidia-smi", "-L"], {}, lines.append, 60)
    finally:
        engine.remove(container)
    return result.exit_code or 0, "\n".join(lines)


def _writable(label: str, folder: Path) -> Check:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".repro-doctor-"):
            pass
    except OSError as exc:
        return Check(label, "fail", f"{folder}: {exc.strerror or exc}",
                     f"make {folder} writable, or point {_VAR[label]} at another folder")
    return Check(label, "ok", f"{folder} is writable")


_VAR = {"cache folder": "REPRO_CACHE", "data folder": "REPRO_DATA"}


def _git() -> Check:
    try:
        version = subprocess.run(["git", "--version"], capture_output=True, text=True,
                                 check=True, timeout=20).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return Check("git", "fail", "git is not installed", "install git (`apt-get install git`)")
    return Check("git", "ok", version)


def _ca_bundle() -> Check:
    name = "CA bundle for builds"
    bundle = trusted_ca()
    if bundle is None:
        host = ssl.get_default_verify_paths().cafile
        return Check(name, "ok", f"none set: builds trust their image's own CAs (host bundle: "
                     f"{host or 'none'}); behind a TLS-intercepting proxy set REPRO_TRUST_CA",
                     required=False)
    try:
        ssl.create_default_context(cafile=str(bundle))
    except (OSError, ssl.SSLError) as exc:
        return Check(name, "fail", f"{bundle}: {exc}",
                     "point REPRO_TRUST_CA (or PIP_CERT) at a readable PEM bundle, or set "
                     "REPRO_TRUST_CA=none")
    return Check(name, "ok", f"{bundle} is a readable PEM bundle; builds trust it")


def _ray() -> Check:
    try:
        import ray
    except Exception as exc:  # ImportError, or a broken install
        return Check("Ray", "warn", f"not importable ({type(exc).__name__})",
                     "only `repro batch` on a Ray cluster needs it: pip install 'repro[ray]'",
                     required=False)
    return Check("Ray", "ok", f"ray {getattr(ray, '__version__', '?')} importable",
                 required=False)
