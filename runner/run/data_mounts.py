"""A spec's datasets as read-only mounts: fetched or found, checked against the lock.

One function for every container that sees a paper's data: a run's jobs, `repro shell`,
and `repro fetch` (which fetches ahead of time and discards the mounts).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from runner.edges.datastore import DataStore
from runner.edges.engine import Mount
from runner.errors import RunFailed
from runner.spec.lockfile import Lock
from runner.spec.models import Spec


def data_mounts(spec: Spec, lock: Lock | None, store: DataStore, phase: Callable[[str], None],
                ) -> tuple[list[Mount], list[dict[str, Any]]]:
    """The mounts, in the spec's order, and what the run record says about each."""
    mounts, record = [], []
    for data in spec.data:
        locked = lock.data[data.name].sha256 if lock and data.name in lock.data else None
        expected = data.sha256 or (None if data.manual else locked)
        phase(f"data {data.name}")
        folder = store.fetch(data, expected)
        checksum = store.checksum(data, folder)
        if data.manual and locked and checksum != locked:
            raise RunFailed(f"manual dataset {data.name!r} differs from the locked checksum",
                            hint="restore the original files, or run `repro lock` again")
        mounts.append(Mount(folder, data.mount, read_only=True))
        record.append({"name": data.name, "mount": data.mount, "sha256": checksum,
                       "manual": data.manual, "source": str(folder)})
    return mounts, record
