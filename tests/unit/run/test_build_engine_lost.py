"""An engine lost during a build says so: which image was being built."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.core.plan import make_plan
from runner.core.render import BuildOptions
from runner.errors import EngineLost
from runner.run.image_build import build_or_reuse
from runner.spec import load_spec_text

SPEC = """\
version: 1
name: paper
paper: {title: T}
repo: {path: .}
environment: {base: b}
steps: [{name: train, run: "true"}]
"""


class GoneDuringBuild:
    """An engine that answers until the build, then is gone (a daemon restart)."""

    def image(self, ref: str) -> None:
        return None

    def build(self, *args: object, **kwargs: object) -> str:
        raise EngineLost("connection refused")


def test_an_engine_lost_mid_build_names_the_image(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPRO_CACHE", str(tmp_path / "cache"))
    plan = make_plan(load_spec_text(SPEC, "paper.yaml"), source_location="l", source_id="s",
                     pinned=False, lock=None, options=BuildOptions())
    (tmp_path / "repo").mkdir()
    with pytest.raises(EngineLost) as caught:
        build_or_reuse(plan, tmp_path / "repo", GoneDuringBuild(), None,  # type: ignore[arg-type]
                       lambda line: None)
    assert str(caught.value).startswith(
        f"the container engine went away during the build of {plan.tag} (connection refused)")
    assert caught.value.exit_code == 4
