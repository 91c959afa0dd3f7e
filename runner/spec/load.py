"""Read a spec: YAML with lines, pydantic validation, cross-references; all problems at once."""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from runner.spec.errors import Problem, SpecError
from runner.spec.models import Spec
from runner.spec.refs import check_references
from runner.spec.todos import todo_problems, under_todo
from runner.spec.yamlsafe import MAX_BYTES, Located, YamlReadError, read_yaml

# Problems given a hint, per spec: a few times the number shown (spec/errors.py MAX_SHOWN).
MAX_HINTED = 200


def load_spec(path: Path | str, *, allow_mutable_ref: bool = False) -> Spec:
    """Validate the spec at `path`; raise SpecError listing every problem found."""
    path = Path(path)
    try:
        text = _read(path)
    except FileNotFoundError:
        raise SpecError([Problem(str(path), None, (), "no such file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError([Problem(str(path), None, (), f"cannot read: {exc}")]) from None
    return load_spec_text(text, str(path), allow_mutable_ref=allow_mutable_ref)


def _read(path: Path) -> str:
    """The file's text, reading no more than a spec may hold (read_yaml refuses the rest).

    A device or a pipe named by mistake (`/dev/zero`, a fifo) would be read forever.
    """
    if path.exists() and not path.is_file() and not path.is_dir():
        raise OSError("not a regular file (a device, pipe or socket)")
    with path.open("rb") as fh:
        raw = fh.read(MAX_BYTES + 1)
    # Cut short, the last character may be cut in half: the size is the problem to report.
    return raw.decode("utf-8", "replace" if len(raw) > MAX_BYTES else "strict")


def load_spec_text(text: str, file: str, *, allow_mutable_ref: bool = False) -> Spec:
    try:
        located = read_yaml(text)
    except YamlReadError as exc:
        raise SpecError(
            Problem(file, i.line, i.path, i.message, i.hint) for i in exc.issues
        ) from None
    if not isinstance(located.data, dict):
        kind = type(located.data).__name__
        raise SpecError([Problem(file, 1, (), f"a spec must be a mapping of keys, got a {kind}",
                                 "start with `version: 1` and see docs/spec.md")])
    data = dict(located.data)
    data.setdefault("name", _default_name(file))
    todos = todo_problems(located, text, file)
    references = [
        Problem(file, located.line_of(path), path, message, hint)
        for path, message, hint in check_references(data) if not under_todo(path, todos)
    ]
    try:
        spec = Spec.model_validate(data, context={"allow_mutable_ref": allow_mutable_ref})
    except ValidationError as exc:
        schema = [p for p in _problems(exc, located, file) if not under_todo(p.path, todos)]
        raise SpecError(_merge(schema, references) + todos) from None
    if references or todos:
        raise SpecError(references + todos)
    return spec


def _merge(schema: list[Problem], references: list[Problem]) -> list[Problem]:
    """Both kinds of problem, once per key path (a schema error there says enough)."""
    seen = {p.path for p in schema}
    return schema + [p for p in references if p.path not in seen]


def _default_name(file: str) -> str:
    stem = Path(file).name.removesuffix(".yaml").removesuffix(".yml")
    slug = re.sub(r"[^a-z0-9._-]+", "-", stem.lower()).strip("-._")
    return slug or "spec"


def _problems(exc: ValidationError, located: Located, file: str) -> list[Problem]:
    grouped: dict[tuple[str | int, ...], list[dict[str, Any]]] = {}
    for error in exc.errors():
        path = _data_path(error, located.data)
        grouped.setdefault(path, []).append(dict(error))
    problems: list[Problem] = []
    for path, errors in grouped.items():
        if _superseded(path, errors, grouped):
            continue
        # A union reports one error per branch; a validator's own message is the useful one.
        chosen = [e for e in errors if e["type"] in ("value_error", "metric_kind")] or errors
        message = " or ".join(dict.fromkeys(_message(e) for e in chosen))
        # Hints search the model's keys (difflib): only for the problems a user will see.
        hint = _hint(chosen[0], path, located.data) if len(problems) < MAX_HINTED else None
        problems.append(Problem(file, located.line_of(path), path, message, hint))
    return problems


def _superseded(path: tuple[str | int, ...], errors: list[dict[str, Any]],
                grouped: dict[tuple[str | int, ...], list[dict[str, Any]]]) -> bool:
    """A union branch's "wrong type" error at a key whose other branch failed deeper inside.

    `gpus: [0, a]` fails as an int (at gpus) and at gpus[1] as a list: only the second
    says what is wrong.
    """
    if not all(e["type"].endswith("_type") or e["type"] == "literal_error" for e in errors):
        return False
    return any(len(other) > len(path) and other[: len(path)] == path for other in grouped)


def _data_path(error: Any, data: Any) -> tuple[str | int, ...]:
    """Keep the parts of pydantic's `loc` that index the user's data (drop union tags)."""
    loc, out, node = error["loc"], [], data
    for i, part in enumerate(loc):
        if _is_tag(loc, i, node, error["type"]):
            continue
        in_dict = isinstance(node, dict) and part in node
        if in_dict or isinstance(node, list) and isinstance(part, int) and part < len(node):
            out.append(part)
            node = node[part]
        elif i == len(loc) - 1 and error["type"] == "missing":
            out.append(part)
    return tuple(out)


def _is_tag(loc: Sequence[Any], i: int, node: Any, kind: str) -> bool:
    """A tagged union's tag that is also a key of the data (a metric's `regex` or `file`).

    The tag's value is a scalar, so a following part cannot index it: that part names a
    sibling key of the same mapping, or a missing one.
    """
    if i + 1 >= len(loc) or not isinstance(node, dict) or loc[i] not in node:
        return False
    if isinstance(node[loc[i]], dict | list):
        return False
    after = loc[i + 1]
    return after in node or (i + 2 == len(loc) and kind == "missing")


def _message(error: dict[str, Any]) -> str:
    kind, msg = error["type"], str(error["msg"])
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        return "unknown key"
    msg = msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if "input" in error and kind not in ("value_error",) and not isinstance(
        error["input"], dict | list
    ):
        msg += f" (got {error['input']!r})"
    return msg


def _hint(error: dict[str, Any], path: Sequence[str | int], data: Any) -> str | None:
    if error["type"] == "missing":
        return f"add `{path[-1]}:` here (see docs/spec.md)" if path else None
    if error["type"] != "extra_forbidden" or not path:
        return None
    allowed = _allowed_keys(path[:-1], data)
    close = difflib.get_close_matches(str(path[-1]), allowed, n=1, cutoff=0.6)
    if close:
        return f"did you mean `{close[0]}`?"
    return f"valid keys here: {', '.join(sorted(allowed))}" if allowed else None


def _allowed_keys(path: Sequence[str | int], data: Any) -> list[str]:
    """The field names of the model that sits at `path` in the spec, following the data."""
    model: Any = Spec
    node: Any = data
    for part in path:
        node = _child(node, part)
        if isinstance(part, int) or _is_model(model) is False:
            model = _element(model, node)
            continue
        field = model.model_fields.get(part)
        model = _resolve(field.annotation if field else None, node)
    model = _resolve(model, node)
    return list(model.model_fields) if _is_model(model) else []


def _child(node: Any, part: str | int) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


def _is_model(obj: Any) -> bool:
    return isinstance(obj, type) and issubclass(obj, BaseModel)


def _element(container: Any, node: Any) -> Any:
    args = typing.get_args(container)
    return _resolve(args[-1], node) if args else None


def _resolve(annotation: Any, node: Any) -> Any:
    """Unwrap Annotated/Optional/list/dict and pick the union member that fits the data."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        members = [_resolve(a, node) for a in typing.get_args(annotation)]
        models = [m for m in members if _is_model(m)]
        keys = set(node) if isinstance(node, dict) else set()
        return max(models, key=lambda m: len(keys & set(m.model_fields)), default=None)
    if origin in (list, dict):
        return annotation
    return annotation
