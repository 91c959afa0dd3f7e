"""Audits of a paper's method: leakage, duplicates, train/test gap, baselines, class balance,
learning curves. Each audit is a pure function returning a list of `Finding`s.

Import the submodules directly (`runner.audits.leakage`, ...): this package imports nothing
so that loading the spec models does not pull in scikit-learn or h5py.
"""
