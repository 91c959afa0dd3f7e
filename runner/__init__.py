"""repro: run a paper's code in a pinned container and check its claims.

The packages are the layers, each importing only those below it (docs/architecture.md):
`cli` on top; `run` (one run's pipeline) and `present` (what a person reads); `audits`;
`edges` (engine, git, data, fingerprints); the pure `core`; `record`; `spec` at the
bottom. Top-level modules: `errors` (one error family and the exit codes) and `settings`.
"""

__version__ = "0.1.0"
