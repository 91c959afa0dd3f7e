"""Read Python files and Jupyter notebooks into syntax trees for the code audit.

A notebook's code cells are joined, in order, into one module (a notebook is run top to
bottom in the audits' reading), with IPython magics (`%...`, `!...`) blanked so the rest
parses; each line of the joined module maps back to its cell and line. A directory is walked
for `*.py` and `*.ipynb`, skipping hidden folders, virtual environments and checkpoints.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from runner.errors import UsageError

SUFFIXES = (".py", ".ipynb")
_SKIP_DIRS = {"__pycache__", "node_modules", "site-packages", ".ipynb_checkpoints", "venv",
              ".venv", "env"}


@dataclass(frozen=True)
class Place:
    """Where a line of the analysed module came from: its cell (notebooks) and line there."""

    cell: int | None
    line: int


@dataclass
class Parsed:
    """One file as a syntax tree, plus the map from the tree's lines to cells."""

    path: Path
    tree: ast.Module
    cells: list[Place] = field(default_factory=list)  # index: line - 1; empty for a .py file
    skipped_cells: list[int] = field(default_factory=list)

    def place(self, line: int) -> Place:
        if not self.cells:
            return Place(None, line)
        return self.cells[min(max(line, 1), len(self.cells)) - 1]


def parse_file(path: Path, label: str | None = None) -> Parsed:
    """Parse one .py or .ipynb file; UsageError (exit 2) when it cannot be read or parsed."""
    name = label or str(path)
    if not path.is_file():
        raise UsageError(f"{name}: file not found")
    if path.suffix == ".ipynb":
        return _parse_notebook(path, name)
    if path.suffix != ".py":
        raise UsageError(f"{name}: not a Python file or notebook (expected .py or .ipynb)")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{name}: cannot read ({exc})") from None
    return Parsed(path, _parse(text, name))


def _parse(text: str, name: str) -> ast.Module:
    try:
        return ast.parse(text, filename=name)
    except SyntaxError as exc:
        where = f"line {exc.lineno}: " if exc.lineno else ""
        raise UsageError(f"{name}: not valid Python 3 ({where}{exc.msg})") from None
    except (RecursionError, MemoryError):
        # CPython's parser gives up on expressions nested some thousands deep (`-----1`,
        # `1+1+...+1`) with these instead of a SyntaxError; Python itself cannot run them.
        raise UsageError(f"{name}: nested too deeply for Python's parser") from None
    except ValueError as exc:  # source text with a NUL byte
        raise UsageError(f"{name}: not valid Python 3 ({exc})") from None


def _code_cells(path: Path, name: str) -> list[tuple[int, str]]:
    import nbformat

    try:
        with warnings.catch_warnings():
            # nbformat warns on stderr about ids, schemas and versions of any notebook it
            # can still read: noise between the findings, and not the user's to fix here.
            warnings.simplefilter("ignore")
            notebook = nbformat.read(str(path), as_version=4)  # type: ignore[no-untyped-call]
        cells = notebook.get("cells")
        if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
            raise ValueError("'cells' is not a list of cells")
    except Exception as exc:  # nbformat raises JSON, validation and OS errors alike
        raise UsageError(f"{name}: not a readable notebook ({type(exc).__name__}: {exc})") from None
    # nbformat only warns about a cell that breaks its schema (no cell_type, a list source).
    return [(number, _source(cell.get("source"))) for number, cell in enumerate(cells, start=1)
            if cell.get("cell_type") == "code"]


def _source(source: object) -> str:
    if isinstance(source, list):
        return "".join(str(line) for line in source)
    return source if isinstance(source, str) else ""


def _blank_magics(source: str) -> str:
    # A magic line is replaced by `pass` at the same indent, so line numbers stay the same.
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        magic = stripped.startswith(("%", "!")) or stripped.endswith("?")
        lines.append(line[: len(line) - len(stripped)] + "pass" if magic else line)
    return "\n".join(lines)


def _parse_notebook(path: Path, name: str) -> Parsed:
    parts: list[str] = []
    cells: list[Place] = []
    skipped: list[int] = []
    for number, source in _code_cells(path, name):
        text = _blank_magics(source)
        try:
            _parse(text, name)
        except UsageError:
            skipped.append(number)  # one broken cell does not hide the rest of the notebook
            continue
        lines = text.splitlines() or [""]
        parts.extend(lines)
        cells.extend(Place(number, i) for i in range(1, len(lines) + 1))
    return Parsed(path, _parse("\n".join(parts), name), cells, skipped)


def find_sources(root: Path) -> Iterator[Path]:
    """Every .py and .ipynb under a directory, sorted, outside hidden and tool folders."""
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).parts
        if any(p.startswith(".") or p in _SKIP_DIRS for p in rel[:-1]):
            continue
        if path.suffix in SUFFIXES and path.is_file() and not rel[-1].startswith("."):
            yield path
