"""A YAML reader that keeps line numbers and refuses what a spec never needs.

PyYAML's safe loader returns plain values and forgets where they came from; errors must
name the line, so we compose the node tree ourselves and record a mark for every key path.
Aliases are refused outright: they are how "billion laughs" and recursive documents are
built, and a spec has no use for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

Path_ = tuple[str | int, ...]

MAX_BYTES = 1_000_000
MAX_NODES = 50_000
MAX_DEPTH = 64


@dataclass(frozen=True)
class YamlIssue:
    """A problem found while reading, before any schema check."""

    message: str
    line: int | None = None
    path: Path_ = ()
    hint: str | None = None


class YamlReadError(Exception):
    def __init__(self, issues: list[YamlIssue]) -> None:
        super().__init__("; ".join(i.message for i in issues))
        self.issues = issues


@dataclass
class Located:
    """Plain data plus the 1-based line of every key path in it."""

    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Path_) -> int | None:
        # An error deep inside a missing or malformed value is best shown at its nearest
        # ancestor that exists in the file.
        for cut in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:cut]))
            if line is not None:
                return line
        return None


class _NoAliasLoader(yaml.SafeLoader):
    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise YamlReadError(
                [
                    YamlIssue(
                        "YAML aliases (*name) are not allowed in a spec",
                        line=event.start_mark.line + 1,
                        hint="write the value out in full; anchors make specs hard to review",
                    )
                ]
            )
        return super().compose_node(parent, index)


# YAML 1.2 booleans only: `yes`, `no`, `on` and `off` stay strings. Under YAML 1.1 rules
# `MODE: off` in an env mapping would silently become "false".
_BOOL_TAG = "tag:yaml.org,2002:bool"
_NoAliasLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_NoAliasLoader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


class _Walker:
    def __init__(self, loader: _NoAliasLoader) -> None:
        self.loader = loader
        self.lines: dict[Path_, int] = {}
        self.count = 0

    def walk(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES or depth > MAX_DEPTH:
            raise YamlReadError(
                [YamlIssue(f"document too large or too deeply nested (limits: {MAX_NODES} "
                           f"values, depth {MAX_DEPTH})", line=node.start_mark.line + 1)]
            )
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.walk(n, (*path, i), depth + 1) for i, n in enumerate(node.value)]
        return _text_checked(self.loader.construct_object(node, deep=True), node, path)

    def _mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> dict[Any, Any]:
        self.loader.flatten_mapping(node)  # resolves `<<` merge keys into plain pairs
        out: dict[Any, Any] = {}
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = _text_checked(self.loader.construct_object(key_node, deep=True), key_node, path)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str | int | float | bool) or key is None:
                raise YamlReadError([YamlIssue("mapping keys must be plain scalars", line, path)])
            # Keys are names: `ON:` or `NO:` (YAML 1.1 booleans) and `1e3:` keep their text.
            key = key if isinstance(key, str) else str(key_node.value)
            if key in seen:
                raise YamlReadError(
                    [YamlIssue(f"duplicate key '{key}' (first defined on line {seen[key]})",
                               line, (*path, key), hint="remove one of the two entries")]
                )
            seen[key] = line
            self.lines[(*path, key)] = line
            out[key] = self.walk(value_node, (*path, key), depth + 1)
        return out


def _text_checked(value: Any, node: yaml.Node, path: Path_) -> Any:
    """Refuse a string holding a UTF-16 surrogate, which YAML builds from a `"\\ud800"`
    escape (PyYAML does not join the two halves of a pair, `"\\ud83d\\ude00"`, either).

    Python keeps it in a str, and it fails much later, wherever the value is encoded (a
    path resolved by `repro plan`, the record written by a run): refuse it at its line.
    """
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            code = ord(value[exc.start])
            raise YamlReadError([YamlIssue(
                f"not valid text: the escape \\u{code:04x} is a UTF-16 surrogate",
                node.start_mark.line + 1, path,
                hint="write the character itself, or a \\U escape of its code point")]) from None
    return value


def read_yaml(text: str) -> Located:
    """Parse one YAML document into plain data with line numbers; raise YamlReadError."""
    if len(text.encode("utf-8", "replace")) > MAX_BYTES:
        raise YamlReadError([YamlIssue(f"file is larger than {MAX_BYTES} bytes; a spec is small")])
    try:
        loader = _NoAliasLoader(text)
    except yaml.reader.ReaderError as exc:  # the reader refuses control characters up front
        line = text.count("\n", 0, exc.position) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise YamlReadError([YamlIssue(f"not valid YAML: character #x{code:04x} is not allowed",
                                       line)]) from None
    try:
        root = loader.get_single_node()
        if root is None:
            raise YamlReadError([YamlIssue("the file is empty", hint="start from docs/spec.md")])
        walker = _Walker(loader)
        data = walker.walk(root, (), 0)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = mark.line + 1 if mark is not None else None
        problem = exc.problem or str(exc)
        raise YamlReadError([YamlIssue(f"not valid YAML: {problem}", where)]) from None
    except yaml.YAMLError as exc:
        raise YamlReadError([YamlIssue(f"not valid YAML: {exc}")]) from None
    except RecursionError:
        raise YamlReadError([YamlIssue("document nested too deeply")]) from None
    finally:
        loader.dispose()
    return Located(data, walker.lines)
