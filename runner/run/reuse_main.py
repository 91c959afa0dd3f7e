"""`reuse: main`: a variant's seed starts from what the main run's same seed wrote.

When a main seed succeeds, what its steps changed under the workdir (the trained model,
its caches) is archived from its container before that container is removed; the
variant's fresh container of the same seed gets it unpacked before its `only` steps run.
The archives live in the run's scratch folder and go with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from runner.core.schedule import run_label
from runner.edges.engine import ContainerEngine
from runner.run.steps import SeedResult


class MainOutputs:
    def __init__(self, folder: Path, engine: ContainerEngine) -> None:
        self.folder, self.engine = folder, engine

    def _archive(self, seed: int) -> Path:
        return self.folder / f"seed-{seed}.tar"

    def take(self, seed: int, container: str, workdir: str) -> None:
        """Archive what main seed `seed` wrote under `workdir` (complete, or not at all)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = self._archive(seed).with_suffix(".partial")
        self.engine.snapshot_changes(container, workdir, partial)
        partial.replace(self._archive(seed))

    def restore(self, seed: int, container: str, done: Sequence[SeedResult]) -> str | None:
        """Unpack seed `seed`'s main outputs into `container`; else why it cannot be."""
        main = next((r for r in done if r.label == run_label(seed)), None)
        if main is None:
            return (f"reuse: main needs the main run of seed {seed}, which is not part of "
                    "this run")
        if main.status != "ok":
            return f"reuse: main needs the main run of seed {seed}, which failed ({main.reason})"
        archive = self._archive(seed)
        if not archive.exists():
            return f"reuse: main found no outputs of seed {seed} (they could not be copied)"
        self.engine.restore(container, archive)
        return None
