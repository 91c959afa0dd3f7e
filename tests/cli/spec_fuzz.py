"""Hostile specs for `repro validate` and `repro plan`, and the runner shared with the audits.

Shared by the suite's bounded hypothesis test (tests/cli/test_cli_fuzz.py) and the long
run (benchmarks/fuzz_specs.py). Every case is made from a `random.Random`, so a failing
case is remade from its seed. A crash is exit 70 (a bug, with a crash log), any code
outside the allowed ones, or a traceback in the output.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from runner.cli import app

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "specs").glob("*.yaml"))
DEMO_REPO = ROOT / "examples" / "aftershock-mini"
SPEC_CODES = (0, 2)
AUDIT_CODES = (0, 1, 2)

JUNK_VALUES: list[Any] = [
    None, True, False, 0, -1, 10**40, 1.5, -0.0, float("nan"), float("inf"), "", "x" * 5000,
    "\x00", "TODO", "{seed}", "{nope}", "${HOME}", "../../etc/passwd", "/", "a b", [], [None],
    {}, {"a": None}, {"": 1}, [[[[]]]], "1e999", "0x1f", "-", "~", "é✓🙂", "\ud7ff", "\ud800",
    "256m", "-5g", "1.5.2", "99999999999t", "0s", "-1m", "*", "[", "|", "#x", "null",
]

BOMB = """a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
version: 1
steps: *h
"""

# Named hostile documents: the plain parametrized tests show each one by name.
NAMED: dict[str, Callable[[random.Random], bytes]] = {
    "empty": lambda r: b"",
    "blank lines": lambda r: b"\n\n   \n",
    "binary junk": lambda r: r.randbytes(r.randint(1, 4096)),
    "invalid utf-8": lambda r: b"version: 1\nname: \xff\xfe\x80bad\n",
    "byte-order mark": lambda r: b"\xef\xbb\xbfversion: 1\n",
    "deep flow list": lambda r: ("[" * r.randint(100, 20000)).encode(),
    "deep block mapping": lambda r: (
        "a:\n" + "".join(" " * i + "b:\n" for i in range(1, r.randint(50, 3000)))).encode(),
    "huge list": lambda r: (
        "version: 1\nseeds: [" + ",".join(["0"] * r.randint(1000, 100000)) + "]\n").encode(),
    "huge scalar": lambda r: ("version: 1\nname: " + "n" * r.randint(10**4, 2 * 10**6)).encode(),
    "billion laughs": lambda r: BOMB.encode(),
    "duplicate keys": lambda r: b"version: 1\nversion: 2\nname: a\nname: b\n",
    "complex keys": lambda r: b"? [a, b]\n: 1\n1: 2\nnull: 3\n",
    "python tag": lambda r: b"!!python/object/apply:os.system ['true']\n",
    "custom tags": lambda r: b"version: !!binary aGVsbG8=\nsteps: !custom x\n",
    "two documents": lambda r: b"--- 1\n--- 2\n",
    "nul byte": lambda r: b"version: 1\x00\nname: a\n",
    "yaml directive": lambda r: b"%YAML 9.9\n---\na: 1\n",
    "unknown alias": lambda r: b"a: *nowhere\n",
    "tab indent": lambda r: b"steps:\n\t- run: x\n",
    "scalar document": lambda r: b"42\n",
    "list document": lambda r: b"- version: 1\n",
    "utf-16": lambda r: "version: 1\nname: a\n".encode("utf-16"),
    "lone surrogate escape": lambda r: b'version: 1\nname: "\\ud800"\n',
    "float version": lambda r: b"version: 1.0000000001\n",
    "many keys": lambda r: "".join(f"k{i}: {i}\n" for i in range(r.randint(1000, 20000))).encode(),
}


@dataclass
class Outcome:
    command: str
    code: int
    output: str

    @property
    def crashed(self) -> bool:
        allowed = AUDIT_CODES if self.command.startswith("audit") else SPEC_CODES
        return self.code not in allowed or "Traceback" in self.output


def _walk(data: Any, rng: random.Random) -> tuple[Any, Any] | None:
    """A random (container, key) inside `data`, or None for the root."""
    parent, key, node = None, None, data
    while isinstance(node, dict | list) and node and rng.random() < 0.75:
        parent = node
        key = rng.choice(list(node)) if isinstance(node, dict) else rng.randrange(len(node))
        node = node[key]
    return None if parent is None else (parent, key)


def put(data: Any, rng: random.Random, value: Any) -> Any:
    """Put `value` at a random place in `data` (replace, delete, add a key); the new root."""
    spot = _walk(data, rng)
    if spot is None:
        return value if rng.random() < 0.2 else data
    parent, key = spot
    roll = rng.random()
    if roll < 0.6:
        parent[key] = value
    elif roll < 0.8 and isinstance(parent, dict):
        del parent[key]
    elif isinstance(parent, dict):
        parent[rng.choice(["zz", "steps", "seeds", "1", "metrics", "TODO"])] = value
    else:
        parent.append(value)
    return data


def dump(data: Any, rng: random.Random) -> bytes:
    text = yaml.safe_dump(data, allow_unicode=rng.random() < 0.5, sort_keys=False)
    return text.encode("utf-8", "surrogatepass")


def mutate_tree(text: str, rng: random.Random) -> bytes:
    data = yaml.safe_load(text)
    for _ in range(rng.randint(1, 4)):
        data = put(data, rng, rng.choice(JUNK_VALUES))
    return dump(data, rng)


def _tweaked(value: Any, rng: random.Random) -> Any:
    """A value of the same type at its edge: a spec that may stay valid and reach `plan`."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return rng.choice([0, 1, -1, 2**31, 2**63, value * 1000])
    if isinstance(value, float):
        return rng.choice([0.0, -0.0, 1e-300, 1e300, value * 1000, float("inf")])
    if isinstance(value, str):
        return rng.choice([value + "é✓", value.upper(), value * 3, " " + value, value + "\n",
                           "", value[:1], value + " {seed}", value + " '\"$(x)`", value + "\t"])
    if isinstance(value, list):
        return rng.choice([[], value[:1], value + value, list(reversed(value))])
    if isinstance(value, dict) and value:
        return {k: v for k, v in value.items() if k != rng.choice(list(value))}
    return value


def tweak_tree(text: str, rng: random.Random) -> bytes:
    data = yaml.safe_load(text)
    for _ in range(rng.randint(1, 3)):
        spot = _walk(data, rng)
        if spot is not None:
            parent, key = spot
            parent[key] = _tweaked(parent[key], rng)
    return dump(data, rng)


def mutate_text(text: str, rng: random.Random) -> bytes:
    raw = bytearray(text.encode("utf-8"))
    for _ in range(rng.randint(1, 8)):
        roll, at = rng.random(), rng.randrange(len(raw) + 1)
        if roll < 0.3 and raw:
            del raw[at:at + rng.randint(1, 40)]
        elif roll < 0.6:
            raw[at:at] = bytes(rng.choice(b" :-[]{}&*!|>'\"#\t\n%@`,?") for _ in range(3))
        elif roll < 0.8:
            raw[at:at] = rng.randbytes(rng.randint(1, 16))
        else:
            raw = raw[:at]
    return bytes(raw)


def spec_case(rng: random.Random) -> tuple[str, bytes | None]:
    """(kind, bytes) of one hostile spec; bytes None: a folder instead of a file."""
    roll = rng.random()
    base = rng.choice(SHIPPED).read_text(encoding="utf-8")
    if roll < 0.3:
        return "tree", mutate_tree(base, rng)
    if roll < 0.55:
        return "tweak", tweak_tree(base, rng)
    if roll < 0.8:
        return "text", mutate_text(base, rng)
    if roll < 0.83:
        return "folder", None
    name = rng.choice(sorted(NAMED))
    return name, NAMED[name](rng)


class Fuzzer:
    """Writes each case into `folder` and runs the commands on it, in process."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.cli = CliRunner()

    def write(self, name: str, content: bytes | None) -> Path:
        path = self.folder / name
        clear(path)
        if content is None:
            path.mkdir()
            (path / "inner.yaml").write_bytes(b"version: [\n")
        else:
            path.write_bytes(content)
        return path

    def invoke(self, args: list[str]) -> Outcome:
        result = self.cli.invoke(app, args)
        code = result.exit_code if result.exception is None or isinstance(
            result.exception, SystemExit) else 70
        name = " ".join(args[:2]) if args[0] == "audit" else args[0]
        output = result.output
        if code == 70:
            output += _crash_log(output) or _exception_text(result.exception)
        return Outcome(name, code, output)

    def spec(self, content: bytes | None, rng: random.Random | None = None) -> list[Outcome]:
        """validate, then plan (with --repo to the demo's folder, --json at random)."""
        rng = rng or random.Random(0)
        path = self.write("paper.yaml", content)
        outcomes = [self.invoke(["validate", str(path)])]
        plan = ["plan", str(path)]
        if rng.random() < 0.8:
            plan += ["--repo", str(DEMO_REPO)]
        if rng.random() < 0.3:
            plan.append("--json")
        return [*outcomes, self.invoke(plan)]


def clear(path: Path) -> None:
    import shutil

    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _crash_log(output: str) -> str:
    """The traceback of a bug: the CLI writes it to a crash log and names the file."""
    found = re.search(r"details in (\S+)", output)
    if not found or not Path(found.group(1)).is_file():
        return ""
    path = Path(found.group(1))
    text = path.read_text(errors="replace")
    path.unlink()
    return "\n" + text


def _exception_text(exc: BaseException | None) -> str:
    import traceback

    if exc is None:
        return ""
    return "\n" + "".join(traceback.format_exception(exc))
