"""What the run ran on: host hardware and software, GPUs, and the container's software.

Every part that cannot be read says why instead of failing the run.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Callable
from typing import Any

import psutil

from runner.edges.engine import ContainerEngine, EngineInfo


def _safe(read: Callable[[], Any]) -> Any:
    try:
        return read()
    except Exception as exc:  # a fingerprint part must never fail the run
        return {"unavailable": f"{type(exc).__name__}: {exc}"}


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def host_fingerprint(engine_info: EngineInfo | None) -> dict[str, Any]:
    return {
        "hostname": platform.node(),  # which machine of a lab's shared history ran it
        "cpu": _safe(lambda: {"model": _cpu_model(), "logical": psutil.cpu_count(),
                              "physical": psutil.cpu_count(logical=False)}),
        "memory_bytes": _safe(lambda: psutil.virtual_memory().total),
        "os": _safe(lambda: platform.freedesktop_os_release().get("PRETTY_NAME")),
        "kernel": platform.release(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "engine": engine_info.__dict__ if engine_info else {"unavailable": "no engine"},
        "gpus": _safe(gpu_fingerprint),
    }


def gpu_fingerprint() -> dict[str, Any]:
    """Per GPU through NVML (nvidia-ml-py): name, memory, driver, CUDA, UUID, ECC, MIG."""
    import pynvml

    try:
        pynvml.nvmlInit()
    except pynvml.NVMLError as exc:
        return {"unavailable": f"NVML could not start ({exc}): no NVIDIA driver on this host"}
    try:
        driver = _text(pynvml.nvmlSystemGetDriverVersion())
        cuda = _safe(lambda: _cuda_version(pynvml.nvmlSystemGetCudaDriverVersion_v2()))
        count = pynvml.nvmlDeviceGetCount()
        devices = [_device(pynvml, i) for i in range(count)]
    finally:
        pynvml.nvmlShutdown()
    return {"driver_version": driver, "cuda_driver_version": cuda, "count": count,
            "devices": devices}


def _device(pynvml: Any, index: int) -> dict[str, Any]:
    handle = pynvml.nvmlDeviceGetHandleByIndex(index)
    return {
        "index": index,
        "name": _safe(lambda: _text(pynvml.nvmlDeviceGetName(handle))),
        "uuid": _safe(lambda: _text(pynvml.nvmlDeviceGetUUID(handle))),
        "memory_bytes": _safe(lambda: int(pynvml.nvmlDeviceGetMemoryInfo(handle).total)),
        "ecc_mode": _safe(lambda: _mode(pynvml.nvmlDeviceGetEccMode(handle))),
        "mig_mode": _safe(lambda: _mode(pynvml.nvmlDeviceGetMigMode(handle))),
    }


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _cuda_version(raw: int) -> str:
    return f"{raw // 1000}.{(raw % 1000) // 10}"


def _mode(pair: Any) -> dict[str, str]:
    current, pending = pair
    return {"current": "enabled" if current else "disabled",
            "pending": "enabled" if pending else "disabled"}


# Runs inside the container as the sandbox user; POSIX sh only, any Python version.
CONTAINER_PROBE = r"""
echo "@@python"; ($PY --version) 2>&1
echo "@@pip"; $PY -m pip freeze --all 2>&1
echo "@@cuda"; (ldconfig -p 2>/dev/null \
  | grep -Eo 'lib(cudart|cudnn|cublas|nccl)[^ ]*\.so[^ ]*' | sort -u)
echo "@@env"; echo "CUDA_VERSION=${CUDA_VERSION:-}"; echo "CUDNN_VERSION=${CUDNN_VERSION:-}"
echo "@@os"; (. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")
"""


def container_fingerprint(engine: ContainerEngine, container: str, python: str) -> dict[str, Any]:
    lines: list[str] = []
    result = engine.exec(container, ["/bin/sh", "-c", CONTAINER_PROBE], {"PY": python},
                         lines.append, timeout=120)
    if result.exit_code is None:
        return {"unavailable": "the container probe timed out"}
    sections: dict[str, list[str]] = {}
    current = "?"
    for line in lines:
        if line.startswith("@@"):
            current = line[2:].strip()
            sections[current] = []
        elif line.strip():
            sections.setdefault(current, []).append(line.strip())
    env = dict(line.split("=", 1) for line in sections.get("env", []) if "=" in line)
    return {
        "python": " ".join(sections.get("python", [])) or {"unavailable": "no python found"},
        "pip_freeze": sections.get("pip", []),
        "cuda_libraries": sections.get("cuda", []),
        "cuda_version": env.get("CUDA_VERSION") or None,
        "cudnn_version": env.get("CUDNN_VERSION") or None,
        "os": " ".join(sections.get("os", [])) or None,
    }


def cached_container_fingerprint(engine: ContainerEngine, container: str, image_id: str,
                                 python: str) -> dict[str, Any]:
    """An image never changes, so its software fingerprint is read once per image id."""
    from runner.record.store import write_json_atomic
    from runner.settings import cache_dir

    path = cache_dir() / "fingerprints" / f"{image_id.replace(':', '-')}.json"
    try:
        cached: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return {**cached, "cached": True}
    except (OSError, ValueError):
        pass
    found = container_fingerprint(engine, container, python)
    if "unavailable" not in found:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_json_atomic(path, found)
    return found
