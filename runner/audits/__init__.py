"""Audits of a paper's method: leakage, duplicates, near neighbours, train/test gap, baselines,
class balance, learning curves, and a static reading of the code (`code_*`: fit before split).
Each audit is a pure function returning a list of `Finding`s.

Import the submodules directly (`runner.audits.leakage`, ...): this package imports nothing
so that loading the spec models does not pull in scikit-learn or h5py. The spec side of the
audits (`audits:` models, shared names) lives in `runner.spec.audits`. Imports `spec` and
`errors` only: the run pipeline calls the audits, never the reverse.
"""
