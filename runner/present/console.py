"""The consoles every command prints to: never folded, and wide enough in a log."""

from __future__ import annotations

import os
import sys

from rich.console import Console


def make_console(stderr: bool = False) -> Console:
    """A rich console for stdout or stderr.

    soft_wrap: a message stays one line however long its paths are, so a log or a pipe can
    be grepped for "file:line:"; a terminal folds long lines itself.
    Width: rich's own on a terminal (or with COLUMNS set); 160 columns into a pipe or a
    file, where rich would assume 80 and squeeze the claims and variants tables of a
    nightly log into ellipses ("[0.849…"), the very numbers its reader needs.
    """
    stream = sys.stderr if stderr else sys.stdout
    wide = not os.environ.get("COLUMNS") and not stream.isatty()
    return Console(stderr=stderr, soft_wrap=True, width=160 if wide else None)
