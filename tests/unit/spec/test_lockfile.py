"""The lock file: its inputs hash, staleness, round trip and refusal of a corrupt file."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.errors import ExitCode
from runner.spec import load_spec_text
from runner.spec.lockfile import (
    Lock,
    LockedBase,
    LockedData,
    LockedPackage,
    StaleLock,
    check_fresh,
    check_requirements,
    inputs_hash,
    lock_path,
    read_lock,
    sha256_text,
    write_lock,
)
from runner.spec.models import Spec

SHA = "0123456789abcdef0123456789abcdef01234567"
TEXT = f"""\
version: 1
name: paper
paper: {{title: T}}
repo: {{url: https://x/y.git, commit: {SHA}}}
environment:
  base: python:3.11-slim
  apt: [git]
  pip: {{requirements: requirements.txt, packages: [numpy]}}
  env: {{A: "1"}}
data:
  - {{name: d, url: https://x/d.zip, mount: /work/Data}}
steps:
  - {{name: train, run: python train.py}}
seeds: [0]
"""


def spec_of(text: str = TEXT) -> Spec:
    return load_spec_text(text, "paper.yaml")


def make_lock(spec: Spec) -> Lock:
    return Lock(
        spec=spec.name or "", inputs=inputs_hash(spec), requirements_sha256=sha256_text("numpy\n"),
        base=LockedBase(reference="python:3.11-slim", digest="python@sha256:" + "c" * 64),
        pip=[LockedPackage(name="numpy", version="1.26.4", hashes=["sha256:" + "d" * 64])],
        data={"d": LockedData(sha256="e" * 64)},
    )


@pytest.mark.parametrize(
    ("old", "new"),
    [("base: python:3.11-slim", "base: python:3.12-slim"), ("apt: [git]", "apt: [git, curl]"),
     ("packages: [numpy]", "packages: [numpy, scipy]"), ('A: "1"', 'A: "2"'),
     ("requirements: requirements.txt", "requirements: req.txt"),
     ("url: https://x/d.zip", "url: https://x/other.zip"),
     ("mount: /work/Data", "mount: /work/Other")],
)
def test_inputs_hash_changes_with_environment_and_data_edits(old: str, new: str) -> None:
    assert inputs_hash(spec_of()) != inputs_hash(spec_of(TEXT.replace(old, new)))


@pytest.mark.parametrize(("old", "new"), [("seeds: [0]", "seeds: [0, 1]"),
                                          ("run: python train.py", "run: python other.py"),
                                          ("title: T", "title: Other")])
def test_inputs_hash_ignores_sections_a_lock_does_not_resolve(old: str, new: str) -> None:
    assert inputs_hash(spec_of()) == inputs_hash(spec_of(TEXT.replace(old, new)))


def test_inputs_hash_is_stable() -> None:
    assert inputs_hash(spec_of()) == inputs_hash(spec_of())
    assert inputs_hash(spec_of()).startswith("sha256:")


def test_lock_path_sits_beside_the_spec() -> None:
    assert lock_path(Path("specs/aftershock.yaml")) == Path("specs/aftershock.lock.yaml")
    assert lock_path(Path("a/b.yml")) == Path("a/b.lock.yaml")


def test_write_then_read_round_trips(tmp_path: Path) -> None:
    lock = make_lock(spec_of())
    path = tmp_path / "paper.lock.yaml"
    write_lock(path, lock)
    assert path.read_text().startswith("# Written by `repro lock`")
    assert read_lock(path) == lock
    assert not list(tmp_path.glob("*.tmp"))
    assert read_lock(path).digest() == lock.digest()  # type: ignore[union-attr]


def test_read_lock_of_a_missing_file_is_none(tmp_path: Path) -> None:
    assert read_lock(tmp_path / "none.lock.yaml") is None


@pytest.mark.parametrize(
    "content",
    [b"pip: [unclosed\n", b"- a list\n", b"spec: x\n", b"spec: x\ninputs: y\nextra: 1\n",
     b"", b"\xff\xfe\x00 not text"],
)
def test_corrupt_lock_is_a_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "paper.lock.yaml"
    path.write_bytes(content)
    with pytest.raises(StaleLock) as info:
        read_lock(path)
    assert str(path) in info.value.message and "not a valid lock file" in info.value.message
    assert info.value.hint == "delete it and run `repro lock` again"
    assert info.value.exit_code == ExitCode.INVALID


def test_fresh_lock_passes() -> None:
    spec = spec_of()
    check_fresh(make_lock(spec), spec, Path("paper.lock.yaml"))


def test_lock_for_another_spec_is_refused() -> None:
    spec = spec_of()
    lock = make_lock(spec_of(TEXT.replace("name: paper", "name: other")))
    with pytest.raises(StaleLock, match="was made for spec 'other', not 'paper'"):
        check_fresh(lock, spec, Path("paper.lock.yaml"))


def test_edited_environment_makes_the_lock_stale() -> None:
    lock = make_lock(spec_of())
    edited = spec_of(TEXT.replace("apt: [git]", "apt: [git, curl]"))
    with pytest.raises(StaleLock) as info:
        check_fresh(lock, edited, Path("specs/paper.lock.yaml"))
    assert "is stale: the spec's environment or data changed" in info.value.message
    assert info.value.hint == "run `repro lock paper.yaml` to refresh it"


def test_changed_requirements_file_makes_the_lock_stale() -> None:
    lock = make_lock(spec_of())
    check_requirements(lock, "numpy\n", Path("p.lock.yaml"))
    with pytest.raises(StaleLock, match="requirements file differs"):
        check_requirements(lock, "numpy\nscipy\n", Path("p.lock.yaml"))
    with pytest.raises(StaleLock):
        check_requirements(lock, None, Path("p.lock.yaml"))


def test_requirements_txt_pins_versions_and_hashes() -> None:
    lock = Lock(spec="s", inputs="i", pip=[
        LockedPackage(name="a", version="1", hashes=["sha256:1", "sha256:2"]),
        LockedPackage(name="b", version="2.0")])
    assert lock.requirements_txt() == "a==1 --hash=sha256:1 --hash=sha256:2\nb==2.0\n"


def test_lock_digest_changes_with_content() -> None:
    lock = make_lock(spec_of())
    other = lock.model_copy(update={"pip": []})
    assert lock.digest() != other.digest()
