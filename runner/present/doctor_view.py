"""`repro doctor`'s checks as a person reads them: one line each, the fix beneath a failure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from rich.console import Console
from rich.markup import escape

_STYLE = {"ok": "green", "warn": "yellow", "fail": "bold red", "skip": "dim"}


class CheckLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def detail(self) -> str: ...
    @property
    def fix(self) -> str | None: ...
    @property
    def required(self) -> bool: ...


def show_doctor(checks: Sequence[CheckLike], ok: bool, out: Console) -> None:
    width = max(len(c.name) for c in checks)
    for c in checks:
        style = _STYLE.get(c.status, "")
        out.print(f"[{style}]{c.status:<4}[/{style}]  {c.name:<{width}}  {escape(c.detail)}",
                  highlight=False)
        if c.fix and c.status in ("fail", "warn", "skip"):
            out.print(f"      {'':<{width}}  fix: {escape(c.fix)}", highlight=False)
    failed = [c.name for c in checks if c.status == "fail" and c.required]
    if ok:
        warned = sum(c.status in ("warn", "fail") for c in checks)
        out.print("[green]ready for runs[/green]" + (f" ({warned} warning(s) above)"
                                                      if warned else ""))
    else:
        out.print(f"[bold red]not ready:[/bold red] {', '.join(failed)}")
