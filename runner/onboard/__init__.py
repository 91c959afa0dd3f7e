"""Lab onboarding: the commands a new lab member starts with.

Owns `repro new` (a repository in, a commented draft spec out: `new`, `scanners`,
`pyscan`, `pypi_names`, `spec_writer`), `repro doctor` (the host's checks), `repro shell`
(a paper's environment, interactively) and `repro fetch` / image export and import (what a
run needs, ahead of time and across air gaps). It uses the run pipeline's own pieces
(`run.planning`, `run.data_mounts`, `run.steps`) and the edges (git mirror, engine), never
a copy of them. May import `run` and everything below it; never `batch` (its sibling),
`history`, `report` or `cli`.
"""
