"""`environment.dockerfile`: the paper's own Dockerfile is the base repro builds on."""

from __future__ import annotations

import pytest
from itest_support import BASE, invoke, last_record, output_of, write_spec

pytestmark = pytest.mark.docker


def test_the_papers_dockerfile_is_built_once_and_used_as_the_base(engine_ready, tmp_path,
                                                                  leftovers):
    runs = tmp_path / "runs"
    dockerfile = (f"FROM {BASE}\n"
                  "RUN echo built-by-the-papers-dockerfile > /opt/marker\n")
    steps = [{"name": "check", "run": "cat /opt/marker && id -u && test -f paper.txt"}]
    spec = write_spec(tmp_path, "paperdf", steps,
                      files={"docker/Dockerfile": dockerfile, "paper.txt": "x\n"},
                      environment={"base": BASE, "dockerfile": "docker/Dockerfile"})

    first = invoke(["run", str(spec)], runs)

    assert first.exit_code == 0, output_of(first)
    record, folder = last_record(runs, "paperdf")
    log = (folder / "seed-0/check.log").read_text().split()
    assert log[0] == "built-by-the-papers-dockerfile"
    assert log[1] == "1000"  # repro's sandbox user still applies on top of it
    assert (folder / "Dockerfile").read_text().startswith("# Rendered by repro")
    assert "FROM sha256:" in (folder / "Dockerfile").read_text()
    assert "building the paper's own docker/Dockerfile" in output_of(first)

    second = invoke(["run", str(spec)], runs)

    assert second.exit_code == 0, output_of(second)
    assert "building the paper's own" not in output_of(second)
    assert last_record(runs, "paperdf")[0]["image"]["reused"] is True
    assert leftovers() == []
