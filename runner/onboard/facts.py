"""What else a repository tells: its Python version, candidate steps, data, title.

Each fact carries its evidence, so the spec can say why it guessed what it guessed.
"""

from __future__ import annotations

import configparser
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from runner.onboard.pyscan import PyFile, has_main_guard, imported_modules, python2_evidence

_VERSION = re.compile(r"(\d)\.(\d+)")
_FENCE = re.compile(r"^```\s*(\w*)[^\n]*\n(.*?)^```", re.M | re.S)
_COMMAND = re.compile(r"^(?:python[0-9.]*|bash|sh|make|\./|julia|Rscript)\b")
_DATA_HOSTS = re.compile(r"https?://(?:drive\.google\.com|zenodo\.org|figshare\.com|"
                         r"[\w.]*dropbox\.com|osf\.io|huggingface\.co/datasets|"
                         r"[\w.]*dataverse[\w.]*)[^\s)\]>\"']*")
_DATA_PATH = re.compile(r"""['"](\.\./[A-Za-z0-9_.-]+|data|Data|datasets?)/[^'"\s]+"""
                        r"""\.(?:h5|hdf5|csv|npy|npz|pkl|pickle|json|txt|mat|nc|tif)['"]""")
ROLES = (("prepare", r"build.*data|prepare|preprocess|download|make_?data|gen.*data"),
         ("train", r"train|fit"),
         ("evaluate", r"eval|test(?!s$)|predict|score|valid|infer|metric"))
SKIP_SCRIPTS = re.compile(r"(^|/)(setup|conftest|__init__|__main__)\.py$|(^|/)(tests?|docs?)/")


@dataclass(frozen=True)
class Fact:
    value: str
    evidence: str


@dataclass(frozen=True)
class Candidate:
    """A command that may be one of the paper's steps."""

    command: str
    script: str | None  # the Python file it runs, if any
    role: str | None  # prepare | train | evaluate
    evidence: str


def python_version(root: Path, files: list[PyFile], env_python: str | None) -> Fact | None:
    for finder in (_python_requires, _classifiers, _dotfile, _runtime_txt):
        found = finder(root)
        if found is not None:
            return found
    if env_python and (m := _VERSION.search(env_python)):
        return Fact(f"{m.group(1)}.{m.group(2)}", "the environment file names it")
    if (line := python2_evidence(files)) is not None:
        return Fact("2.7", f"Python 2 only syntax: {line}")
    return None


def _python_requires(root: Path) -> Fact | None:
    texts = []
    if (root / "setup.py").is_file():
        m = re.search(r"python_requires\s*=\s*['\"]([^'\"]+)", _read(root / "setup.py"))
        texts.append(("setup.py python_requires", m.group(1) if m else ""))
    if (root / "setup.cfg").is_file():
        parser = configparser.ConfigParser()
        try:
            parser.read_string(_read(root / "setup.cfg"))
            texts.append(("setup.cfg python_requires",
                          parser.get("options", "python_requires", fallback="")))
        except configparser.Error:
            pass
    if (root / "pyproject.toml").is_file():
        try:
            project = tomllib.loads(_read(root / "pyproject.toml")).get("project", {})
            texts.append(("pyproject requires-python", str(project.get("requires-python", ""))))
        except tomllib.TOMLDecodeError:
            pass
    for where, text in texts:
        if m := _VERSION.search(text):
            return Fact(f"{m.group(1)}.{m.group(2)}", f"{where} {text.strip()!r}")
    return None


def _classifiers(root: Path) -> Fact | None:
    text = " ".join(_read(root / n) for n in ("setup.py", "setup.cfg", "pyproject.toml")
                    if (root / n).is_file())
    found = re.findall(r"Programming Language :: Python :: (\d)\.(\d+)", text)
    if not found:
        return None
    major, minor = max((int(a), int(b)) for a, b in found)
    return Fact(f"{major}.{minor}", "the newest Python its classifiers list")


def _dotfile(root: Path) -> Fact | None:
    path = root / ".python-version"
    m = _VERSION.search(_read(path)) if path.is_file() else None
    return Fact(f"{m.group(1)}.{m.group(2)}", ".python-version") if m else None


def _runtime_txt(root: Path) -> Fact | None:
    path = root / "runtime.txt"
    m = _VERSION.search(_read(path)) if path.is_file() else None
    return Fact(f"{m.group(1)}.{m.group(2)}", "runtime.txt") if m else None


def readme(root: Path) -> tuple[str, str] | None:
    for name in ("README.md", "README.rst", "README.txt", "README", "readme.md", "Readme.md"):
        if (root / name).is_file():
            return name, _read(root / name)
    return None


def role_of(name: str) -> str | None:
    stem = Path(name).stem.lower()
    return next((role for role, pattern in ROLES if re.search(pattern, stem)), None)


def candidate_steps(root: Path, files: list[PyFile], python: str) -> list[Candidate]:
    """README shell commands first, then scripts with a main guard or that nothing imports."""
    found: dict[str, Candidate] = {}
    if (doc := readme(root)) is not None:
        for command in _readme_commands(doc[1]):
            script = next((w for w in command.split() if w.endswith(".py")), None)
            found.setdefault(command, Candidate(command, script, role_of(script or command),
                                                f"a shell block of {doc[0]}"))
    imported = {name for f in files for name in imported_modules(f)}
    for f in files:
        if SKIP_SCRIPTS.search(f.rel) or any(c.script == f.rel for c in found.values()):
            continue
        guard = has_main_guard(f)
        if guard or (f.module not in imported and Path(f.rel).stem not in imported):
            why = "has a main guard" if guard else "is a script nothing imports"
            command = f"{python} {f.rel}"
            found.setdefault(command, Candidate(command, f.rel, role_of(f.rel), f"{f.rel} {why}"))
    return list(found.values())


def _readme_commands(text: str) -> list[str]:
    commands = []
    for fence in _FENCE.finditer(text):
        if fence.group(1).lower() not in ("", "bash", "sh", "shell", "console", "zsh"):
            continue
        for raw in fence.group(2).splitlines():
            line = raw.strip().removeprefix("$ ").strip()
            if _COMMAND.match(line) and "install" not in line:
                commands.append(line)
    return commands


def data_hints(root: Path, files: list[PyFile]) -> tuple[str | None, Fact | None]:
    """A download link the README gives, and the folder the code reads data from."""
    doc = readme(root)
    link = _DATA_HOSTS.search(doc[1]) if doc else None
    for f in files:
        if m := _DATA_PATH.search(f.text):
            folder = m.group(1)
            mount = f"/work/{folder[3:]}" if folder.startswith("../") else f"/work/repo/{folder}"
            return (link.group(0) if link else None), Fact(mount, f"{f.rel} reads {m.group(0)}")
    return (link.group(0) if link else None), None


def title(root: Path, fallback: str) -> str:
    doc = readme(root)
    if doc is not None:
        for line in doc[1].splitlines():
            if line.startswith("# ") or (line.strip() and doc[0].endswith(".rst")):
                return line.lstrip("# ").strip()
    return fallback


def mentions_cuda(files: list[PyFile]) -> str | None:
    for f in files:
        if m := re.search(r"\.cuda\(|device\(['\"]cuda|/gpu:0|tf\.config.*GPU", f.text):
            return f"{f.rel} uses {m.group(0)}"
    return None


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")
