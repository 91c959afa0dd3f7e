"""repro: run a paper's code in a pinned container and check its claims."""

__version__ = "0.1.0"
