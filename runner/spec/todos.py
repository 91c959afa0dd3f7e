"""`TODO` values: the unknowns a drafted spec (`repro new`) leaves for a person to fill in.

A scalar `TODO`, one starting with `TODO:`, or a pin ending in `==TODO` marks a value
nobody could guess. Each becomes a problem at its file, line and key saying what to fill
in: the comment on the same line when the writer left one (`repro new` always does), else
a sentence for the key. A spec with TODOs is a draft: `repro validate` lists them and
accepts it; every command that would use the spec refuses it with the same list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from runner.spec.errors import Problem
from runner.spec.yamlsafe import Located

_TODO = re.compile(r"^TODO\b|==TODO$")
_COMMENT = re.compile(r"\s#\s?(?!.*\s#\s)(.*)$")
_BY_KEY = {
    "value": "the number the paper reports for this metric",
    "tolerance": 'how far a rerun may fall from it: absolute (0.01) or relative ("2%")',
    "regex": "a regular expression whose first group captures the metric in the step's log",
    "mount": "where the code reads this dataset inside the container",
    "instructions": "how to obtain this dataset",
    "base": "a base image, pinned by digest (`repro lock` pins it)",
    "run": "the shell command of this step",
}


def is_todo(value: object) -> bool:
    return isinstance(value, str) and bool(_TODO.search(value.strip()))


def _scalars(node: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    if isinstance(node, dict):
        for key, item in node.items():
            yield from _scalars(item, (*path, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _scalars(item, (*path, index))
    else:
        yield path, node


def _explain(path: tuple[str | int, ...], value: str, line_text: str) -> str:
    comment = _COMMENT.search(line_text)
    if comment and comment.group(1).strip():
        return comment.group(1).strip().removeprefix("TODO:").strip()
    if ":" in value:  # `TODO: what to do` says it itself
        return value.split(":", 1)[1].strip()
    if value.endswith("==TODO"):
        return f"the version of {value.removesuffix('==TODO')} the paper used"
    key = next((p for p in reversed(path) if isinstance(p, str)), "")
    return _BY_KEY.get(key, "this value")


def todo_problems(located: Located, text: str, file: str) -> list[Problem]:
    """One problem per TODO value in the spec, explained."""
    lines = text.splitlines()
    found = []
    for path, value in _scalars(located.data, ()):
        if not is_todo(value):
            continue
        line = located.line_of(path)
        line_text = lines[line - 1] if line and line <= len(lines) else ""
        found.append(Problem(file, line, path, f"TODO: fill in {_explain(path, value, line_text)}",
                             todo=True))
    return found


def under_todo(path: tuple[str | int, ...], todos: list[Problem]) -> bool:
    """A problem at (or inside) a TODO's key is the TODO itself, already explained."""
    return any(path[: len(t.path)] == t.path for t in todos)
