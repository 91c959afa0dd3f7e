"""Checks across sections that a per-field schema cannot express (names that must exist)."""

from __future__ import annotations

import difflib
import posixpath
from collections.abc import Iterable, Iterator

from runner.spec.models import Spec

Found = tuple[tuple[str | int, ...], str, str | None]


def _suggest(name: str, choices: Iterable[str]) -> str | None:
    options = sorted(choices)
    close = difflib.get_close_matches(name, options, n=1, cutoff=0.5)
    if close:
        return f"did you mean `{close[0]}`?"
    return f"known names: {', '.join(options)}" if options else None


def check_references(spec: Spec) -> list[Found]:
    return [
        *_unique(spec),
        *_metric_refs(spec),
        *_claim_refs(spec),
        *_variant_refs(spec),
        *_mount_refs(spec),
        *_audit_refs(spec),
    ]


def _unique(spec: Spec) -> Iterator[Found]:
    for section, names in (("steps", [s.name for s in spec.steps]),
                           ("data", [d.name for d in spec.data])):
        seen: set[str] = set()
        for i, name in enumerate(names):
            if name in seen:
                yield (section, i, "name"), f"duplicate name {name!r}", "names must be unique"
            seen.add(name)


def _metric_refs(spec: Spec) -> Iterator[Found]:
    steps = [s.name for s in spec.steps]
    for name, metric in spec.metrics.items():
        step = getattr(metric, "step", None)
        if step is not None and step not in steps:
            yield ("metrics", name, "step"), f"no step named {step!r}", _suggest(step, steps)


def _claim_refs(spec: Spec) -> Iterator[Found]:
    for i, claim in enumerate(spec.claims):
        if claim.metric not in spec.metrics:
            yield (("claims", i, "metric"), f"no metric named {claim.metric!r} under `metrics`",
                   _suggest(claim.metric, spec.metrics))


def _variant_refs(spec: Spec) -> Iterator[Found]:
    steps = [s.name for s in spec.steps]
    for vname, variant in spec.variants.items():
        for step in variant.steps:
            if step not in steps:
                yield (("variants", vname, "steps", step), f"no step named {step!r}",
                       _suggest(step, steps))


def _mount_refs(spec: Spec) -> Iterator[Found]:
    workdir = spec.environment.workdir
    seen: dict[str, int] = {}
    for i, data in enumerate(spec.data):
        mount = data.mount
        if mount in seen:
            yield ("data", i, "mount"), f"mount {mount} is used twice", None
        seen[mount] = i
        if posixpath.commonpath([mount, workdir]) in (workdir, mount):
            yield (("data", i, "mount"), f"mount {mount} would hide the repository at {workdir}",
                   "mount data beside the repository, e.g. /work/Data")


def _audit_refs(spec: Spec) -> Iterator[Found]:
    audits = spec.audits
    if audits is None:
        return
    metrics = list(spec.metrics)
    refs: list[tuple[tuple[str | int, ...], str]] = []
    for i, gap in enumerate(audits.train_test_gap or []):
        refs += [(("audits", "train_test_gap", i, "train"), gap.train),
                 (("audits", "train_test_gap", i, "test"), gap.test)]
    for i, base in enumerate(audits.baseline or []):
        refs.append((("audits", "baseline", i, "compare_to"), base.compare_to))
    if audits.learning_curve is not None:
        refs.append((("audits", "learning_curve", "metric"), audits.learning_curve.metric))
    if audits.class_balance is not None:
        for key, name in (audits.class_balance.reported or {}).items():
            refs.append((("audits", "class_balance", "reported", key), name))
    for path, name in refs:
        if name not in metrics:
            yield path, f"no metric named {name!r} under `metrics`", _suggest(name, metrics)
