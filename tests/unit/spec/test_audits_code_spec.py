"""Spec forms of the code audit and the neighbour audit."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from runner.spec.audits import AuditsSpec, FileRef


def test_code_audit_defaults_to_the_whole_repository() -> None:
    spec = AuditsSpec.model_validate({"code": {}})
    assert spec.code is not None
    assert spec.code.paths == ["."] and spec.code.env == {}
    spec = AuditsSpec.model_validate({"code": {"paths": ["src", "notebooks/a.ipynb"],
                                               "env": {"MODE": "x"}}})
    assert spec.code is not None and spec.code.paths == ["src", "notebooks/a.ipynb"]


@pytest.mark.parametrize("path", ["/etc", "../other", "", "https://x/y"])
def test_code_audit_paths_stay_inside_the_repository(path: str) -> None:
    with pytest.raises(ValidationError, match="relative, inside the repo"):
        AuditsSpec.model_validate({"code": {"paths": [path]}})


def test_neighbours_alone_is_a_leakage_audit_and_its_files_are_copied_out() -> None:
    spec = AuditsSpec.model_validate({"leakage": {"neighbours": {
        "train": "out/train.csv", "test": "repo:data/test.csv", "features": ["a", "b"]}}})
    assert spec.leakage is not None and spec.leakage.neighbours is not None
    nb = spec.leakage.neighbours
    assert (nb.quantile, nb.max_share) == (0.01, 0.05)
    assert nb.test == FileRef(location="repo", path="data/test.csv")
    assert spec.output_paths() == ["out/train.csv"]


@pytest.mark.parametrize("bad", [{"features": []}, {"quantile": 0.6}, {"max_share": 0},
                                 {"extra": 1}])
def test_neighbours_rejects_bad_values(bad: dict[str, object]) -> None:
    base: dict[str, object] = {"train": "a.csv", "test": "b.csv", "features": ["x"]}
    with pytest.raises(ValidationError):
        AuditsSpec.model_validate({"leakage": {"neighbours": {**base, **bad}}})
