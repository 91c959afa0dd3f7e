"""`repro audit code`: find preprocessing, feature selection, imputation or oversampling
fitted on data before that data is split for evaluation, in Python files and notebooks.

Each leak is one critical finding naming the file, the notebook cell, the line of the fit
and the line of the split, its kind and why it leaks. What the analysis follows and what it
does not is in docs/audits.md ("Code audit"); the rules are in `code_rules`, the data-flow
in `code_flow`.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from runner.audits.code_env import EnvReader
from runner.audits.code_flow import Leak, Shared
from runner.audits.code_parse import Parsed, find_sources, parse_file
from runner.audits.code_stmts import Reader
from runner.audits.findings import MAX_EXAMPLES, Finding
from runner.errors import UsageError

AUDIT = "code"

_WHY = {
    "preprocessing": "statistics of the rows later held out shape the features the model "
                     "is evaluated on",
    "imputation": "missing values are filled from statistics that include the rows later "
                  "held out",
    "feature selection": "the rows later held out, labels included, help choose the "
                         "features the model is evaluated with",
    "oversampling": "synthetic rows interpolated from the whole data land on both sides of "
                    "the split, so the evaluation scores near copies of training rows",
    "test-set oversampling": "the evaluation no longer measures the real class balance, and "
                             "its synthetic rows are interpolated from each other",
}


def analyse(parsed: Parsed, env: Mapping[str, str] | None = None) -> list[Leak]:
    """All leaks in one parsed file, in the order of their fit, without repeats."""
    shared = Shared(EnvReader(env))
    pending = [Reader(shared)]
    top = pending[0]
    top.run(parsed.tree.body)
    while pending:
        scope = pending.pop(0)
        if scope is not top:
            scope.run(scope.body)
        for func in scope.deferred:
            child = Reader(shared, top.state, top.classes)
            child.body = _body_with_args(func)
            pending.append(child)
    unique = {(leak.fit.line, leak.split.line, leak.kind): leak for leak in shared.leaks}
    return [unique[key] for key in sorted(unique)]


def _analysed(parsed: Parsed, label: str, env: Mapping[str, str] | None) -> list[Leak]:
    try:
        return analyse(parsed, env)
    except RecursionError:
        # The data-flow reading recurses into expressions; one that parses but is nested
        # some hundreds deep (`1+1+...+1`) is beyond it: say so rather than crash.
        raise UsageError(f"{label}: nested too deeply for the code audit to follow") from None


def _body_with_args(func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.stmt]:
    # Parameters shadow globals of the same name: bind each to nothing known.
    names = [a.arg for a in (*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs)]
    clear: list[ast.stmt] = [ast.Assign(targets=[ast.Name(n, ast.Store())],
                                        value=ast.Constant(None), lineno=func.lineno)
                             for n in names]
    return clear + list(func.body)


def finding(parsed: Parsed, label: str, leak: Leak) -> Finding:
    fit, split = parsed.place(leak.fit.line), parsed.place(leak.split.line)
    where = f"{label} cell {fit.cell} line {fit.line}" if fit.cell else f"{label} line {fit.line}"
    split_at = (f"cell {split.cell} line {split.line}" if split.cell else f"line {split.line}")
    if leak.kind == "test-set oversampling":
        statement = (f"{where}: {leak.fit.what} oversamples the test part of the split at "
                     f"{split_at} ({leak.split.what}): {_WHY[leak.kind]}")
    else:
        statement = (f"{where}: {leak.fit.what} is fitted before {leak.split.what} at "
                     f"{split_at} splits the data it was fitted on: {_WHY[leak.kind]}")
    evidence: dict[str, Any] = {
        "file": label, "kind": leak.kind, "fit": leak.fit.what, "fit_line": fit.line,
        "split": leak.split.what, "split_line": split.line,
    }
    if fit.cell is not None:
        evidence.update(fit_cell=fit.cell, split_cell=split.cell)
    return Finding(AUDIT, "critical", statement, evidence)


def _label(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            pass
    return str(path)


def _files(paths: Sequence[Path]) -> list[tuple[Path, Path | None, bool]]:
    """(file, root to name it by, whether it was named explicitly)."""
    out: list[tuple[Path, Path | None, bool]] = []
    for path in paths:
        if path.is_dir():
            out += [(p, path, False) for p in find_sources(path)]
        elif path.exists():
            out.append((path, None, True))
        else:
            raise UsageError(f"{path}: no such file or directory")
    return out


def audit_code(paths: Sequence[Path], env: Mapping[str, str] | None = None) -> list[Finding]:
    """Findings for every file (directories are walked); UsageError for a named file that
    cannot be read. A file found in a directory that does not parse is a warning."""
    found: list[Finding] = []
    unread: list[str] = []
    files = _files(paths)
    for path, root, named in files:
        label = _label(path, root)
        try:
            parsed = parse_file(path, label)
            leaks = _analysed(parsed, label, env)
        except UsageError as exc:
            if named:
                raise
            unread.append(exc.message)
            continue
        found += [finding(parsed, label, leak) for leak in leaks]
        if parsed.skipped_cells:
            found.append(Finding(AUDIT, "warning", f"{label}: cells {parsed.skipped_cells} "
                                 "are not valid Python and were not analysed", {"file": label}))
    if unread:  # one warning: a Python 2 repository would otherwise give one per file
        found.append(Finding(AUDIT, "warning", f"{len(unread)} file(s) not analysed, first: "
                             f"{unread[0]}", {"not_analysed": unread[:MAX_EXAMPLES]}))
    if not any(f.is_critical for f in found):
        found.append(Finding(AUDIT, "info", f"no fit before a split in {len(files)} file(s)",
                             {"files": len(files)}))
    return found
