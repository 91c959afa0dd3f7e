"""The rendered Dockerfile: order of pieces, the sandbox user, CA lines, the lock, quoting."""

from __future__ import annotations

import pytest

from runner.core.render import CA_PATH, LOCK_REQS, BuildOptions, _q, render_dockerfile
from runner.spec import load_spec_text
from runner.spec.lockfile import Lock, LockedPackage
from runner.spec.models import Spec

SHA = "0123456789abcdef0123456789abcdef01234567"
TEXT = f"""\
version: 1
name: paper
paper: {{title: T}}
repo: {{url: https://x/y.git, commit: {SHA}}}
environment:
  base: python:3.11-slim
  python: python3.11
  apt: [zlib1g-dev, git]
  pip:
    requirements: reqs/requirements.txt
    packages: ["numpy>=1.2,<2", "torch==2.1.0", "my pkg"]
  env: {{B: "two words", A: 'say "hi"', C: "$HOME/x", D: 'back\\slash', E: "café"}}
  setup: [make build]
  workdir: /work/repo
steps:
  - {{name: train, run: python train.py}}
"""


def spec_of(text: str = TEXT) -> Spec:
    return load_spec_text(text, "paper.yaml")


def render(spec: Spec | None = None, lock: Lock | None = None, ca: bool = False) -> list[str]:
    return render_dockerfile(spec or spec_of(), lock, "base@sha256:abc",
                             BuildOptions(ca_bundle=ca)).splitlines()


def index(lines: list[str], start: str) -> int:
    return next(i for i, line in enumerate(lines) if line.startswith(start))


def test_from_is_the_given_reference_and_comes_first() -> None:
    lines = render()
    assert lines[0].startswith("# Rendered by repro") and lines[1] == "FROM base@sha256:abc"


def test_apt_and_pip_come_before_the_repository_copy() -> None:
    lines = render()
    copy_repo = index(lines, "COPY --chown=1000:1000 repo/ /work/repo/")
    assert index(lines, "RUN apt-get") < copy_repo
    assert index(lines, "RUN python3.11 -m pip install -r") < copy_repo
    assert index(lines, "RUN python3.11 -m pip install 'numpy") < copy_repo
    assert index(lines, "COPY repo/reqs/requirements.txt /tmp/repro/requirements.txt") < copy_repo
    assert index(lines, "RUN cd /work/repo && make build") > copy_repo


def test_apt_packages_are_sorted_for_a_stable_layer() -> None:
    apt = render()[index(render(), "RUN apt-get")]
    assert "install -y --no-install-recommends git zlib1g-dev &&" in apt


def test_sandbox_user_is_last_and_owns_the_workdir() -> None:
    lines = render()
    assert lines[-1] == "USER 1000:1000"
    assert lines[-2] == "WORKDIR /work/repo"
    assert "RUN mkdir -p /work && chown 1000:1000 /work" in lines
    assert "RUN chown -R 1000:1000 /work/repo" in lines


def test_ca_lines_only_with_a_ca_bundle() -> None:
    plain = "\n".join(render())
    assert CA_PATH not in plain and "PIP_CERT" not in plain
    lines = render(ca=True)
    assert f"COPY .repro/build-ca.crt {CA_PATH}" in lines
    pip_run = lines[index(lines, "RUN PIP_CERT=")]
    assert f"REQUESTS_CA_BUNDLE={CA_PATH} SSL_CERT_FILE={CA_PATH}" in pip_run
    assert index(lines, "RUN cd /work/repo && PIP_CERT=") > 0  # setup trusts it too
    assert not any(line.startswith("ENV") and "CERT" in line for line in lines)


def test_lock_replaces_requirements_and_packages_with_hashes() -> None:
    lock = Lock(spec="paper", inputs="x", pip=[
        LockedPackage(name="numpy", version="1.26.4", hashes=["sha256:1"]),
        LockedPackage(name="torch", version="2.1.0", hashes=["sha256:2"])])
    lines = render(lock=lock)
    text = "\n".join(lines)
    assert f"COPY {LOCK_REQS} /tmp/repro/requirements.lock.txt" in lines
    assert ("RUN python3.11 -m pip install --no-deps --require-hashes "
            "-r /tmp/repro/requirements.lock.txt") in lines
    assert "requirements.txt " not in text and "numpy>=" not in text


def test_lock_without_every_hash_skips_require_hashes() -> None:
    lock = Lock(spec="paper", inputs="x", pip=[
        LockedPackage(name="numpy", version="1.26.4", hashes=["sha256:1"]),
        LockedPackage(name="local", version="0.1")])
    text = "\n".join(render(lock=lock))
    assert "pip install --no-deps -r /tmp/repro/requirements.lock.txt" in text
    assert "--require-hashes" not in text


def test_lock_with_no_packages_keeps_the_spec_pip_lines() -> None:
    text = "\n".join(render(lock=Lock(spec="paper", inputs="x")))
    assert "pip install -r /tmp/repro/requirements.txt" in text


def test_pip_packages_are_shell_quoted() -> None:
    line = next(x for x in render() if "pip install 'numpy" in x)
    assert line.endswith("pip install 'numpy>=1.2,<2' torch==2.1.0 'my pkg'")


def test_env_is_sorted_and_quoted_for_docker() -> None:
    env = next(x for x in render() if x.startswith("ENV A="))
    assert env == ('ENV A="say \\"hi\\"" B="two words" C="\\$HOME/x" D="back\\\\slash" '
                   'E="café"')


@pytest.mark.parametrize(
    ("value", "word"),
    [("plain", '"plain"'), ("a b", '"a b"'), ('q"q', '"q\\"q"'), ("$X ${Y}", '"\\$X \\${Y}"'),
     ("back\\", '"back\\\\"'), ("ünï", '"ünï"'), ("", '""')],
)
def test_env_quoting(value: str, word: str) -> None:
    assert _q(value) == word


def test_no_env_line_without_env_and_no_chown_without_setup() -> None:
    text = "".join(line for line in TEXT.splitlines(keepends=True)
                   if not line.startswith(("  env:", "  setup:")))
    lines = render(spec_of(text))
    assert not any(line.startswith("ENV A=") for line in lines)
    assert "RUN chown -R 1000:1000 /work/repo" not in lines


def test_workdir_directly_under_root_needs_no_parent_chown() -> None:
    lines = render(spec_of(TEXT.replace("workdir: /work/repo", "workdir: /code")))
    assert not any(line.startswith("RUN mkdir -p") for line in lines)
    assert "COPY --chown=1000:1000 repo/ /code/" in lines
