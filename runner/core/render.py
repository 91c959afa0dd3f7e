"""The Dockerfile a build uses, rendered from small ordered pieces (repo2docker's habit).

Everything that does not depend on the repository's files comes before the copy of the
repository, so a new commit reuses the apt and pip layers.
"""

from __future__ import annotations

import posixpath
import shlex
from dataclasses import dataclass

from runner import __version__
from runner.core.sandbox import SANDBOX_UID
from runner.spec.lockfile import Lock
from runner.spec.models import Spec

CA_PATH = "/usr/local/share/repro/build-ca.crt"
LOCK_REQS = ".repro/requirements.lock.txt"


@dataclass(frozen=True)
class BuildOptions:
    """Build-time trust: a CA bundle for TLS-intercepting proxies. Never part of the image key."""

    ca_bundle: bool = False


def _q(value: str) -> str:
    # A Dockerfile double-quoted word: only \\, " and $ are escapes there (`$` would expand
    # at build time), and anything else, non-ASCII included, stands for itself.
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
    return '"' + escaped.replace("\n", "\\n") + '"'


def _run_env(options: BuildOptions) -> str:
    # Only the RUN lines see the CA: the image keeps no ENV pointing at it, so it
    # does not change how the paper's code behaves at run time.
    if not options.ca_bundle:
        return ""
    return f"PIP_CERT={CA_PATH} REQUESTS_CA_BUNDLE={CA_PATH} SSL_CERT_FILE={CA_PATH} "


def render_dockerfile(spec: Spec, lock: Lock | None, base_ref: str, options: BuildOptions) -> str:
    env = spec.environment
    runenv = _run_env(options)
    py = env.python
    lines = [
        f"# Rendered by repro {__version__} for spec {spec.name!r}. Do not edit: edit the spec.",
        f"FROM {base_ref}",
        "USER root",
        "ENV DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1 "
        "PIP_BREAK_SYSTEM_PACKAGES=1 PIP_NO_CACHE_DIR=1 PYTHONUNBUFFERED=1",
    ]
    if options.ca_bundle:
        lines.append(f"COPY .repro/build-ca.crt {CA_PATH}")
    if env.apt:
        pkgs = " ".join(sorted(env.apt))
        lines.append(
            "RUN apt-get update && apt-get install -y --no-install-recommends "
            f"{pkgs} && rm -rf /var/lib/apt/lists/*"
        )
    lines.append(
        f"RUN getent passwd {SANDBOX_UID} >/dev/null || "
        f"useradd --create-home --uid {SANDBOX_UID} --user-group --shell /bin/sh repro"
    )
    lines += _pip_lines(spec, lock, runenv, py)
    if env.env:
        lines.append("ENV " + " ".join(f"{k}={_q(v)}" for k, v in sorted(env.env.items())))
    parent = posixpath.dirname(env.workdir)
    if parent != "/":
        # The sandbox user owns the workdir's parent too, so steps can make sibling folders
        # that papers expect beside the repository (the aftershock code writes ../Data).
        lines.append(f"RUN mkdir -p {parent} && chown {SANDBOX_UID}:{SANDBOX_UID} {parent}")
    lines.append(f"COPY --chown={SANDBOX_UID}:{SANDBOX_UID} repo/ {env.workdir}/")
    for command in env.setup:
        lines.append(f"RUN cd {env.workdir} && {runenv}{command}")
    if env.setup:
        lines.append(f"RUN chown -R {SANDBOX_UID}:{SANDBOX_UID} {env.workdir}")
    lines += [f"WORKDIR {env.workdir}", f"USER {SANDBOX_UID}:{SANDBOX_UID}"]
    return "\n".join(lines) + "\n"


def _pip_lines(spec: Spec, lock: Lock | None, runenv: str, py: str) -> list[str]:
    pip = spec.environment.pip
    if lock is not None and lock.pip:
        # The lock replaces both the requirements file and the loose packages: exact
        # versions, no resolver, hashes checked when every package has them.
        hashes = all(p.hashes for p in lock.pip)
        flags = "--no-deps" + (" --require-hashes" if hashes else "")
        return [
            f"COPY {LOCK_REQS} /tmp/repro/requirements.lock.txt",
            f"RUN {runenv}{py} -m pip install {flags} -r /tmp/repro/requirements.lock.txt",
        ]
    lines = []
    if pip.requirements:
        lines += [
            f"COPY repo/{pip.requirements} /tmp/repro/requirements.txt",
            f"RUN {runenv}{py} -m pip install -r /tmp/repro/requirements.txt",
        ]
    if pip.packages:
        pkgs = " ".join(shlex.quote(p) for p in pip.packages)  # `numpy>=1.2`: not a redirect
        lines.append(f"RUN {runenv}{py} -m pip install {pkgs}")
    return lines
