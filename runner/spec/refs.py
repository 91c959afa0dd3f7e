"""Checks across sections that a per-field schema cannot express (names that must exist).

They read the raw YAML data, defensively, so they run even when other parts of the spec
are invalid: a user sees every problem at once, not one round per fix.
"""

from __future__ import annotations

import difflib
import posixpath
from collections.abc import Iterable, Iterator
from typing import Any

Found = tuple[tuple[str | int, ...], str, str | None]


def _suggest(name: str, choices: Iterable[str]) -> str | None:
    options = sorted(choices)
    close = difflib.get_close_matches(name, options, n=1, cutoff=0.5)
    if close:
        return f"did you mean `{close[0]}`?"
    return f"known names: {', '.join(options)}" if options else None


def _dicts(value: Any) -> list[tuple[int, dict[str, Any]]]:
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)] \
        if isinstance(value, list) else []


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _names(data: dict[str, Any], section: str) -> list[str]:
    return [str(v["name"]) for _, v in _dicts(data.get(section)) if "name" in v]


def check_references(data: dict[str, Any]) -> list[Found]:
    return [*_unique(data), *_metric_refs(data), *_claim_refs(data), *_variant_refs(data),
            *_mount_refs(data), *_audit_refs(data)]


def _unique(data: dict[str, Any]) -> Iterator[Found]:
    for section in ("steps", "data"):
        seen: set[str] = set()
        for i, item in _dicts(data.get(section)):
            name = item.get("name")
            if not isinstance(name, str):  # a list or mapping here is a schema error already
                continue
            if name in seen:
                yield (section, i, "name"), f"duplicate name {name!r}", "names must be unique"
            seen.add(name)


def _metric_refs(data: dict[str, Any]) -> Iterator[Found]:
    steps = _names(data, "steps")
    for name, metric in _mapping(data.get("metrics")).items():
        step = _mapping(metric).get("step")
        if isinstance(step, str) and step not in steps:
            yield ("metrics", name, "step"), f"no step named {step!r}", _suggest(step, steps)


def _claim_refs(data: dict[str, Any]) -> Iterator[Found]:
    metrics = list(_mapping(data.get("metrics")))
    for i, claim in _dicts(data.get("claims")):
        name = claim.get("metric")
        if isinstance(name, str) and name not in metrics:
            yield (("claims", i, "metric"), f"no metric named {name!r} under `metrics`",
                   _suggest(name, metrics))


def _variant_refs(data: dict[str, Any]) -> Iterator[Found]:
    steps = _names(data, "steps")
    for vname, variant in _mapping(data.get("variants")).items():
        for step in _mapping(_mapping(variant).get("steps")):
            if step not in steps:
                yield (("variants", vname, "steps", step), f"no step named {step!r}",
                       _suggest(step, steps))
        only = _mapping(variant).get("only")
        for i, step in enumerate(only if isinstance(only, list) else []):
            if isinstance(step, str) and step not in steps:
                yield (("variants", vname, "only", i), f"no step named {step!r}",
                       _suggest(step, steps))


def _mount_refs(data: dict[str, Any]) -> Iterator[Found]:
    workdir = _mapping(data.get("environment")).get("workdir", "/work/repo")
    if not isinstance(workdir, str) or not workdir.startswith("/"):
        return
    workdir = posixpath.normpath(workdir)
    seen: set[str] = set()
    for i, item in _dicts(data.get("data")):
        mount = item.get("mount")
        if not isinstance(mount, str) or not mount.startswith("/"):
            continue
        mount = posixpath.normpath(mount)
        if mount in seen:
            yield ("data", i, "mount"), f"mount {mount} is used twice", None
        seen.add(mount)
        if posixpath.commonpath([mount, workdir]) in (workdir, mount):
            yield (("data", i, "mount"), f"mount {mount} would hide or sit inside the "
                   f"repository at {workdir}", "mount data beside the repository, e.g. /work/Data")


def _audit_refs(data: dict[str, Any]) -> Iterator[Found]:
    audits = _mapping(data.get("audits"))
    metrics = list(_mapping(data.get("metrics")))
    refs: list[tuple[tuple[str | int, ...], Any]] = []
    for i, gap in _dicts(audits.get("train_test_gap")):
        refs += [(("audits", "train_test_gap", i, key), gap.get(key)) for key in ("train", "test")]
    for i, base in _dicts(audits.get("baseline")):
        refs.append((("audits", "baseline", i, "compare_to"), base.get("compare_to")))
    curve = _mapping(audits.get("learning_curve"))
    refs.append((("audits", "learning_curve", "metric"), curve.get("metric")))
    for key, name in _mapping(_mapping(audits.get("class_balance")).get("reported")).items():
        refs.append((("audits", "class_balance", "reported", key), name))
    for path, name in refs:
        if isinstance(name, str) and name not in metrics:
            yield path, f"no metric named {name!r} under `metrics`", _suggest(name, metrics)
