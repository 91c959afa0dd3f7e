"""A data-flow over assignments, in statement order, that records fits, splits and leaks.

Every value carries a set of tags: `("fit", n)` when it came out of (or is) fit number n on
data that no split had divided yet, `("part", s, role)` when it is the train or test part of
split number s. A split whose input carries a fit tag is a leak: the fit saw the rows the split
later holds out. Names, dotted chains (`self.X`), tuple unpacking and subscript assignments
(`df["a"] = ...` changes `df`) are followed; calls into other functions or modules are not.
Branches on an environment variable (`if os.environ.get("MODE") == "leaky":`) are decided
with the environment given; every other branch is read as if both sides ran.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from runner.audits import code_rules as rules
from runner.audits.code_env import EnvReader

Tag = tuple[str, int, str]
Tags = frozenset[Tag]
EMPTY: Tags = frozenset()


@dataclass(frozen=True)
class Event:
    """A fit or a split: its number, line in the analysed module and what was called."""

    id: int
    line: int
    what: str
    kind: rules.Kind | None = None


@dataclass(frozen=True)
class Leak:
    fit: Event
    split: Event
    kind: rules.Kind


@dataclass
class Shared:
    """What every scope of one module shares: the events, the leaks, imports, environment."""

    env: EnvReader
    aliases: dict[str, str] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    leaks: list[Leak] = field(default_factory=list)

    def event(self, line: int, what: str, kind: rules.Kind | None = None) -> Event:
        made = Event(len(self.events), line, what, kind)
        self.events.append(made)
        return made


def _union(parts: Iterable[Tags]) -> Tags:
    out: set[Tag] = set()
    for part in parts:
        out |= part
    return frozenset(out)


def dotted(node: ast.AST) -> str | None:
    """`a.b.c` for a chain of names and attributes, else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def _root(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Subscript, ast.Attribute)) and dotted(node) is None:
        node = node.value
    if isinstance(node, ast.Subscript):
        return _root(node.value)
    return dotted(node)


class Scope:
    """One module's top level or one function body: names -> tags, names -> classes."""

    def __init__(self, shared: Shared, state: Mapping[str, Tags] | None = None,
                 classes: Mapping[str, str] | None = None) -> None:
        self.shared = shared
        self.state: dict[str, Tags] = dict(state or {})
        self.classes: dict[str, str] = dict(classes or {})
        self.stats: dict[str, str] = {}  # name -> the expression whose mean/min it holds
        self.splits: dict[int, tuple[Event, str]] = {}  # id(call node) -> split, its shape
        self.deferred: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
        self.body: list[ast.stmt] = []  # a function's statements, run after the module's
        self.loop_targets: set[str] = set()  # names bound by `for`: one item at a time

    # --- expressions -------------------------------------------------------------------
    def tags(self, node: ast.AST | None) -> Tags:
        if node is None or isinstance(node, (ast.expr_context, ast.Lambda)):
            return EMPTY
        chain = dotted(node)
        if chain is not None and chain in self.state:
            return self.state[chain]
        if isinstance(node, ast.Name):
            return EMPTY
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.BinOp):
            return self._binop(node)
        return _union(self.tags(c) for c in ast.iter_child_nodes(node))

    def callee(self, func: ast.expr) -> str | None:
        if isinstance(func, ast.Name):
            return self.shared.aliases.get(func.id, func.id)
        return func.attr if isinstance(func, ast.Attribute) else None

    def class_of(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Call):
            return self.callee(node.func)
        chain = dotted(node)
        return self.classes.get(chain) if chain else None

    def _args(self, node: ast.Call, skip: int = 0) -> Tags:
        return _union([*(self.tags(a) for a in node.args[skip:]),
                       *(self.tags(k.value) for k in node.keywords)])

    # Calls, operators and statements are read in `code_calls` and `code_stmts`
    # (`code_stmts.Reader` fills these in), which keeps the modules free of import cycles.
    def _call(self, node: ast.Call) -> Tags:
        raise NotImplementedError

    def _binop(self, node: ast.BinOp) -> Tags:
        raise NotImplementedError

    def run(self, body: Iterable[ast.stmt]) -> None:
        raise NotImplementedError

    def fit(self, line: int, what: str, kind: rules.Kind, data: Tags) -> Tags:
        """Record a fit on `data`; the tag its output carries (none for a train part)."""
        parts = [t for t in data if t[0] == "part"]
        for tag in parts:
            if tag[2] == "test" and kind == "oversampling":
                split = self.shared.events[tag[1]]
                event = self.shared.event(line, what, "test-set oversampling")
                self.shared.leaks.append(Leak(event, split, "test-set oversampling"))
        if parts:
            return EMPTY  # fitted on a part of a split: the held-out rows are not in it
        return frozenset({("fit", self.shared.event(line, what, kind).id, "")})

    def split(self, line: int, what: str, data: Tags) -> Event:
        event = self.shared.event(line, what)
        for tag in sorted(data):
            if tag[0] == "fit":
                fit = self.shared.events[tag[1]]
                assert fit.kind is not None
                self.shared.leaks.append(Leak(fit, event, fit.kind))
        return event

    # --- statements ----------------------------------------------------------------------
    def bind(self, target: ast.expr, value: Tags, role: Tag | None = None) -> None:
        value = value | {role} if role else value
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.bind(element, value)
        elif isinstance(target, ast.Starred):
            self.bind(target.value, value)
        elif isinstance(target, ast.Subscript):
            root = _root(target)
            if root is not None:  # df["a"] = ... changes df itself
                self.state[root] = self.state.get(root, EMPTY) | value
        else:
            chain = dotted(target)
            if chain is not None:
                self.state[chain] = value
                self.classes.pop(chain, None)
                self.stats.pop(chain, None)
