"""Faults of the machine under a real `repro run`: the engine going away mid-step (a private
dockerd, stopped and started again), a runs folder that fills up (a 20 MiB tmpfs), and three
cold runs of one spec started together (one build)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from itest_support import BASE, MANAGED, records, spec_name, write_spec

pytestmark = pytest.mark.docker

CLI = "from runner.cli import main; main()"


def _needs_root(what: str) -> None:
    """Starting a daemon or mounting a tmpfs needs root: fail in CI, skip elsewhere."""
    if os.geteuid() == 0 and shutil.which("dockerd") and shutil.which("ip"):
        return
    message = f"{what} needs root, iproute2 and dockerd (CI runs as root after `.ci/engine.sh`)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


class PrivateEngine:
    """A dockerd of its own (socket, data root, bridge), so stopping it mid-run leaves the
    shared engine and every other test alone.

    Its own bridge, not `--bridge=none`: a daemon started without a bridge deletes the
    host's `docker0`, which the shared engine's builds and containers need.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.socket = root / "d.sock"
        self.url = f"unix://{self.socket}"
        self.bridge = f"rd{os.getpid() % 100000}"
        self.proc: subprocess.Popen[bytes] | None = None

    def make_bridge(self) -> None:
        for command in (["link", "add", self.bridge, "type", "bridge"],
                        ["addr", "add", "10.213.77.1/24", "dev", self.bridge],
                        ["link", "set", self.bridge, "up"]):
            subprocess.run(["ip", *command], check=True, capture_output=True)

    def remove_bridge(self) -> None:
        subprocess.run(["ip", "link", "del", self.bridge], check=False, capture_output=True)

    def start(self) -> None:
        log = open(self.root / "dockerd.log", "ab")  # noqa: SIM115 (the daemon holds it)
        self.proc = subprocess.Popen(
            ["dockerd", "--data-root", str(self.root / "data"), "--exec-root",
             str(self.root / "x"), "--pidfile", str(self.root / "d.pid"), "-H", self.url,
             f"--bridge={self.bridge}", "--iptables=false", "--ip-masq=false"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while self.docker("info").returncode != 0:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise AssertionError((self.root / "dockerd.log").read_text()[-3000:])
            time.sleep(0.3)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=90)
        self.proc = None

    def docker(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["docker", "-H", self.url, *args], capture_output=True,
                              text=True, check=False)

    def managed(self) -> list[str]:
        listed = self.docker("ps", "-a", "--filter", f"label={MANAGED}", "--format",
                             "{{.Names}}")
        assert listed.returncode == 0, listed.stderr
        return listed.stdout.split()


@pytest.fixture(scope="module")
def private_engine(base_image: str) -> Iterator[PrivateEngine]:
    _needs_root("a private Docker daemon")
    # A short path: a unix socket's path is limited to about 100 characters.
    engine = PrivateEngine(Path(tempfile.mkdtemp(prefix="rd-", dir="/tmp")))
    try:
        engine.make_bridge()
        engine.start()
        loaded = subprocess.run(f"docker save {BASE} | docker -H {engine.url} load",
                                shell=True, capture_output=True, text=True, check=False)
        assert loaded.returncode == 0, loaded.stderr
        yield engine
    finally:
        engine.stop()
        engine.remove_bridge()
        _unmount_below(engine.root)
        shutil.rmtree(engine.root, ignore_errors=True)


def _unmount_below(root: Path) -> None:
    mounts = [line.split()[1] for line in Path("/proc/mounts").read_text().splitlines()]
    for point in sorted((m for m in mounts if m.startswith(str(root))), reverse=True):
        subprocess.run(["umount", "-l", point], check=False)


def _start_run(spec: Path, runs: Path, docker_host: str | None = None,
               ) -> subprocess.Popen[str]:
    env = dict(os.environ)
    if docker_host:
        env["DOCKER_HOST"] = docker_host
    return subprocess.Popen([sys.executable, "-c", CLI, "run", str(spec), "--runs-dir",
                             str(runs), "--quiet"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env)


def _wait_for_log(proc: subprocess.Popen[str], runs: Path, short: str, text: str) -> Path:
    """The run's folder once its step has printed `text`."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and proc.poll() is None:
        found = records(runs, short)
        log = found[-1].parent / "seed-0" / "train.log" if found else None
        if log is not None and log.exists() and text in log.read_text(errors="replace"):
            return found[-1].parent
        time.sleep(0.2)
    raise AssertionError(f"the step never printed {text!r}:\n{proc.communicate()[0]}")


def _record(folder: Path) -> dict[str, object]:
    data = json.loads((folder / "record.json").read_text())
    assert isinstance(data, dict)
    return data


def test_engine_lost_mid_step_fails_the_run_and_the_next_run_sweeps(
        private_engine: PrivateEngine, engine_ready: str, tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    spec = write_spec(tmp_path, "lost", [{"name": "train", "run": "echo sleeping; sleep 120"}])
    proc = _start_run(spec, runs, private_engine.url)
    try:
        folder = _wait_for_log(proc, runs, "lost", "sleeping")
        private_engine.stop()  # the daemon goes away (a restart, an upgrade, a crash)
        output, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        if private_engine.proc is None:
            private_engine.start()

    said = " ".join(output.split())
    assert proc.returncode == 4, output
    assert "error: the container engine went away during seed-0, step 'train'" in said
    assert "Traceback" not in output and "crashed" not in output
    record = _record(folder)
    assert record["status"] == "failed" and record["exit_code"] == 4
    assert "the container engine went away during seed-0, step 'train'" in str(record["reason"])

    # The engine is back: the lost run's container is still there (stopped with the daemon)
    # until the next repro command sweeps it, since its owner is gone.
    assert private_engine.managed() != []
    quick = write_spec(tmp_path, "after", [{"name": "train", "run": "true"}])
    after = _start_run(quick, runs, private_engine.url)
    again, _ = after.communicate(timeout=300)
    assert after.returncode == 0, again
    assert private_engine.managed() == []


@pytest.fixture
def tiny_runs_folder(tmp_path: Path) -> Iterator[Path]:
    _needs_root("a tmpfs runs folder")
    folder = tmp_path / "runs"
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


FLOOD = "python3 -c \"import sys; [print('line', i, 'x' * 200) for i in range(200_000)]\""


def test_a_full_runs_folder_ends_the_run_cleanly(engine_ready: str, tmp_path: Path,
                                                  tiny_runs_folder: Path, leftovers) -> None:
    spec = write_spec(tmp_path, "diskfull", [{"name": "train", "run": FLOOD}],
                      logs={"max": "64m"})  # the log may grow past the 20 MiB folder
    proc = _start_run(spec, tiny_runs_folder)
    output, _ = proc.communicate(timeout=300)

    said = " ".join(output.split())
    assert proc.returncode == 4, output
    assert "train.log: no space left on the device" in said
    assert "Traceback" not in output and "crashed" not in output
    (folder,) = [p.parent for p in records(tiny_runs_folder, "diskfull")]
    record = _record(folder)  # whole JSON: it was written atomically
    assert record["status"] == "failed" and record["exit_code"] == 4
    assert "no space left on the device" in str(record["reason"])
    assert not list(folder.glob(".record.json.*"))  # no partial record left to trust
    assert leftovers() == []


def test_three_cold_runs_of_one_spec_build_once(engine_ready: str, tmp_path: Path,
                                                leftovers) -> None:
    # A slow build step, so that all three runs reach the build while it is under way.
    spec = write_spec(tmp_path, "together", [{"name": "train", "run": "echo ok"}],
                      environment={"base": BASE, "setup": ["sleep 8"]})
    procs = [_start_run(spec, tmp_path / f"runs-{i}") for i in range(3)]
    outputs = [p.communicate(timeout=600)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outputs

    images = [_record(r.parent)["image"] for i in range(3)
              for r in records(tmp_path / f"runs-{i}", "together")]
    reasons = sorted(str(i["reason"]) for i in images)  # type: ignore[index]
    # One built it; the other two waited on its lock and reused its image.
    assert reasons == ["built by another repro run while this one waited"] * 2 + [
        "no image with this content hash yet"], reasons
    assert len({i["id"] for i in images}) == 1  # type: ignore[index]
    assert str(images[0]["tag"]).startswith(f"repro/{spec_name('together')}:")  # type: ignore[index]
    assert leftovers() == []
