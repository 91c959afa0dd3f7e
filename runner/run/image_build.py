"""Build the image, or reuse the one whose content-hash tag already exists."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from runner.core.cachekey import MANAGED_LABEL, explain_rebuild
from runner.core.plan import Plan
from runner.core.render import LOCK_REQS
from runner.edges.engine import ContainerEngine
from runner.edges.git_mirror import SKIP_DIRS
from runner.edges.locks import build_lock
from runner.errors import EngineLost
from runner.settings import proxy_build_args


@dataclass(frozen=True)
class BuiltImage:
    tag: str
    id: str
    reused: bool
    seconds: float
    reason: str


def labelled_dockerfile(plan: Plan) -> str:
    """The rendered Dockerfile plus one LABEL line naming the inputs.

    The labels include the cache key, a hash of the rendered Dockerfile, so they are added
    here rather than rendered. One instruction, not the SDK's `labels=` (one build step and
    one intermediate container per label on the classic builder).
    """
    pairs = " ".join(f"{k}={json.dumps(v)}" for k, v in sorted(plan.inputs.labels().items()))
    return plan.dockerfile + f"LABEL {pairs}\n"


def prepare_context(plan: Plan, checkout: Path, ca_bundle: Path | None, folder: Path) -> Path:
    """The build context: Dockerfile, the repository (no .git), the lock's pins, the CA."""
    shutil.copytree(checkout, folder / "repo", symlinks=True,
                    ignore=shutil.ignore_patterns(*SKIP_DIRS))
    (folder / "Dockerfile").write_text(labelled_dockerfile(plan), encoding="utf-8")
    (folder / ".repro").mkdir()
    if plan.lock is not None and plan.lock.pip:
        (folder / LOCK_REQS).write_text(plan.lock.requirements_txt(), encoding="utf-8")
    if ca_bundle is not None:
        shutil.copyfile(ca_bundle, folder / ".repro" / "build-ca.crt")
    return folder


def build_or_reuse(
    plan: Plan, checkout: Path, engine: ContainerEngine, ca_bundle: Path | None,
    on_log: Callable[[str], None], rebuild: bool = False,
) -> BuiltImage:
    started = time.monotonic()
    existing = engine.image(plan.tag)
    if existing is not None and not rebuild:
        return BuiltImage(plan.tag, existing.id, True, time.monotonic() - started,
                          "an image with the same content hash exists")
    # One build per cache key on this host: runs of the same new spec started together
    # wait for the first one's build and reuse its image.
    with build_lock(plan.tag, lambda: on_log(
            f"waiting for another repro building {plan.tag}")) as waited:
        if waited and (done := engine.image(plan.tag)) is not None:
            return BuiltImage(plan.tag, done.id, True, time.monotonic() - started,
                              "built by another repro run while this one waited")
        return _build(plan, checkout, engine, ca_bundle, on_log, rebuild, started,
                      "--rebuild was given" if existing is not None else _why_new(plan, engine))


def _build(plan: Plan, checkout: Path, engine: ContainerEngine, ca_bundle: Path | None,
           on_log: Callable[[str], None], rebuild: bool, started: float, reason: str,
           ) -> BuiltImage:
    on_log(f"building {plan.tag}: {reason}")
    folder = Path(tempfile.mkdtemp(prefix="repro-build-"))
    try:
        prepare_context(plan, checkout, ca_bundle, folder)
        image_id = engine.build(folder, plan.tag, {}, proxy_build_args(), on_log,
                                nocache=rebuild)
    except EngineLost as exc:
        raise exc.during(f"the build of {plan.tag}") from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    engine.tag(image_id, f"repro/{plan.inputs.spec_name}:latest")
    return BuiltImage(plan.tag, image_id, False, time.monotonic() - started, reason)


def _why_new(plan: Plan, engine: ContainerEngine) -> str:
    """Explain a miss against the newest image of the same spec (tox's habit)."""
    latest = engine.image(f"repro/{plan.inputs.spec_name}:latest")
    if latest is None or latest.labels.get(MANAGED_LABEL) != "true":
        return "no image with this content hash yet"
    return "; ".join(explain_rebuild(latest.labels, plan.inputs.labels()))


def build_paper_image(spec_name: str, dockerfile: str, source_id: str, checkout: Path,
                      engine: ContainerEngine, on_log: Callable[[str], None]) -> str:
    """The paper's own Dockerfile, built once per source; repro's layers go on top of it."""
    digest = hashlib.sha256(f"{source_id}:{dockerfile}".encode()).hexdigest()[:16]
    tag = f"repro/{spec_name}-paper:{digest}"
    existing = engine.image(tag)
    if existing is not None:
        return existing.id
    with build_lock(tag, lambda: on_log(f"waiting for another repro building {tag}")):
        if (done := engine.image(tag)) is not None:
            return done.id
        on_log(f"building the paper's own {dockerfile} as {tag}")
        return engine.build(checkout, tag, {MANAGED_LABEL: "true"}, proxy_build_args(), on_log,
                            dockerfile=dockerfile)
