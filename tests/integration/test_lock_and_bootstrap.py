"""`repro images bootstrap` on a machine that has the base image; `repro lock` and its use."""

from __future__ import annotations

import pytest
import yaml
from itest_support import BASE, MANAGED, invoke, last_record, output_of, write_spec

from runner.edges.docker_engine import DockerEngine

pytestmark = pytest.mark.docker


def _base_containers(docker_client) -> set[str]:
    found = docker_client.containers.list(all=True, filters={"label": MANAGED, "ancestor": BASE})
    return {c.id for c in found}


def test_bootstrap_reports_the_present_image_and_it_runs(engine_ready, docker_client):
    before = _base_containers(docker_client)
    image_id = docker_client.images.get(BASE).id

    result = invoke(["images", "bootstrap"])

    assert result.exit_code == 0, output_of(result)
    assert f"{BASE} is present ({image_id[:19]})" in output_of(result)
    assert docker_client.images.get(BASE).id == image_id  # not rebuilt

    code, output = DockerEngine().run_once(BASE, ["python3", "--version"])
    assert code == 0
    assert output.strip().startswith("Python 3.")
    assert _base_containers(docker_client) - before == set()


def test_lock_pins_base_and_pip_and_a_run_uses_it(engine_ready, trust_ca, tmp_path,
                                                  docker_client, leftovers):
    runs = tmp_path / "runs"
    steps = [{"name": "show", "run": "python3 -c \"import six; print('six', six.__version__)\""}]
    environment = {"base": BASE, "pip": {"packages": ["six==1.16.0"]}}
    spec = write_spec(tmp_path, "lock", steps, environment=environment)
    before = _base_containers(docker_client)

    locked = invoke(["lock", str(spec)])

    assert locked.exit_code == 0, output_of(locked)
    lock_file = tmp_path / "lock.lock.yaml"
    assert lock_file.is_file()
    lock = yaml.safe_load(lock_file.read_text())
    assert lock["base"] == {"reference": BASE, "digest": docker_client.images.get(BASE).id}
    [six] = lock["pip"]
    assert (six["name"].lower(), six["version"]) == ("six", "1.16.0")
    assert len(six["hashes"]) == 1 and six["hashes"][0].startswith("sha256:")
    assert len(six["hashes"][0]) == len("sha256:") + 64
    assert _base_containers(docker_client) - before == set()  # pip's container is gone

    result = invoke(["run", str(spec), "--quiet"], runs)

    assert result.exit_code == 0, output_of(result)
    record, folder = last_record(runs, "lock")
    dockerfile = (folder / "Dockerfile").read_text()
    assert f"FROM {lock['base']['digest']}" in dockerfile
    assert "requirements.lock.txt" in dockerfile
    assert "--require-hashes" in dockerfile
    assert record["image"]["lock"] is not None
    assert record["image"]["base_pinned"] is True
    assert "six 1.16.0" in (folder / "seed-0/show.log").read_text()
    assert "six==1.16.0" in record["fingerprint"]["container"]["pip_freeze"]

    environment["env"] = {"EXTRA": "1"}  # the spec's environment changes after locking
    write_spec(tmp_path, "lock", steps, environment=environment)
    stale = invoke(["run", str(spec), "--quiet"], runs)

    assert stale.exit_code == 2, output_of(stale)
    assert "stale" in output_of(stale)
    record, _ = last_record(runs, "lock")
    assert record["status"] == "failed"
    assert record["exit_code"] == 2
    assert "stale" in record["reason"]
    assert "image" not in record
    assert leftovers() == []
