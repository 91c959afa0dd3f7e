"""What the code audit recognises: which classes are fitted transformers of which kind, and
which calls split data for evaluation. Names only, resolved through the file's imports.

The lists are deliberately narrow: a class is here only when fitting it on the test rows
demonstrably changes what the model is evaluated on. Stateless transformers (Normalizer,
Binarizer, PolynomialFeatures, FunctionTransformer) and label encoders are left out.
"""

from __future__ import annotations

import re
from typing import Literal

Kind = Literal["preprocessing", "feature selection", "oversampling", "imputation",
               "test-set oversampling"]

PREPROCESSING = frozenset({
    "StandardScaler", "MinMaxScaler", "MaxAbsScaler", "RobustScaler", "QuantileTransformer",
    "PowerTransformer", "KBinsDiscretizer", "PCA", "KernelPCA", "IncrementalPCA",
    "TruncatedSVD", "FastICA", "TfidfVectorizer", "TfidfTransformer", "TargetEncoder",
})
IMPUTATION = frozenset({"SimpleImputer", "KNNImputer", "IterativeImputer"})
SELECTION = frozenset({
    "SelectKBest", "SelectPercentile", "SelectFpr", "SelectFdr", "SelectFwe",
    "GenericUnivariateSelect", "RFE", "RFECV", "SelectFromModel", "SequentialFeatureSelector",
    "VarianceThreshold", "Boruta", "BorutaPy",
})
OVERSAMPLERS = frozenset({
    "SMOTE", "ADASYN", "BorderlineSMOTE", "SVMSMOTE", "KMeansSMOTE", "SMOTENC", "SMOTEN",
    "RandomOverSampler", "SMOTETomek", "SMOTEENN",
})
# Any other class whose name says it oversamples (a paper's own SMOTE, for instance).
_OVERSAMPLER_NAME = re.compile(r"smote|adasyn|oversampl", re.IGNORECASE)

# Splitters whose `.split(X, y)` yields (train, test) index pairs.
SPLITTERS = frozenset({
    "KFold", "StratifiedKFold", "GroupKFold", "StratifiedGroupKFold", "RepeatedKFold",
    "RepeatedStratifiedKFold", "ShuffleSplit", "StratifiedShuffleSplit", "GroupShuffleSplit",
    "LeaveOneOut", "LeavePOut", "LeaveOneGroupOut", "LeavePGroupsOut", "TimeSeriesSplit",
    "PredefinedSplit",
})
# Functions that cross-validate an estimator on (X, y): X is their second argument.
CV_FUNCTIONS = frozenset({
    "cross_val_score", "cross_validate", "cross_val_predict", "permutation_test_score",
    "learning_curve", "validation_curve",
})
# Searches that cross-validate inside their `.fit(X, y)`.
SEARCHES = frozenset({
    "GridSearchCV", "RandomizedSearchCV", "HalvingGridSearchCV", "HalvingRandomSearchCV",
})
FIT_METHODS = frozenset({"fit", "fit_transform", "fit_resample"})
# Statistics that, taken over the whole data, make a pandas/numpy scaling or imputation leak.
CENTRES = frozenset({"mean", "median", "min", "nanmean", "nanmedian", "nanmin"})
FILL_STATS = frozenset({"mean", "median", "mode"})
TEST_WORDS = ("test", "val", "valid", "hold")


def kind_of(cls: str | None, method: str) -> Kind | None:
    """The kind of leak a fit of `cls` by `method` can cause, or None when not recognised."""
    if cls is None:
        return None
    if method == "fit_resample":
        return "oversampling" if is_oversampler(cls) else None
    if cls in PREPROCESSING:
        return "preprocessing"
    if cls in IMPUTATION:
        return "imputation"
    if cls in SELECTION:
        return "feature selection"
    return "oversampling" if is_oversampler(cls) and method == "fit" else None


def is_oversampler(cls: str) -> bool:
    return cls in OVERSAMPLERS or bool(_OVERSAMPLER_NAME.search(cls))


def role_of_name(name: str) -> str | None:
    """train/test from a variable's name (for a paper's own split function), else None."""
    lowered = name.lower()
    if any(word in lowered for word in TEST_WORDS):
        return "test"
    return "train" if "train" in lowered else None


def is_own_split(callee: str | None) -> bool:
    """A paper's own split function (`split_rows`, `make_split`), not str.split."""
    return callee is not None and "split" in callee.lower() and callee != "split"
