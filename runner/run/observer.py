"""What a run tells whoever watches it: phases, log lines, jobs done.

The pipeline only knows this protocol; the terminal's live view (`present.live`), a batch's
table and the tests' recorders implement it, so the pipeline never imports a UI.
"""

from __future__ import annotations

from typing import Protocol


class RunObserver(Protocol):
    def phase(self, text: str) -> None: ...

    def log(self, text: str) -> None: ...

    def step(self, text: str) -> None: ...

    def set_total(self, jobs: int) -> None: ...

    def advance(self) -> None: ...


class QuietObserver:
    """Watches nothing: for batches that show their own table, and for tests."""

    def phase(self, text: str) -> None:
        pass

    def log(self, text: str) -> None:
        pass

    def step(self, text: str) -> None:
        pass

    def set_total(self, jobs: int) -> None:
        pass

    def advance(self) -> None:
        pass
