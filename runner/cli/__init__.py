"""The command line (typer): parse options, call one function per command, map its result
to an exit code. No logic lives here: every command calls into `run`, `present`, `spec`,
`audits` (and the batch, history, report and onboarding packages), importing them inside
the command so that `repro --help` stays fast. May import every other package.
"""

from runner.cli.base import err, out
from runner.cli.root import app, main

__all__ = ["app", "err", "main", "out"]
