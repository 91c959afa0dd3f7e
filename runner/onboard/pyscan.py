"""What a repository's Python files say: imports, Python 2 syntax, main guards, printed metrics.

Python 2 files do not parse as Python 3, so besides `ast` every reading also works line by
line on the text; a paper's scripts are small and read once.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from runner.onboard.pypi_names import is_stdlib

SKIP_PARTS = {".git", "__pycache__", ".venv", "venv", "env", "node_modules", "site-packages",
              "build", "dist", ".tox", ".eggs"}
_IMPORT = re.compile(r"^\s*import\s+([\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*)")
_FROM = re.compile(r"^\s*from\s+([\w.]+)\s+import\b")
_PRINT_STMT = re.compile(r"^\s*print(\s+[^\s(=.]|\s*$|\s*>>)")
_EXCEPT_COMMA = re.compile(r"^\s*except\s+[\w.]+\s*,\s*\w+\s*:")
_MAIN_GUARD = re.compile(r"""^if\s+__name__\s*==\s*['"]__main__['"]\s*:""", re.M)
METRIC_WORDS = re.compile(r"\b(AUC|ROC[ _-]?AUC|accuracy|acc|F1|F-score|loss|error|precision|"
                          r"recall|RMSE|MAE|MSE|BLEU|perplexity|mAP|IoU)\b", re.I)
_PRINT_CALL = re.compile(r"""^\s*(?:print\s*\(?|(?:logger|logging|log)\.info\s*\()\s*"""
                         r"""[rRfFuU]{0,2}(?P<q>['"])""")
NUMBER = r"([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)"


@dataclass(frozen=True)
class PyFile:
    rel: str
    text: str
    tree: ast.Module | None  # None: does not parse as Python 3

    @property
    def module(self) -> str:
        return self.rel.removesuffix(".py").replace("/", ".").removesuffix(".__init__")


@dataclass(frozen=True)
class PrintedMetric:
    file: str
    line: int
    text: str  # the source line
    label: str  # the literal text printed before the value
    regex: str


def python_files(root: Path, limit: int = 2000) -> list[PyFile]:
    found = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if any(part in SKIP_PARTS for part in rel.parts[:-1]) or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            tree: ast.Module | None = ast.parse(text)
        except (SyntaxError, ValueError):
            tree = None
        found.append(PyFile(rel.as_posix(), text, tree))
        if len(found) >= limit:
            break
    return found


def python2_evidence(files: list[PyFile]) -> str | None:
    """A line that only Python 2 accepts (a print statement, `except X, e`), if any."""
    for f in files:
        if f.tree is not None:
            continue
        for number, line in enumerate(f.text.splitlines(), 1):
            if _PRINT_STMT.match(line) or _EXCEPT_COMMA.match(line):
                return f"{f.rel}:{number}: {line.strip()}"
    return None


def imported_modules(f: PyFile) -> set[str]:
    """Absolute imports of a file (relative ones are the repository's own)."""
    names: set[str] = set()
    if f.tree is not None:
        for node in ast.walk(f.tree):
            if isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        return names
    for line in f.text.splitlines():
        if m := _IMPORT.match(line):
            names.update(part.split()[0] for part in m.group(1).split(","))
        elif m := _FROM.match(line):
            names.add(m.group(1))
    return names


def local_names(root: Path, files: list[PyFile]) -> set[str]:
    """Top-level names that are the repository's own modules and packages."""
    names = {Path(f.rel).parts[0].removesuffix(".py") for f in files}
    names |= {Path(f.rel).stem for f in files}  # scripts that put their folder on sys.path
    return names | {p.name for p in root.iterdir() if p.is_dir()}


def third_party_imports(root: Path, files: list[PyFile]) -> list[str]:
    """Imported top-level modules that are neither the standard library nor the repo's own."""
    own = local_names(root, files)
    found: set[str] = set()
    for f in files:
        for name in imported_modules(f):
            top = name.split(".")[0]
            if top and not is_stdlib(top) and top not in own:
                found.add("google.protobuf" if name.startswith("google.protobuf") else top)
    return sorted(found, key=str.lower)


def has_main_guard(f: PyFile) -> bool:
    return bool(_MAIN_GUARD.search(f.text))


def printed_metrics(files: list[PyFile]) -> list[PrintedMetric]:
    """Lines that print a metric-like label followed by a value: one regex each."""
    found = []
    for f in files:
        for number, line in enumerate(f.text.splitlines(), 1):
            m = _PRINT_CALL.match(line)
            if not m or not METRIC_WORDS.search(line):
                continue
            label = _label(line[m.end():], m.group("q"))
            if label and METRIC_WORDS.search(label):
                found.append(PrintedMetric(f.rel, number, line.strip(), label,
                                           _regex(label)))
    return found


def _label(rest: str, quote: str) -> str | None:
    """The literal text printed before the value: up to a format field, or the string's end.

    None when the line prints no value at all (`print('computing the AUC...')`).
    """
    end = rest.find(quote)
    literal = rest if end < 0 else rest[:end]
    after = "" if end < 0 else rest[end + 1:].strip().rstrip(");").strip()
    parts = re.split(r"%[-+ 0-9.]*[a-zA-Z]|\{", literal, maxsplit=1)
    if len(parts) == 1 and not after:
        return None
    return parts[0].rstrip() or None


def _regex(label: str) -> str:
    # The value follows the label after optional spaces, `=` or `:` (`print("AUC", x)`).
    head = re.escape(label.rstrip(" :=")).replace("\\ ", " ")
    return f"{head}\\s*[:=]?\\s*{NUMBER}"
