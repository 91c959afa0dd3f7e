"""Spec version 1 as pydantic models. Field docs become the JSON Schema's descriptions."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StrictInt,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)

from runner.spec.audits import AuditsSpec
from runner.spec.fields import ContainerPath, RelPath, Slug
from runner.spec.units import Duration, Size

SHA40 = re.compile(r"^[0-9a-f]{40}$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _env_strings(value: Any) -> Any:
    # YAML turns `0` and `true` into numbers and booleans; environment values are text.
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        if isinstance(item, bool):
            item = "true" if item else "false"
        elif isinstance(item, int | float):
            item = str(item)
        elif isinstance(item, str) and ("\n" in item or "\r" in item):
            # A Dockerfile ENV line cannot hold a newline; refuse rather than mangle it.
            raise ValueError(f"the value of {key} contains a line break, which an environment "
                             "variable set in an image cannot hold")
        out[key] = item
    return out


EnvMap = Annotated[dict[str, str], BeforeValidator(_env_strings)]


class Strict(BaseModel):
    """Unknown keys are errors: a typo must never be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Paper(Strict):
    title: str
    authors: list[str] = []
    year: int | None = None
    venue: str | None = None
    doi: str | None = None
    url: str | None = None


class Repo(Strict):
    """Where the code comes from: a git URL pinned to a full commit, or a local folder."""

    url: str | None = Field(None, description="git URL, file:// URL or path of a git repository")
    commit: str | None = Field(None, description="full 40-hex commit SHA")
    path: str | None = Field(
        None, description="a plain local directory, relative to the spec file (unpinned)"
    )
    submodules: bool = False

    @field_validator("path")
    @classmethod
    def _path_relative(cls, value: str | None) -> str | None:
        if value is not None and value.startswith("/"):
            raise ValueError("repo.path must be relative to the spec file, not an absolute path")
        return value

    @model_validator(mode="after")
    def _one_source(self) -> Repo:
        if self.path is not None:
            if self.url is not None or self.commit is not None:
                raise ValueError("give either repo.path, or repo.url with repo.commit, not both")
            return self
        if self.url is None:
            raise ValueError("repo needs url and commit (or path for a local folder)")
        if self.commit is None:
            raise ValueError("repo.commit is required: the full 40-hex SHA of the commit")
        return self

    @field_validator("commit")
    @classmethod
    def _full_sha(cls, value: str | None, info: ValidationInfo) -> str | None:
        mutable_ok = bool((info.context or {}).get("allow_mutable_ref"))
        if value is not None and not SHA40.match(value) and not mutable_ok:
            raise ValueError(
                f"{value!r} is not a full 40-hex commit SHA; branches and tags move. Pin the "
                "SHA (`git rev-parse REF`), or pass --allow-mutable-ref to resolve it now and "
                "record the SHA"
            )
        return value


class Pip(Strict):
    requirements: RelPath | None = Field(None, description="requirements file inside the repo")
    packages: list[str] = []


class Environment(Strict):
    base: str = Field(description="base image; pin it by digest (name@sha256:...) or local id")
    python: str = Field("python3", description="the interpreter that runs pip in the image")
    apt: list[str] = []
    pip: Pip = Pip()
    env: EnvMap = {}
    setup: list[str] = Field([], description="extra shell commands, run at build time")
    dockerfile: RelPath | None = Field(None, description="use the paper's own Dockerfile")
    workdir: ContainerPath = "/work/repo"


def _gpu_shape(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | list):
        raise ValueError(f"expected a GPU count like 1 or a list of device ids like [0, 1], "
                         f"got {value!r}")
    return value


class Resources(Strict):
    gpus: Annotated[int | list[int], BeforeValidator(_gpu_shape)] = Field(
        0, description="a GPU count, or exact device ids"
    )
    cpus: float | None = Field(None, gt=0)
    memory: Size | None = None
    shm: Size | None = None
    pids: int = Field(4096, gt=0, description="most processes a container may hold")
    timeout: Duration | None = Field(None, description="limit for the whole run")

    @field_validator("gpus")
    @classmethod
    def _gpus(cls, value: int | list[int]) -> int | list[int]:
        if isinstance(value, int) and value < 0:
            raise ValueError("gpus must be a count >= 0 or a list of device ids")
        if isinstance(value, list) and (len(set(value)) != len(value) or min(value, default=0) < 0):
            raise ValueError("gpu ids must be distinct and >= 0")
        return value

    @property
    def gpu_count(self) -> int:
        return len(self.gpus) if isinstance(self.gpus, list) else self.gpus


class Data(Strict):
    name: Slug
    url: str | None = None
    source: Literal["url", "manual"] | None = None
    instructions: str | None = Field(None, description="how to obtain manual data")
    sha256: str | None = None
    mount: ContainerPath = Field(description="read-only mount point inside the container")

    @field_validator("sha256")
    @classmethod
    def _sha(cls, value: str | None) -> str | None:
        if value is not None and not SHA256.match(value.lower()):
            raise ValueError("sha256 must be 64 hex characters")
        return value.lower() if value else value

    @model_validator(mode="after")
    def _source(self) -> Data:
        kind = self.source or ("url" if self.url else None)
        if kind is None:
            raise ValueError("data needs a url, or source: manual with instructions")
        if kind == "url" and not self.url:
            raise ValueError("source: url needs a url")
        if kind == "manual" and self.url:
            raise ValueError("manual data has no url; remove one of them")
        return self

    @property
    def manual(self) -> bool:
        return (self.source or "url") == "manual" and not self.url


class Step(Strict):
    name: Slug
    run: str = Field(description="shell command; {seed} and REPRO_SEED are provided")
    timeout: Duration | None = None
    network: bool = Field(False, description="steps have no network unless they ask")
    env: EnvMap = Field({}, description="set for this step; the spec is public: no secrets")
    secrets: list[Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]] = Field(
        [], description="host environment variables passed to this step at run time; "
                        "masked in records and scrubbed from logs")


MatchChoice = Literal["last", "first", "mean"] | Annotated[StrictInt, Field(ge=1)]


class RegexMetric(Strict):
    regex: str = Field(description="first capture group (or whole match) is the value; "
                                   "matched line by line")
    step: Slug = Field(description="whose log to search")
    match: MatchChoice = Field(
        "last", description="which match counts: last, first, the N-th (1-based), or the "
                            "mean of all")
    occurrence: Literal["last", "first"] | None = Field(
        None, description="the older name of `match` (last or first)")

    @model_validator(mode="before")
    @classmethod
    def _occurrence_is_match(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("occurrence") is not None:
            if "match" in data and data["match"] != data["occurrence"]:
                raise ValueError("give `match` (or its older name `occurrence`), not both")
            data = {**data, "match": data["occurrence"]}
        return data

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"regex does not compile: {exc}") from None
        return value


class FileMetric(Strict):
    file: RelPath = Field(description="json, yaml or csv file, relative to the workdir")
    key: str = Field(description="dotted key path, e.g. test.accuracy (csv: column[.row])")
    format: Literal["json", "yaml", "csv"] | None = None


def _metric_kind(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        return "regex" if isinstance(value, RegexMetric) else "file"
    if isinstance(value, dict):
        if "regex" in value:
            return "regex"
        if "file" in value:
            return "file"
    return None


# Tagged by which key is present, so a bad metric gets one clear error, not one per branch.
Metric = Annotated[
    Annotated[RegexMetric, Tag("regex")] | Annotated[FileMetric, Tag("file")],
    Discriminator(
        _metric_kind,
        custom_error_type="metric_kind",
        custom_error_message="a metric needs either `regex` and `step`, or `file` and `key`",
    ),
]


class Claim(Strict):
    metric: str
    value: float
    tolerance: float | str = Field(description='absolute (0.01) or relative ("2%")')
    higher_is_better: bool | None = True
    where: str | None = Field(None, description="where the paper states it")
    std: float | None = Field(None, ge=0, description="the paper's own spread")
    n: int | None = Field(None, ge=1, description="the paper's run count")

    @field_validator("tolerance")
    @classmethod
    def _tolerance(cls, value: float | str) -> float | str:
        if isinstance(value, str):
            match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*%\s*", value)
            if not match:
                raise ValueError(f'expected a number or a percentage like "2%", got {value!r}')
            return f"{match.group(1)}%"
        if value < 0:
            raise ValueError("tolerance must be >= 0")
        return value

    @property
    def absolute_tolerance(self) -> float:
        if isinstance(self.tolerance, str):
            return abs(self.value) * float(self.tolerance.rstrip("%")) / 100.0
        return float(self.tolerance)


Perturbation = Literal["threads", "blas", "affinity"]


class Determinism(Strict):
    mode: Literal["standard", "strict"] = "standard"
    probe: bool = Field(False, description="run one seed twice and compare every metric")
    perturb: list[Perturbation] = Field(
        [], description="rerun one seed under changes that should not matter (thread counts, "
                        "BLAS kernels, CPU affinity) and compare with the seed-to-seed spread")

    @field_validator("perturb")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("each perturbation once")
        return value


class Statistics(Strict):
    confidence: float = Field(0.95, gt=0.5, lt=1.0)


class Logs(Strict):
    max: Annotated[Size, Field(ge=4096)] = Field(
        32 << 20, description="most bytes of a step's log kept on disk: its head and tail, "
                              "with a marker saying how many bytes were dropped between")


class VariantEnvironment(Strict):
    """What a variant changes in the environment; it then gets an image of its own."""

    base: str | None = None
    python: str | None = None
    apt: list[str] | None = Field(None, description="replaces the main list")
    pip: Pip | None = Field(None, description="packages pin over the main's of the same name "
                                              "(numpy==1.26.4 replaces numpy==2.0.1)")
    env: EnvMap = {}
    setup: list[str] | None = Field(None, description="replaces the main list")


class VariantResources(Strict):
    gpus: Annotated[int | list[int], BeforeValidator(_gpu_shape)] | None = None
    cpus: float | None = Field(None, gt=0)
    memory: Size | None = None
    shm: Size | None = None


class Variant(Strict):
    env: EnvMap = {}
    steps: dict[str, str] = Field({}, description="step name -> replacement command")
    data: list[Data] = Field([], description="replace the main data with the same mount "
                                             "(or add a mount)")
    environment: VariantEnvironment | None = None
    resources: VariantResources | None = None
    only: list[str] | None = Field(None, min_length=1, description="run only these steps")
    reuse: Literal["main"] | None = Field(
        None, description="start each seed from the main run's outputs of the same seed")

    @model_validator(mode="after")
    def _reuse_needs_only(self) -> Variant:
        if self.reuse is not None and self.only is None:
            raise ValueError("`reuse: main` needs `only`: the steps to run on the main "
                             "outputs (e.g. only: [evaluate])")
        return self


class Spec(Strict):
    """A paper, its code, environment, data, steps, metrics and claims."""

    version: Literal[1] = Field(description="spec format version")
    name: Slug | None = Field(None, description="defaults to the file name")
    paper: Paper
    repo: Repo
    environment: Environment
    resources: Resources = Resources()
    data: list[Data] = []
    seeds: list[int] = Field([0], min_length=1)
    determinism: Literal["standard", "strict"] | Determinism = "standard"
    statistics: Statistics = Statistics()
    steps: list[Step] = Field(min_length=1)
    metrics: dict[str, Metric] = {}
    claims: list[Claim] = []
    variants: dict[str, Variant] = {}
    logs: Logs = Logs()
    artifacts: list[RelPath] = Field([], description="paths (relative to the workdir) to keep")
    audits: AuditsSpec | None = None

    @field_validator("seeds")
    @classmethod
    def _distinct_seeds(cls, value: list[int]) -> list[int]:
        if len(set(value)) != len(value):
            raise ValueError("seeds must be distinct")
        return value

    @property
    def determinism_settings(self) -> Determinism:
        if isinstance(self.determinism, str):
            return Determinism(mode=self.determinism)
        return self.determinism

    def step(self, name: str) -> Step:
        return next(s for s in self.steps if s.name == name)
