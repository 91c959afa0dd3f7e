"""A repository's environment, in the issue's order of trust: its Dockerfile, a requirements
file, setup.py / setup.cfg / pyproject dependencies, a Pipfile, environment.yml, and when
none exists, the third-party imports of its Python files (pins left as TODO).
"""

from __future__ import annotations

import ast
import configparser
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from runner.onboard.pypi_names import CONDA_TO_PYPI, pypi_name
from runner.onboard.pyscan import PyFile, third_party_imports


@dataclass(frozen=True)
class Package:
    """One entry of `environment.pip.packages`, with the comment the spec shows beside it."""

    text: str
    comment: str | None = None


@dataclass
class EnvGuess:
    kind: str  # dockerfile | requirements | setup | pipfile | conda | imports | none
    source: str | None = None  # the file it came from
    dockerfile: str | None = None
    base_from: str | None = None  # the Dockerfile's FROM image
    requirements: str | None = None
    packages: list[Package] = field(default_factory=list)
    python: str | None = None  # a version the environment file names (conda, Dockerfile)


def scan_environment(root: Path, files: list[PyFile]) -> EnvGuess:
    scanners: list[Callable[[Path], EnvGuess | None]] = [
        _dockerfile, _requirements, _setup_py, _setup_cfg, _pyproject, _pipfile, _conda]
    for scan in scanners:
        found = scan(root)
        if found is not None:
            return found
    return _imports(root, files)


def _dockerfile(root: Path) -> EnvGuess | None:
    names = ["Dockerfile", "docker/Dockerfile", *sorted(p.relative_to(root).as_posix()
                                                      for p in root.glob("*.Dockerfile"))]
    for name in names:
        path = root / name
        if path.is_file():
            froms = re.findall(r"^\s*FROM\s+(?:--\S+\s+)*(\S+)", _read(path), re.I | re.M)
            version = re.search(r"python:(\d\.\d+)", froms[-1]) if froms else None
            return EnvGuess("dockerfile", name, dockerfile=name,
                            base_from=froms[-1] if froms else None,
                            python=version.group(1) if version else None)
    return None


def _requirements(root: Path) -> EnvGuess | None:
    candidates = sorted(root.glob("requirements*.txt"), key=lambda p: (
        p.name != "requirements.txt", bool(re.search(r"dev|test|doc|lint", p.name)), p.name))
    if not candidates:
        return None
    return EnvGuess("requirements", candidates[0].name, requirements=candidates[0].name)


def _setup_py(root: Path) -> EnvGuess | None:
    path = root / "setup.py"
    if not path.is_file():
        return None
    text = _read(path)
    deps: list[str] = []
    try:
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.keyword) and node.arg == "install_requires":
                deps = _strings(node.value)
    except SyntaxError:  # a Python 2 setup.py: read the list's strings by pattern
        block = re.search(r"install_requires\s*=\s*\[(.*?)\]", text, re.S)
        deps = re.findall(r"""['"]([^'"]+)['"]""", block.group(1)) if block else []
    return _from_list("setup", "setup.py", deps)


def _setup_cfg(root: Path) -> EnvGuess | None:
    path = root / "setup.cfg"
    if not path.is_file():
        return None
    parser = configparser.ConfigParser()
    try:
        parser.read_string(_read(path))
        raw = parser.get("options", "install_requires", fallback="")
    except configparser.Error:
        return None
    deps = [line.strip() for line in raw.splitlines() if line.strip()]
    return _from_list("setup", "setup.cfg", deps) if deps else None


def _pyproject(root: Path) -> EnvGuess | None:
    data = _toml(root / "pyproject.toml")
    if data is None:
        return None
    deps = list(data.get("project", {}).get("dependencies", []))
    poetry = data.get("tool", {}).get("poetry", {}).get("dependencies", {})
    deps += [_pin_of(name, spec) for name, spec in poetry.items() if name.lower() != "python"]
    return _from_list("setup", "pyproject.toml", deps) if deps else None


def _pipfile(root: Path) -> EnvGuess | None:
    data = _toml(root / "Pipfile")
    if data is None:
        return None
    deps = [_pin_of(name, spec) for name, spec in data.get("packages", {}).items()]
    guess = _from_list("pipfile", "Pipfile", deps)
    version = data.get("requires", {}).get("python_version")
    guess.python = str(version) if version else None
    return guess


def _conda(root: Path) -> EnvGuess | None:
    path = next((root / n for n in ("environment.yml", "environment.yaml")
                 if (root / n).is_file()), None)
    if path is None:
        return None
    try:
        data = yaml.safe_load(_read(path)) or {}
    except yaml.YAMLError:
        return EnvGuess("conda", path.name, packages=[Package(
            "TODO: environment.yml does not parse", "translate it into pip packages by hand")])
    guess = EnvGuess("conda", path.name)
    for dep in data.get("dependencies", []) if isinstance(data, dict) else []:
        if isinstance(dep, dict):
            guess.packages += [Package(str(p), "from environment.yml's pip section")
                               for p in dep.get("pip", [])]
        else:
            _conda_package(str(dep), guess)
    return guess


def _conda_package(dep: str, guess: EnvGuess) -> None:
    name, _, version = dep.split("::")[-1].partition("=")
    name, version = name.strip(), version.lstrip("=").strip()
    if name == "python":
        guess.python = version or None
        return
    pypi = CONDA_TO_PYPI.get(name.lower())
    if pypi == "":
        return
    if pypi is None:
        guess.packages.append(Package(
            f"TODO: conda package {dep}",
            f"TODO: {dep} has no PyPI namesake: install it with `apt:` or `setup:`, "
            "or delete this line"))
        return
    pin = f"=={version}" if version and not version.endswith("*") else ""
    guess.packages.append(Package(f"{pypi}{pin}", f"conda: {dep}"))


def _imports(root: Path, files: list[PyFile]) -> EnvGuess:
    modules = third_party_imports(root, files)
    if not modules:
        return EnvGuess("none")
    packages = []
    for module in modules:
        name, known = pypi_name(module)
        note = f"imported as {module}" + ("" if known else "; guess: the PyPI name")
        packages.append(Package(f"{name}==TODO", f"TODO: the version the paper used ({note})"))
    return EnvGuess("imports", "the Python files' imports", packages=packages)


def _from_list(kind: str, source: str, deps: list[str]) -> EnvGuess:
    return EnvGuess(kind, source, packages=[Package(d.strip(), f"from {source}")
                                            for d in deps if d.strip()])


def _pin_of(name: str, spec: Any) -> str:
    if isinstance(spec, dict):
        spec = spec.get("version", "*")
    text = str(spec).strip()
    if text in ("*", ""):
        return name
    if text[0].isdigit():
        return f"{name}=={text}"
    return name + text.replace("^", ">=").replace("~", "~=").replace("~==", "~=")


def _strings(node: ast.AST) -> list[str]:
    if isinstance(node, ast.List | ast.Tuple):
        return [e.value for e in node.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []


def _toml(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    try:
        data: dict[str, Any] = tomllib.loads(_read(path))
        return data
    except tomllib.TOMLDecodeError:
        return None


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")
