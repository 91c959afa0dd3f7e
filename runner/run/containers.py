"""`Containers` gives each job its own container and removes it afterwards: after success,
a failed step, a timeout, an engine error, and Ctrl-C alike.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait

from runner.edges.engine import ContainerEngine, ContainerRequest


class Containers:
    """One fresh container per job, started a job ahead and removed in the background.

    Creating and starting a sandboxed container costs the engine about 0.4 s and removing
    it about 0.2 s; the paper's steps need none of that time. Starting job i+1's container
    while job i's steps run, and removing finished containers meanwhile, takes it off the
    run's critical path; so does copying a finished job's outputs out, done just before
    its removal. Isolation is unchanged: every job still gets a container of its own,
    created from the image and never reused. `close` (also on a failure or Ctrl-C)
    waits for every pending start and removal and removes what was started but not used,
    so nothing is left behind.
    """

    def __init__(self, engine: ContainerEngine, requests: list[ContainerRequest]) -> None:
        self._engine = engine
        self._requests = requests
        # Two workers: one start ahead and one removal behind can overlap each other.
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="repro-container")
        self._taken = 0  # jobs are taken in order: the next one is requests[_taken]
        self._ahead: Future[str] | None = None  # the start of requests[_taken], if begun
        self._removals: list[Future[None]] = []

    def __enter__(self) -> Containers:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        # While an error or Ctrl-C is on its way out, a failed removal must not replace it.
        self.close(raise_errors=kind is None)

    def take(self) -> str:
        """The next job's started container; begins starting the one after it."""
        index = self._taken
        # `_ahead` is cleared only once its container is in hand: a Ctrl-C while waiting
        # for it leaves it to `close`, which removes it.
        if self._ahead is not None:
            container = self._ahead.result()
        else:
            container = self._engine.start(self._requests[index])
        self._ahead = None
        self._taken += 1
        if self._taken < len(self._requests):
            self._ahead = self._pool.submit(self._engine.start, self._requests[self._taken])
        return container

    def release(self, container: str, before: Callable[[], object] | None = None) -> None:
        """Remove `container` in the background, after `before` (copying its outputs out)."""
        self._removals.append(self._pool.submit(self._finish, container, before))

    def _finish(self, container: str, before: Callable[[], object] | None) -> None:
        try:
            if before is not None:
                before()
        finally:
            self._engine.remove(container)

    def settle(self) -> None:
        """Wait for the copies and removals under way (a job that needs an earlier job's
        outputs); their errors are raised by `close`."""
        wait(self._removals)

    def close(self, raise_errors: bool = True) -> None:
        """Wait for the engine's pending work; remove containers started for jobs not run."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None and ahead.exception() is None:  # a failed start left nothing
            self._removals.append(self._pool.submit(self._engine.remove, ahead.result()))
        errors = [f.exception() for f in self._removals]
        self._removals.clear()
        self._pool.shutdown(wait=True)
        failed = [e for e in errors if e is not None]
        if failed and raise_errors:
            raise failed[0]
