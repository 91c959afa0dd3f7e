"""Cross-process locks on this host (fcntl file locks), for work that must happen once.

Many `repro run` processes (a nightly batch, several people) share one engine and one
cache. Building one image, fetching into one git mirror or downloading one dataset twice
at the same time wastes hours and races on the result, so each of these holds a lock named
after what it produces: the image's cache key, the mirror, the data checksum. A lock is a
file under `REPRO_CACHE/locks/`; the kernel releases it when its holder exits, kill -9
included, so a crashed holder never blocks the others.

Whoever waits is told so (`on_wait`), then re-checks whether the work is now done (the
image exists, the data is cached) before doing it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from runner.settings import cache_dir


def locks_dir() -> Path:
    return cache_dir() / "locks"


def lock_path(kind: str, key: str) -> Path:
    """A file name for a lock on `key` (any text: an image tag, a URL, a checksum)."""
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", key)[-60:]
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return locks_dir() / f"{kind}-{digest}-{readable}.lock"


@contextlib.contextmanager
def file_lock(path: Path, on_wait: Callable[[], None] | None = None) -> Iterator[bool]:
    """Hold an exclusive lock on `path`; yields whether this process had to wait for it.

    `on_wait` is called once, before blocking, when another process holds the lock.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        waited = False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waited = True
            if on_wait is not None:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        # Who holds it, for a person looking at a stuck machine (`cat` the lock file).
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield waited
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def build_lock(tag: str, on_wait: Callable[[], None] | None = None
               ) -> contextlib.AbstractContextManager[bool]:
    """One build per image cache key (the content-hash tag) on this host."""
    return file_lock(lock_path("build", tag), on_wait)


def mirror_lock(mirror: Path, on_wait: Callable[[], None] | None = None
                ) -> contextlib.AbstractContextManager[bool]:
    """One clone or fetch per git mirror."""
    return file_lock(Path(f"{mirror}.lock"), on_wait)


def data_lock(key: str, on_wait: Callable[[], None] | None = None
              ) -> contextlib.AbstractContextManager[bool]:
    """One download per data checksum (or per URL when no checksum is known yet)."""
    return file_lock(lock_path("data", key), on_wait)
