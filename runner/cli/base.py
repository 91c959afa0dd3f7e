"""What every command shares: the consoles, one error handler, and common options."""

from __future__ import annotations

import functools
import os
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.markup import escape

from runner.errors import ExitCode, ReproError, storage_error
from runner.present.console import make_console

out = make_console()
err = make_console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])

SpecArg = Annotated[Path, typer.Argument(help="the spec file (YAML)", show_default=False)]
RepoOpt = Annotated[str | None, typer.Option(
    "--repo", help="fetch the same commit from this URL or path (a mirror, a fork)")]
MutableOpt = Annotated[bool, typer.Option(
    "--allow-mutable-ref", help="accept a branch or tag as repo.commit; the SHA is recorded")]
JsonOpt = Annotated[bool, typer.Option("--json", help="machine-readable output")]


def handled(func: F) -> F:
    """One handler for every command: ReproError -> its exit code, Ctrl-C -> 130, bug -> 70."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            code = func(*args, **kwargs)
        except ReproError as exc:
            err.print(f"[bold red]error:[/bold red] {escape(str(exc))}", highlight=False)
            if exc.record_path is not None:
                err.print(f"record: {exc.record_path}", highlight=False)
            raise typer.Exit(int(exc.exit_code)) from None
        except KeyboardInterrupt:
            err.print("interrupted")
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        except (typer.Exit, typer.Abort):
            raise
        except OSError as exc:
            full = storage_error(exc, exc.filename or "a file")
            if full is None:
                _crash()
            else:
                err.print(f"[bold red]error:[/bold red] {escape(str(full))}", highlight=False)
                raise typer.Exit(int(full.exit_code)) from None
        except Exception:
            _crash()
        raise typer.Exit(int(code or 0))

    return wrapper  # type: ignore[return-value]


def _crash() -> NoReturn:
    """A bug: the traceback goes to a crash log, the user gets its path and exit 70."""
    log = Path(tempfile.gettempdir()) / f"repro-crash-{os.getpid()}.log"
    log.write_text(traceback.format_exc())
    err.print(f"[bold red]repro crashed (a bug):[/bold red] details in {log}")
    raise typer.Exit(int(ExitCode.BUG)) from None
