"""The specs shipped in specs/ validate and say what their papers claim."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.spec import load_spec
from runner.spec.collect import spec_files
from runner.spec.models import RegexMetric

SPECS = Path(__file__).resolve().parents[3] / "specs"


@pytest.mark.parametrize("name", ["aftershock.yaml", "aftershock-mini.yaml"])
def test_shipped_spec_validates(name: str) -> None:
    spec = load_spec(SPECS / name)
    assert spec.name == name.removesuffix(".yaml")
    assert spec.claims and all(c.metric in spec.metrics for c in spec.claims)


def test_aftershock_is_pinned_to_the_papers_commit_and_base_digest() -> None:
    spec = load_spec(SPECS / "aftershock.yaml")
    assert spec.repo.commit == "e1ce30ab75b9ca7baa126c5834fb2f8229ab0f58"
    assert "@sha256:" in spec.environment.base
    assert [(c.metric, c.value) for c in spec.claims] == [("nn_auc", 0.849),
                                                          ("coulomb_auc", 0.583)]
    assert spec.data[0].manual and spec.data[0].mount == "/work/input"
    assert isinstance(spec.metrics["nn_auc"], RegexMetric)


def test_aftershock_mini_uses_seed_and_fraction_placeholders() -> None:
    spec = load_spec(SPECS / "aftershock-mini.yaml")
    assert spec.repo.path is not None
    assert (SPECS / spec.repo.path).is_dir()
    assert "{seed}" in spec.steps[0].run and "{fraction}" in spec.steps[0].run


def test_spec_files_expands_a_folder_without_lock_files(tmp_path: Path) -> None:
    for name in ("b.yaml", "a.yaml", "a.lock.yaml", "notes.txt", "c.yml"):
        (tmp_path / name).write_text("x")
    assert [p.name for p in spec_files([tmp_path])] == ["a.yaml", "b.yaml"]
