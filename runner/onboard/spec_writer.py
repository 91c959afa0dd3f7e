"""A `Draft` as a commented spec: every guess says `# guess:` and why, every unknown is a
`TODO` value whose comment says what to fill in (`repro validate` repeats it, line by line).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from runner.onboard.draft import Draft

# The spec's `audits:` section as `repro new` writes it. Kept here as one constant so the
# on-by-default audits of the project (issue 14's `code` audit) are switched on in one place.
AUDITS: dict[str, dict[str, object]] = {"code": {}}

_AUDIT_NOTES = {"code": "reads the code for preprocessing fitted before the train/test split"}
_PLAIN = re.compile(r"[A-Za-z0-9_./@+=~<>!:-]+(?: [A-Za-z0-9_./@+=~<>!:-]+)*")
_RESERVED = re.compile(r"(?i)^(true|false|null|yes|no|on|off|~|[-+]?[0-9.]+(e[-+]?\d+)?)$")


def q(value: str) -> str:
    """A YAML scalar: plain when that reads back as the same string, else single-quoted."""
    plain = _PLAIN.fullmatch(value) and not re.search(r":( |$)", value)
    if plain and not _RESERVED.match(value) and value[0] not in "-!>:":
        return value
    return "'" + value.replace("'", "''") + "'"


def _line(indent: int, text: str, comment: str | None = None) -> str:
    pad = "  " * indent
    return f"{pad}{text}  # {comment}" if comment else f"{pad}{text}"


def render(draft: Draft) -> str:
    today = datetime.now(UTC).date().isoformat()
    lines = [
        f"# Drafted by `repro new` from {draft.url} ({draft.asked_ref}) on {today}.",
        "# `# guess:` marks what repro guessed from the repository: check each one.",
        "# `TODO` marks what it could not know: `repro validate` lists every TODO with what to",
        "# fill in, and `repro run` refuses the spec until none is left. Keys: docs/spec.md.",
        "version: 1",
        f"name: {q(draft.name)}",
        "paper:",
        _line(1, f"title: {q(draft.title)}", "guess: the README's first heading"),
        "repo:",
        _line(1, f"url: {q(draft.url)}"),
        _line(1, f"commit: {draft.commit}", f"{draft.asked_ref}, pinned on {today}"),
    ]
    lines += _environment(draft) + _resources(draft) + _data(draft)
    lines.append(_line(0, "seeds: [0]", "more seeds give the verdict its interval; the steps "
                                        "get {seed} and REPRO_SEED"))
    lines += _steps(draft) + _metrics(draft) + _claims(draft)
    if AUDITS:
        import json

        lines.append("audits:")
        lines += [_line(1, f"{name}: {json.dumps(value)}", _AUDIT_NOTES.get(name))
                  for name, value in AUDITS.items()]
    return "\n".join(lines) + "\n"


def _environment(draft: Draft) -> list[str]:
    env, version = draft.env, draft.python.value if draft.python else None
    why = (f"guess: Python {version}: {draft.python.evidence}" if draft.python
           else "guess: no Python version found in the repository")
    lines = ["environment:", _line(1, f"# {why}")]
    if env.kind == "dockerfile":
        lines += [_line(1, f"base: {q(env.base_from or 'TODO')}",
                        "the Dockerfile's FROM; the paper's Dockerfile is built and used "
                        "as the base"),
                  _line(1, f"dockerfile: {q(env.dockerfile or 'Dockerfile')}")]
        return lines
    base = f"python:{version or '3.11'}-slim"
    lines += [_line(1, f"base: {q(base)}", "guess: pin it by digest with `repro lock`; with no "
                                           "registry, `repro images bootstrap`"),
              _line(1, f"python: {'python' if version and version.startswith('2') else 'python3'}")]
    lines += _pip(draft)
    if draft.keras_theano:
        lines.append(_line(1, "env: {KERAS_BACKEND: theano}",
                           "guess: the code imports both Keras and Theano"))
    return lines


def _pip(draft: Draft) -> list[str]:
    env = draft.env
    if env.requirements:
        return ["  pip:", _line(2, f"requirements: {q(env.requirements)}",
                                "`repro lock` pins exact versions with hashes")]
    if not env.packages:
        return [_line(1, "# no requirements file, setup.py, Pipfile, environment.yml or "
                         "third-party import was found")]
    source = {"imports": "from the Python files' imports (the repository lists no "
                         "requirements): PyPI names from a table of common ones"}.get(
        env.kind, f"from {env.source}")
    lines = ["  pip:", _line(2, f"# {source}"), "    packages:"]
    lines += [_line(3, f"- {q(p.text)}", p.comment) for p in env.packages]
    return lines


def _resources(draft: Draft) -> list[str]:
    lines = ["resources:", _line(1, "timeout: 24h", "guess: a limit for the whole run")]
    if draft.cuda:
        lines.append(_line(1, "gpus: 1", f"guess: {draft.cuda}"))
    return lines


def _data(draft: Draft) -> list[str]:
    if draft.data_link is None and draft.data_mount is None:
        return []
    how = (f"download the files from {draft.data_link} into $REPRO_DATA/data"
           if draft.data_link else "TODO: where to get the dataset")
    lines = ["data:", "  - name: data", "    source: manual",
             _line(2, f"instructions: {q(how)}",
                   "guess: the README's link" if draft.data_link else None)]
    if draft.data_mount:
        lines.append(_line(2, f"mount: {q(draft.data_mount.value)}",
                           f"guess: {draft.data_mount.evidence}"))
    else:
        lines.append(_line(2, "mount: TODO", "TODO: where the code reads the dataset "
                                             "(an absolute path in the container)"))
    return lines


def _steps(draft: Draft) -> list[str]:
    lines = ["steps:"]
    if not draft.steps:
        return lines + ["  - name: main",
                        _line(2, "run: TODO", "TODO: the command that runs the paper's "
                                              "experiment (no script or README command found)")]
    for step in draft.steps:
        lines += [f"  - name: {step.name}", _line(2, f"run: {q(step.command)}",
                                                  f"guess: {step.evidence}")]
    if draft.other_steps:
        lines.append("# other candidate steps (not used):")
        lines += [f"#   {c.command}    ({c.evidence})" for c in draft.other_steps[:12]]
    return lines


def _metrics(draft: Draft) -> list[str]:
    lines = ["metrics:"]
    if not draft.metrics:
        last = draft.steps[-1].name if draft.steps else "main"
        return lines + ["  result:", _line(2, "regex: TODO", "TODO: a regex whose first group "
                                                             "captures the paper's number in "
                                                             "the step's log (no printed metric "
                                                             "found)"),
                        _line(2, f"step: {last}")]
    for m in draft.metrics:
        lines += [f"  {m.name}:", _line(2, f"regex: {q(m.regex)}", f"guess: {m.evidence}"),
                  _line(2, f"step: {m.step}")]
    return lines


def _claims(draft: Draft) -> list[str]:
    lines = ["claims:"]
    names = [m.name for m in draft.metrics] or ["result"]
    # A claim per metric up to three: papers claim few numbers, and each claim is three TODOs.
    for m_name in names[:3]:
        lower = any(m.name == m_name and m.lower_is_better for m in draft.metrics)
        lines += [f"  - metric: {m_name}",
                  _line(2, "value: TODO", f"TODO: the {m_name} the paper reports "
                                          "(abstract, a table, a figure)"),
                  _line(2, "tolerance: TODO", "TODO: how far a rerun may fall from it: "
                                              'absolute (0.01) or relative ("2%")')]
        if lower:
            lines.append(_line(2, "higher_is_better: false", "guess: a loss or an error"))
        lines.append(_line(2, "where: TODO", "TODO: where the paper states it"))
    if names[3:]:
        lines.append(f"# metrics with no claim yet: {', '.join(names[3:])}")
    return lines
