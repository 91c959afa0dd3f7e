"""`python -m runner` is `repro`."""

from runner.cli import main

main()
