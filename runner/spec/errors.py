"""Spec problems: each names the file, line and key path, says what was expected, and hints."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from runner.errors import ExitCode, ReproError

# Problems printed per file: a generated or mangled spec can have tens of thousands (one per
# unknown key), and the first few say what went wrong; the rest stay in `problems`.
MAX_SHOWN = 50


def format_path(path: Sequence[str | int]) -> str:
    """`claims[0].tolerance` style, the way users read their YAML."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    path: tuple[str | int, ...]
    message: str
    hint: str | None = None
    todo: bool = False  # a value left for a person to fill in (spec/todos.py)

    def render(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {format_path(self.path)}: {self.message}"
        return text + (f"\n    hint: {self.hint}" if self.hint else "")


class SpecError(ReproError):
    """All the problems of one or more spec files, reported together (exit 2)."""

    exit_code = ExitCode.INVALID

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, format_path(p.path)))
        count = len(self.problems)
        header = f"invalid spec: {count} problem{'s' if count != 1 else ''}"
        if self.only_todos:
            header = (f"the spec is a draft: {count} TODO{'s' if count != 1 else ''} to fill in "
                      "before it can be used")
        super().__init__("\n".join([header, *_shown(self.problems)]))

    @property
    def only_todos(self) -> bool:
        """Every problem is a TODO: a draft that is otherwise valid."""
        return bool(self.problems) and all(p.todo for p in self.problems)


def _shown(problems: Sequence[Problem]) -> list[str]:
    lines: list[str] = []
    per_file: dict[str, int] = {}
    for problem in problems:
        per_file[problem.file] = per_file.get(problem.file, 0) + 1
        if per_file[problem.file] <= MAX_SHOWN:
            lines.append("  " + problem.render())
        elif per_file[problem.file] == MAX_SHOWN + 1:
            hidden = sum(p.file == problem.file for p in problems) - MAX_SHOWN
            lines.append(f"  {problem.file}: ... and {hidden} more problems (fix these first)")
    return lines
