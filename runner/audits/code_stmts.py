"""Statements for the code audit's data-flow: assignments (with the roles of a split's
outputs), loops over folds, environment-decided branches, imports and deferred functions."""

from __future__ import annotations

import ast
from collections.abc import Iterable

from runner.audits import code_rules as rules
from runner.audits.code_calls import call_tags, remember_stat, scaling_tags
from runner.audits.code_flow import EMPTY, Event, Scope, Tag, Tags


class Reader(Scope):
    """A scope that reads calls, operators and statements with the rules of this package."""

    def _call(self, node: ast.Call) -> Tags:
        return call_tags(self, node)

    def _binop(self, node: ast.BinOp) -> Tags:
        return scaling_tags(self, node)

    def run(self, body: Iterable[ast.stmt]) -> None:
        for stmt in body:
            run_statement(self, stmt)


def run_statement(scope: Scope, stmt: ast.stmt) -> None:
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        for alias in stmt.names:
            if alias.asname:
                scope.shared.aliases[alias.asname] = alias.name.rsplit(".", 1)[-1]
    elif isinstance(stmt, ast.Assign):
        for target in stmt.targets:
            assign(scope, target, stmt.value)
    elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        assign(scope, stmt.target, stmt.value)
    elif isinstance(stmt, ast.AugAssign):
        scope.bind(stmt.target, scope.tags(stmt.target) | scope.tags(stmt.value))
    elif isinstance(stmt, (ast.For, ast.AsyncFor)):
        _loop(scope, stmt)
    elif isinstance(stmt, ast.If):
        _branch(scope, stmt)
    elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
        scope.deferred.append(stmt)
    elif isinstance(stmt, ast.ClassDef):
        scope.deferred += [s for s in stmt.body
                           if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))]
    else:
        _generic(scope, stmt)


def _generic(scope: Scope, node: ast.AST) -> None:
    """Any other statement: its expressions in order, then the statements it holds."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.stmt):
            run_statement(scope, child)
        elif isinstance(child, ast.expr):
            scope.tags(child)
        elif isinstance(child, ast.withitem):
            value = scope.tags(child.context_expr)
            if child.optional_vars is not None:
                scope.bind(child.optional_vars, value)
        elif isinstance(child, (ast.excepthandler, ast.match_case)):
            _generic(scope, child)


def _branch(scope: Scope, stmt: ast.If) -> None:
    taken = scope.shared.env.decide(stmt.test)
    if taken is None:
        scope.tags(stmt.test)
        scope.run(stmt.body)
        scope.run(stmt.orelse)
    else:
        scope.run(stmt.body if taken else stmt.orelse)


def assign(scope: Scope, target: ast.expr, value: ast.expr) -> None:
    scope.shared.env.remember(target, value)
    if (isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List))
            and len(target.elts) == len(value.elts)):
        for sub_target, sub_value in zip(target.elts, value.elts, strict=True):
            assign(scope, sub_target, sub_value)
        return
    tags = scope.tags(value)
    split = scope.splits.get(id(value))
    if split is None and isinstance(target, ast.Tuple) and isinstance(value, ast.Call):
        split = _own_split(scope, target, value, tags)
    if split is not None and isinstance(target, (ast.Tuple, ast.List)):
        _bind_parts(scope, target, tags, split[0].id, split[1])
        return
    scope.bind(target, tags)
    if isinstance(value, ast.Call) and isinstance(target, (ast.Name, ast.Attribute)):
        cls = scope.callee(value.func)
        if cls is not None and cls[:1].isupper():
            scope.classes[ast.unparse(target)] = cls
    remember_stat(scope, target, value)


def _own_split(scope: Scope, target: ast.Tuple, value: ast.Call,
               tags: Tags) -> tuple[Event, str] | None:
    """`train_rows, test_rows = split_rows(data)`: a paper's own split, read by its names."""
    names = [e.id for e in target.elts if isinstance(e, ast.Name)]
    if not rules.is_own_split(scope.callee(value.func)) or not any(
            rules.role_of_name(n) for n in names) or not tags:
        return None
    event = scope.split(value.lineno, str(scope.callee(value.func)), tags)
    scope.splits[id(value)] = (event, "named")
    return scope.splits[id(value)]


def _bind_parts(scope: Scope, target: ast.Tuple | ast.List, tags: Tags, split: int,
                shape: str) -> None:
    for index, element in enumerate(target.elts):
        if shape == "named":
            name = element.id if isinstance(element, ast.Name) else ""
            role = rules.role_of_name(name)
        else:  # train_test_split: train, test, train, test...; a fold: (train, test)
            role = "train" if index % 2 == 0 else "test"
        part: Tag | None = ("part", split, role) if role else None
        scope.bind(element, tags, part)


def _loop(scope: Scope, stmt: ast.For | ast.AsyncFor) -> None:
    source = stmt.iter
    target = stmt.target
    # for i, (train, test) in enumerate(cv.split(X)): the folds are the inner pair
    if (isinstance(source, ast.Call) and isinstance(source.func, ast.Name)
            and source.func.id == "enumerate" and source.args
            and isinstance(target, ast.Tuple) and len(target.elts) == 2):
        scope.bind(target.elts[0], EMPTY)
        source, target = source.args[0], target.elts[1]
    scope.loop_targets |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    tags = scope.tags(source)
    split = scope.splits.get(id(source))
    if split is not None and isinstance(target, (ast.Tuple, ast.List)):
        _bind_parts(scope, target, tags, split[0].id, "pairs")
    else:
        scope.bind(target, tags)
    scope.run(stmt.body)
    scope.run(stmt.orelse)
