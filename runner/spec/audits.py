"""The `audits:` section of a repro spec: pydantic models, validated before anything runs.

File fields take a location prefix (parsed into a FileRef; the run pipeline resolves them):
  * ``out/test.csv``         -> relative to the run's outputs/work directory ("outputs");
  * ``repo:data/split.csv``  -> inside the paper's repository checkout ("repo");
  * ``data:NAME/path``       -> inside the declared data mount NAME ("data"); ``data:NAME``
    alone is the mount itself.
Paths are relative, never absolute, never escape with ``..``, and are not URLs. An HDF5 object
may follow the file (``out/x.h5:group/ds``). Metric names (``compare_to``, ``train``/``test``
of a gap, ``reported`` values, ``learning_curve.metric``) name metrics of the spec; the
spec loader checks that they exist (`runner/spec/refs.py`; `metric_names()` lists them).
"""

from __future__ import annotations

import re

from pydantic import Field, field_validator, model_validator

from runner.spec.audit_terms import RECOMPUTABLE, BaselineMetric, BaselineModel, split_h5
from runner.spec.audits_code import CodeAuditSpec, NeighboursSpec
from runner.spec.filerefs import (  # re-exported: the audits' file fields live there
    FileRef,
    MetricName,
    SpecFile,
    StrictModel,
    parse_file_ref,
)

__all__ = ["FileRef", "MetricName", "SpecFile", "StrictModel", "parse_file_ref"]

def _compile(pattern: str, what: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"{what} {pattern!r} is not a valid regular expression: {exc}") from None


class ManifestSpec(StrictModel):
    """A table with one row per item: the item's name (`item`) and its split (`split`)."""

    file: SpecFile
    item: str
    split: str


class GroupSpec(StrictModel):
    """How an item maps to its group: a regex on the item (first capture group, or the whole
    match) or a column of the manifest. Exactly one."""

    pattern: str | None = None
    column: str | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> GroupSpec:
        if (self.pattern is None) == (self.column is None):
            raise ValueError("group: give exactly one of 'pattern' and 'column'")
        if self.pattern is not None:
            _compile(self.pattern, "group pattern")
        return self


class DuplicatesSpec(StrictModel):
    """Exact duplicate rows across train and test; `columns` defaults to all of train's."""

    train: SpecFile
    test: SpecFile
    columns: list[str] | None = Field(default=None, min_length=1)


class LeakageSpec(StrictModel):
    """Group leakage (`manifest` + `group`, both or neither), cross-split `duplicates` and/or
    test rows that are near `neighbours` of training rows."""

    manifest: ManifestSpec | None = None
    group: GroupSpec | None = None
    duplicates: DuplicatesSpec | None = None
    neighbours: NeighboursSpec | None = None

    @model_validator(mode="after")
    def _consistent(self) -> LeakageSpec:
        if (self.manifest is None) != (self.group is None):
            raise ValueError("leakage: 'manifest' and 'group' go together")
        if self.manifest is None and self.duplicates is None and self.neighbours is None:
            raise ValueError(
                "leakage: give 'manifest' + 'group', 'duplicates', 'neighbours' or several")
        return self


class GapSpec(StrictModel):
    """Flag a mean test metric better than the mean train metric by more than `margin`."""

    train: MetricName
    test: MetricName
    margin: float = Field(default=0.0, ge=0)


class BaselineSpec(StrictModel):
    """A simple baseline set beside the spec's metric `compare_to`.

    Built-in (`model:`): fitted by repro on `train`/`test` with `features`, `label`, `metric`.
    Custom (`run:`): a shell command run in the paper's container; its metric is read either
    from its stdout with `metric_regex` (first capture group, or the whole match) or from the
    JSON file `metric_file` at `key` (dots walk nested objects). `tolerance` defaults to the
    tolerance of the claim on `compare_to`. `seeds` defaults to the seeds of the spec's runs.
    `higher_is_better` defaults to the metric's direction (only rmse is lower-is-better).
    """

    name: str = Field(min_length=1)
    model: BaselineModel | None = None
    run: str | None = Field(default=None, min_length=1)
    metric_regex: str | None = None
    metric_file: SpecFile | None = None
    key: str | None = None
    train: SpecFile | None = None
    test: SpecFile | None = None
    features: list[str] | None = Field(default=None, min_length=1)
    label: str | None = None
    metric: BaselineMetric | None = None
    compare_to: MetricName
    tolerance: float | None = Field(default=None, ge=0)
    seeds: list[int] | None = Field(default=None, min_length=1)
    higher_is_better: bool | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> BaselineSpec:
        if (self.model is None) == (self.run is None):
            raise ValueError(f"baseline {self.name!r}: give exactly one of 'model' and 'run'")
        if self.model is not None:
            self._check_builtin()
        else:
            self._check_run()
        return self

    def _check_builtin(self) -> None:
        needed = {
            "train": self.train,
            "test": self.test,
            "features": self.features,
            "label": self.label,
            "metric": self.metric,
        }
        missing = [k for k, v in needed.items() if v is None]
        if missing:
            raise ValueError(f"baseline {self.name!r}: model {self.model} needs {missing}")
        extra = [k for k in ("metric_regex", "metric_file", "key") if getattr(self, k)]
        if extra:
            raise ValueError(f"baseline {self.name!r}: {extra} only apply to 'run'")
        if self.model == "logistic_regression" and self.metric in ("r2", "rmse"):
            raise ValueError(
                f"baseline {self.name!r}: logistic_regression cannot give {self.metric}"
            )

    def _check_run(self) -> None:
        extra = [k for k in ("train", "test", "features", "label") if getattr(self, k)]
        if extra:
            raise ValueError(f"baseline {self.name!r}: {extra} only apply to a built-in model")
        by_regex, by_file = self.metric_regex is not None, self.metric_file is not None
        if by_regex == by_file:
            raise ValueError(
                f"baseline {self.name!r}: 'run' needs exactly one of 'metric_regex' and "
                "'metric_file' (with 'key')"
            )
        if by_file != (self.key is not None):
            raise ValueError(f"baseline {self.name!r}: 'metric_file' and 'key' go together")
        if self.metric_regex is not None and _compile(self.metric_regex, "metric_regex").groups > 1:
            raise ValueError(f"baseline {self.name!r}: metric_regex may have one capture group")

    @property
    def is_higher_better(self) -> bool:
        if self.higher_is_better is not None:
            return self.higher_is_better
        return self.metric != "rmse"


class ClassBalanceSpec(StrictModel):
    """Class counts of `label` in `file`; with `predictions` (scores thresholded at
    `threshold`, or labels) the metrics are recomputed and compared with `reported`, a map of
    recomputable metric (accuracy, balanced_accuracy, roc_auc) -> the spec's metric name."""

    file: SpecFile
    label: str
    predictions: str | None = None
    reported: dict[str, MetricName] | None = None
    threshold: float = 0.5

    @model_validator(mode="after")
    def _reported(self) -> ClassBalanceSpec:
        if self.reported and self.predictions is None:
            raise ValueError("class_balance: 'reported' needs a 'predictions' column")
        unknown = sorted(set(self.reported or {}) - set(RECOMPUTABLE))
        if unknown:
            raise ValueError(f"class_balance: cannot recompute {unknown}; known: {RECOMPUTABLE}")
        return self


class LearningCurveSpec(StrictModel):
    """Rerun the spec's steps with `{fraction}` set to each fraction; 1.0 is the full data."""

    fractions: list[float] = Field(min_length=2)
    metric: MetricName
    higher_is_better: bool = True

    @field_validator("fractions")
    @classmethod
    def _fractions(cls, value: list[float]) -> list[float]:
        bad = [f for f in value if not 0 < f <= 1]
        if bad:
            raise ValueError(f"fractions must lie in (0, 1]; got {bad}")
        if len(set(value)) != len(value):
            raise ValueError(f"fractions must be unique; got {value}")
        if 1.0 not in value:
            raise ValueError("fractions must include 1.0 (the full data)")
        return sorted(value)


class AuditsSpec(StrictModel):
    """The `audits:` section; every audit is optional."""

    leakage: LeakageSpec | None = None
    train_test_gap: list[GapSpec] = Field(default_factory=list)
    baseline: list[BaselineSpec] = Field(default_factory=list)
    class_balance: ClassBalanceSpec | None = None
    learning_curve: LearningCurveSpec | None = None
    code: CodeAuditSpec | None = None

    @field_validator("baseline")
    @classmethod
    def _unique_names(cls, value: list[BaselineSpec]) -> list[BaselineSpec]:
        names = [b.name for b in value]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"baseline names must be unique; repeated: {twice}")
        return value

    def metric_names(self) -> set[str]:
        """Every metric of the spec that the audits refer to (for the pipeline to check)."""
        names = {n for g in self.train_test_gap for n in (g.train, g.test)}
        names |= {b.compare_to for b in self.baseline}
        if self.class_balance and self.class_balance.reported:
            names |= set(self.class_balance.reported.values())
        if self.learning_curve:
            names.add(self.learning_curve.metric)
        return names

    def file_refs(self) -> list[FileRef]:
        """Every file the audits read, wherever it lives."""
        refs: list[FileRef | None] = []
        if self.leakage is not None:
            leak = self.leakage
            refs.append(leak.manifest.file if leak.manifest else None)
            if leak.duplicates is not None:
                refs += [leak.duplicates.train, leak.duplicates.test]
            if leak.neighbours is not None:
                refs += [leak.neighbours.train, leak.neighbours.test]
        for base in self.baseline:
            refs += [base.train, base.test, base.metric_file]
        if self.class_balance is not None:
            refs.append(self.class_balance.file)
        return [r for r in refs if r is not None]

    def output_paths(self) -> list[str]:
        """Files to copy out of each container, relative to the workdir (an HDF5 object
        suffix `x.h5:group` names the file `x.h5`)."""
        def file_part(ref: FileRef) -> str:
            h5 = split_h5(ref.path)
            return h5[0] if h5 else ref.path

        return sorted({file_part(r) for r in self.file_refs() if r.location == "outputs"})
