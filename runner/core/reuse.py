"""Which paths hold what a job's steps wrote: the input of `reuse: main`.

The engine lists a container's changes against its image (`docker diff`: 0 changed,
1 added, 2 deleted). What the main steps wrote under the workdir is carried into a
variant's fresh container: each added path whose parent was not added too (a new folder
carries its whole tree, with its owner and modes) and each changed path with nothing
listed beneath it (a file rewritten in place). Deletions are not carried: a variant starts
from the image plus what the main run made, never from less than the image.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable

ADDED, CHANGED = 1, 0


def snapshot_roots(changes: Iterable[tuple[str, int]], under: str) -> list[str]:
    """The paths to copy, top-most first, for changes `(path, kind)` below `under`."""
    root = posixpath.normpath(under)
    inside = {posixpath.normpath(p): k for p, k in changes
              if posixpath.normpath(p).startswith(root + "/")}
    parents = {posixpath.dirname(p) for p in inside}
    new_tree = [p for p, k in inside.items()
                if k == ADDED and inside.get(posixpath.dirname(p)) != ADDED]
    rewritten = [p for p, k in inside.items() if k == CHANGED and p not in parents]
    return sorted(new_tree + rewritten)
