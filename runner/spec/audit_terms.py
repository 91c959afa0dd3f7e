"""Names shared by the audits and the spec models, kept free of heavy imports.

The spec is validated on every `repro` command; importing scikit-learn or h5py for that would
cost a second each time, so the literals and the HDF5 name parser live here.
"""

from __future__ import annotations

import re
from typing import Literal, get_args

BaselineModel = Literal["logistic_regression", "random_forest", "majority_class"]
BaselineMetric = Literal["roc_auc", "accuracy", "balanced_accuracy", "f1", "r2", "rmse"]
MODELS: tuple[str, ...] = get_args(BaselineModel)
METRICS: tuple[str, ...] = get_args(BaselineMetric)
REGRESSION_METRICS = frozenset({"r2", "rmse"})
# Metrics the class-balance audit can recompute from saved predictions.
RECOMPUTABLE = ("accuracy", "balanced_accuracy", "roc_auc")

_H5_RE = re.compile(r"^(?P<file>.*\.(?:h5|hdf5|hdf))(?::(?P<obj>.*))?$", re.IGNORECASE)


def split_h5(spec: str) -> tuple[str, str | None] | None:
    """`x.h5:grp/ds` -> ("x.h5", "grp/ds"); None when the name is not an HDF5 one."""
    match = _H5_RE.match(spec)
    return None if match is None else (match["file"], match["obj"] or None)
