"""The image tag is a content hash of every build input."""

from __future__ import annotations

import dataclasses

import pytest

from runner import __version__
from runner.core.cachekey import MANAGED_LABEL, BuildInputs, explain_rebuild

INPUTS = BuildInputs(spec_name="paper", base_digest="python@sha256:" + "a" * 64,
                     dockerfile="FROM x\n", source_id="0" * 40, lock_digest="sha256:lock")


def test_same_inputs_give_the_same_tag() -> None:
    again = BuildInputs(**{f.name: getattr(INPUTS, f.name) for f in dataclasses.fields(INPUTS)})
    assert again.tag() == INPUTS.tag() and again.key() == INPUTS.key()


def test_tag_shape() -> None:
    tag = INPUTS.tag()
    assert tag.startswith("repro/paper:") and len(tag.split(":")[1]) == 16
    assert INPUTS.key().startswith(tag.split(":")[1]) and len(INPUTS.key()) == 64


@pytest.mark.parametrize(
    ("field", "value"),
    [("base_digest", "python@sha256:" + "b" * 64), ("dockerfile", "FROM x\nRUN y\n"),
     ("source_id", "1" * 40), ("lock_digest", None), ("lock_digest", "sha256:other"),
     ("runner_version", "9.9.9")],
)
def test_each_input_changes_the_tag(field: str, value: str | None) -> None:
    changed = dataclasses.replace(INPUTS, **{field: value})
    assert changed.tag() != INPUTS.tag()


def test_spec_name_changes_the_repository_part() -> None:
    assert dataclasses.replace(INPUTS, spec_name="other").tag().startswith("repro/other:")


def test_labels_carry_every_input_and_the_key() -> None:
    labels = INPUTS.labels()
    assert labels == {
        MANAGED_LABEL: "true",
        "org.repro.spec": "paper",
        "org.repro.source": "0" * 40,
        "org.repro.base": "python@sha256:" + "a" * 64,
        "org.repro.lock": "sha256:lock",
        "org.repro.runner-version": __version__,
        "org.repro.cache-key": INPUTS.key(),
    }
    assert dataclasses.replace(INPUTS, lock_digest=None).labels()["org.repro.lock"] == "none"


def test_explain_rebuild_names_what_changed() -> None:
    old = INPUTS.labels()
    new = dataclasses.replace(INPUTS, source_id="1" * 40).labels()
    (reason,) = explain_rebuild(old, new)
    assert reason.startswith("source changed 0000") and "-> 1111" in reason
    assert explain_rebuild(old, old) == ["the rendered Dockerfile changed"]
