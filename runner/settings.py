"""Where repro keeps things on the host, each movable by an environment variable."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """Git mirrors and downloaded data (`REPRO_CACHE`, else the user's cache dir)."""
    explicit = os.environ.get("REPRO_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "repro"


def manual_data_dir() -> Path:
    """Data a person downloads by hand goes under `REPRO_DATA/<name>`."""
    explicit = os.environ.get("REPRO_DATA")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "repro" / "data"


def trusted_ca() -> Path | None:
    """A CA bundle to trust during builds, for TLS-intercepting proxies.

    `REPRO_TRUST_CA` names it; failing that, the bundle the user's pip already trusts
    (`PIP_CERT`), since builds install with pip too. `REPRO_TRUST_CA=none` turns it off.
    """
    for name in ("REPRO_TRUST_CA", "PIP_CERT"):
        value = os.environ.get(name)
        if value:
            return None if value.lower() == "none" else Path(value)
    return None


PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy")


def proxy_build_args() -> dict[str, str]:
    """Docker's predefined proxy build args: usable in RUN, and kept out of image history."""
    return {k: v for k in PROXY_VARS if (v := os.environ.get(k))}
