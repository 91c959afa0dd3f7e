"""Decide `if` tests on environment variables, so that a switch such as
`if os.environ.get("PREPROCESS") == "leaky":` is read the way the run will take it.

Only reads of the form `os.environ.get("X", default)`, `os.getenv("X", default)`,
`os.environ["X"]` (and a name assigned from one of them) compared with `==`, `!=`, `in` or
`not in` to string constants, or tested for truth, are decided; anything else is undecided
and both branches are analysed. A variable that is not in the given environment takes the
default of its read (`os.environ["X"]` with X unset is undecided: the code would crash).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

_UNKNOWN = object()


class EnvReader:
    def __init__(self, env: Mapping[str, str] | None) -> None:
        self.env = dict(env or {})
        self.names: dict[str, object] = {}  # variable name -> the value it was read as

    def read(self, node: ast.AST) -> object:
        """The value an expression reads from the environment, or _UNKNOWN."""
        if isinstance(node, ast.Name):
            return self.names.get(node.id, _UNKNOWN)
        if isinstance(node, ast.Subscript) and _is_environ(node.value):
            key = _const(node.slice)
            return self.env.get(key, _UNKNOWN) if isinstance(key, str) else _UNKNOWN
        if not isinstance(node, ast.Call) or not _is_getter(node.func) or not node.args:
            return _UNKNOWN
        key = _const(node.args[0])
        default = _const(node.args[1]) if len(node.args) > 1 else None
        if not isinstance(key, str) or default is _UNKNOWN:
            return _UNKNOWN
        return self.env.get(key, default)

    def remember(self, target: ast.expr, value: ast.expr) -> None:
        if isinstance(target, ast.Name):
            self.names[target.id] = self.read(value)

    def decide(self, test: ast.expr) -> bool | None:
        """True/False when the test depends only on the environment, else None."""
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            inner = self.decide(test.operand)
            return None if inner is None else not inner
        if isinstance(test, ast.Compare) and len(test.ops) == 1:
            return self._compare(test)
        value = self.read(test)
        return None if value is _UNKNOWN else bool(value)

    def _compare(self, test: ast.Compare) -> bool | None:
        left, op, right = test.left, test.ops[0], test.comparators[0]
        value, other = self.read(left), _const(right)
        if value is _UNKNOWN or other is _UNKNOWN:
            return None
        if isinstance(op, ast.Eq):
            return bool(value == other)
        if isinstance(op, ast.NotEq):
            return bool(value != other)
        if isinstance(op, (ast.In, ast.NotIn)) and isinstance(other, tuple):
            return (value in other) == isinstance(op, ast.In)
        return None


def _const(node: ast.AST) -> object:
    if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, str)):
        return node.value
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        items = tuple(_const(e) for e in node.elts)
        return _UNKNOWN if _UNKNOWN in items else items
    return _UNKNOWN


def _is_environ(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ")


def _is_getter(func: ast.AST) -> bool:
    if not isinstance(func, ast.Attribute):
        return isinstance(func, ast.Name) and func.id == "getenv"
    return (func.attr == "get" and _is_environ(func.value)) or func.attr == "getenv"
