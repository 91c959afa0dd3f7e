"""The calls and expressions the code audit gives meaning to: fits, splits, pandas-level
scaling and imputation. Everything else passes its arguments' tags through unchanged."""

from __future__ import annotations

import ast

from runner.audits import code_rules as rules
from runner.audits.code_flow import EMPTY, Leak, Scope, Tags, dotted


def call_tags(scope: Scope, node: ast.Call) -> Tags:
    func = node.func
    if isinstance(func, ast.Attribute):
        return _method(scope, node, func)
    name = scope.callee(func)
    args = scope._args(node)
    if name == "train_test_split":
        scope.splits[id(node)] = (scope.split(node.lineno, name, args), "pairs")
    elif name in rules.CV_FUNCTIONS:
        scope.split(node.lineno, name, scope._args(node, skip=1))
    return args


def _method(scope: Scope, node: ast.Call, func: ast.Attribute) -> Tags:
    receiver, method = func.value, func.attr
    cls = scope.class_of(receiver)
    base = scope.tags(receiver) | scope._args(node)
    if method == "train_test_split":  # model_selection.train_test_split(...)
        scope.splits[id(node)] = (scope.split(node.lineno, method, scope._args(node)), "pairs")
        return scope._args(node)
    if method == "split" and cls in rules.SPLITTERS:
        scope.splits[id(node)] = (scope.split(node.lineno, f"{cls}.split", scope._args(node)),
                                  "folds")
        return base
    if method == "fit" and cls in rules.SEARCHES:
        scope.split(node.lineno, f"{cls}.fit", scope._args(node))
        return base
    kind = rules.kind_of(cls, method) if method in rules.FIT_METHODS else None
    if kind is not None:
        data = _fit_data(scope, node)
        made = scope.fit(node.lineno, f"{cls}.{method}", kind, data)
        _mark(scope, receiver, made, refit=True)
        return base | made
    if method == "transform":
        _applied_to_parts(scope, scope.tags(receiver), scope._args(node))
    if method == "fillna" and _fills_with_stat(node) and whole_data(scope, receiver):
        made = scope.fit(node.lineno, "fillna with a statistic", "imputation",
                         scope.tags(receiver))
        if any(k.arg == "inplace" for k in node.keywords):
            _mark(scope, receiver, made)
        return base | made
    return base


def _applied_to_parts(scope: Scope, fitted: Tags, data: Tags) -> None:
    """`scaler.fit(X)`, then a split of X, then `scaler.transform(X_train)`: the fit saw the
    rows the later split holds out."""
    for fit_tag in fitted:
        for part in data:
            if fit_tag[0] == "fit" and part[0] == "part" and part[1] > fit_tag[1]:
                fit, split = scope.shared.events[fit_tag[1]], scope.shared.events[part[1]]
                if fit.kind is not None:
                    scope.shared.leaks.append(Leak(fit, split, fit.kind))


def _fit_data(scope: Scope, node: ast.Call) -> Tags:
    """The tags of what is fitted on: X (first argument or X=), and y."""
    data = [a for a in node.args[:2]] + [k.value for k in node.keywords if k.arg in ("X", "y")]
    out: Tags = EMPTY
    for arg in data:
        out |= scope.tags(arg)
    return out


def _mark(scope: Scope, receiver: ast.expr, tags: Tags, refit: bool = False) -> None:
    # A fitted object carries its fit: whatever it later transforms inherits it. A new fit
    # replaces the old one (refitted on the training part, it is clean again).
    chain = dotted(receiver)
    if chain is not None and (tags or refit):
        scope.state[chain] = tags if refit else scope.state.get(chain, EMPTY) | tags


def _fills_with_stat(node: ast.Call) -> bool:
    values = list(node.args[:1]) + [k.value for k in node.keywords if k.arg == "value"]
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
               and n.func.attr in rules.FILL_STATS for v in values for n in ast.walk(v))


def scaling_tags(scope: Scope, node: ast.BinOp) -> Tags:
    """`(X - X.mean()) / X.std()` and `(X - X.min()) / (X.max() - X.min())` are fits."""
    tags = scope.tags(node.left) | scope.tags(node.right)
    left = node.left
    if not (isinstance(node.op, ast.Div) and isinstance(left, ast.BinOp)
            and isinstance(left.op, ast.Sub)):
        return tags
    if not _is_centre_of(scope, left.right, left.left) or not whole_data(scope, left.left):
        return tags
    what = f"{ast.unparse(node)}"
    return tags | scope.fit(node.lineno, what[:60], "preprocessing", scope.tags(left.left))


def whole_data(scope: Scope, data: ast.expr) -> bool:
    """A table the code assigned, not one item of a loop or comprehension: scaling an image
    by its own mean (`[(im - im.mean()) / im.std() for im in images]`) is no fit."""
    names = [n.id for n in ast.walk(data) if isinstance(n, ast.Name)]
    return bool(names) and all(n in scope.state and n not in scope.loop_targets for n in names)


def _per_row(call: ast.Call) -> bool:
    """`x.mean(axis=1)`: each row by its own statistic, which leaks nothing."""
    axes = [k.value for k in call.keywords if k.arg == "axis"] + list(call.args[:1])
    return any(isinstance(a, ast.Constant) and a.value in (1, -1, "columns") for a in axes) or any(
        isinstance(a, ast.UnaryOp) and isinstance(a.op, ast.USub) for a in axes)


def _is_centre_of(scope: Scope, centre: ast.expr, data: ast.expr) -> bool:
    text = ast.unparse(data)
    if isinstance(centre, ast.Name):
        return scope.stats.get(centre.id) == text
    return (isinstance(centre, ast.Call) and isinstance(centre.func, ast.Attribute)
            and centre.func.attr in rules.CENTRES and ast.unparse(centre.func.value) == text
            and not _per_row(centre))


def remember_stat(scope: Scope, target: ast.expr, value: ast.expr) -> None:
    """`m = X.mean(axis=0)`: m holds X's centre, for a later `(X - m) / s`."""
    if (isinstance(target, ast.Name) and isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute) and value.func.attr in rules.CENTRES
            and not _per_row(value)):
        scope.stats[target.id] = ast.unparse(value.func.value)
