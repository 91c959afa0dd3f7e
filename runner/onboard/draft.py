"""From what the scanners found to the draft spec's content: steps chosen, metrics named.

Pure decisions, no disk: `spec_writer` turns a `Draft` into commented YAML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from runner.onboard.facts import Candidate, Fact
from runner.onboard.pyscan import METRIC_WORDS, PrintedMetric
from runner.onboard.scanners import EnvGuess

LOWER_IS_BETTER = re.compile(r"loss|error|rmse|mae|mse|perplexity", re.I)


@dataclass(frozen=True)
class StepDraft:
    name: str
    command: str
    evidence: str


@dataclass(frozen=True)
class MetricDraft:
    name: str
    regex: str
    step: str
    evidence: str
    lower_is_better: bool


@dataclass
class Draft:
    name: str
    title: str
    url: str
    commit: str
    asked_ref: str
    env: EnvGuess
    python: Fact | None
    steps: list[StepDraft] = field(default_factory=list)
    other_steps: list[Candidate] = field(default_factory=list)
    metrics: list[MetricDraft] = field(default_factory=list)
    data_link: str | None = None
    data_mount: Fact | None = None
    cuda: str | None = None
    keras_theano: bool = False


def choose_steps(candidates: list[Candidate], printed: list[PrintedMetric],
                 ) -> tuple[list[Candidate], list[Candidate]]:
    """README commands when it has any; else the first train and evaluate scripts; plus
    any script that prints a metric, so every metric has a step to be read from."""
    from_readme = [c for c in candidates if "shell block" in c.evidence]
    if from_readme:
        chosen = from_readme
    else:
        chosen = [c for role in ("train", "evaluate")
                  for c in [next((c for c in candidates if c.role == role), None)] if c]
        chosen = chosen or candidates[:1]
    printing = {m.file for m in printed}
    chosen += [c for c in candidates if c.script in printing and c not in chosen]
    return chosen, [c for c in candidates if c not in chosen]


def step_drafts(chosen: list[Candidate]) -> list[StepDraft]:
    names: set[str] = set()
    out = []
    for c in chosen:
        base = c.role or _slug(c.script.rsplit("/", 1)[-1].removesuffix(".py") if c.script
                               else c.command.split()[0])
        name = _unique(base, names)
        out.append(StepDraft(name, c.command, c.evidence))
    return out


def metric_drafts(printed: list[PrintedMetric], chosen: list[Candidate],
                  steps: list[StepDraft], limit: int = 12) -> list[MetricDraft]:
    by_script = {c.script: s.name for c, s in zip(chosen, steps, strict=True) if c.script}
    order = {c.script: i for i, c in enumerate(chosen) if c.script}
    # In the steps' order (train, then evaluate...): the first names are the plain ones.
    ranked = sorted(printed, key=lambda m: (order.get(m.file, len(order)), m.file, m.line))
    names: set[str] = set()
    out = []
    for m in ranked[:limit]:
        step = by_script.get(m.file) or steps[-1].name
        where = "" if m.file in by_script else " (guess: read from the last step's log)"
        out.append(MetricDraft(_unique(metric_name(m.label), names), m.regex, step,
                               f"{m.file}:{m.line} prints it{where}",
                               bool(LOWER_IS_BETTER.search(m.label))))
    return out


def metric_name(label: str) -> str:
    """`merged AUC on testing data set` -> merged_auc: the keyword and the word before it."""
    words = re.findall(r"[A-Za-z0-9]+", label)
    index = next((i for i, w in enumerate(words) if METRIC_WORDS.fullmatch(w)), len(words) - 1)
    return _slug("_".join(words[max(0, index - 1): index + 1]).lower()) or "metric"


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9._-]+", "_", text.lower()).strip("._-")
    return slug[:60] or "step"


def _unique(base: str, taken: set[str]) -> str:
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name
