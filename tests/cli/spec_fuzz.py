"""Hostile inputs for `repro validate`, `repro plan` and the `repro audit` commands.

Shared by the suite's bounded hypothesis test (tests/cli/test_cli_fuzz.py) and the long
run (benchmarks/fuzz_specs.py). Every case is made from a `random.Random`, so a failing
case is reproduced from its seed. A crash is exit 70 (or an uncaught exception, or any code
outside the allowed ones, or a traceback in the output).
"""

from __future__ import annotations

import random
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
    None, True, 0, -1, 10**40, 1.5, float("nan"), float("inf"), "", "x" * 5000, "\x00",
    "TODO", "{seed}", "${HOME}", "../../etc/passwd", [], [None], {}, {"a": None},
    {"": 1}, [[[[]]]], "1e999", "0x1f", "-", "~", "é✓🙂", "\ud7ff",
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
    while isinstance(node, (dict, list)) and node and rng.random() < 0.75:
        parent = node
        key = rng.choice(list(node)) if isinstance(node, dict) else rng.randrange(len(node))
        node = node[key]
    return None if parent is None else (parent, key)


def mutate_tree(text: str, rng: random.Random) -> str:
    data = yaml.safe_load(text)
    for _ in range(rng.randint(1, 4)):
        spot = _walk(data, rng)
        if spot is None:
            data = rng.choice(JUNK_VALUES) if rng.random() < 0.2 else data
            continue
        parent, key = spot
        roll = rng.random()
        if roll < 0.6:
            parent[key] = rng.choice(JUNK_VALUES)
        elif roll < 0.8 and isinstance(parent, dict):
            del parent[key]
        elif isinstance(parent, dict):
            parent[rng.choice(["zz", "steps", "seeds", "1", "metrics"])] = rng.choice(JUNK_VALUES)
        else:
            parent.append(rng.choice(JUNK_VALUES))
    return yaml.safe_dump(data, allow_unicode=rng.random() < 0.5, sort_keys=False)


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


SPECIALS: list[Callable[[random.Random], bytes]] = [
    lambda r: b"",
    lambda r: b"\n\n   \n",
    lambda r: r.randbytes(r.randint(1, 4096)),
    lambda r: b"version: 1\nname: \xff\xfe\x80bad\n",
    lambda r: b"\xef\xbb\xbfversion: 1\n",
    lambda r: ("[" * r.randint(100, 20000)).encode(),
    lambda r: ("a:\n" + "".join(" " * i + "b:\n" for i in range(1, r.randint(50, 3000)))).encode(),
    lambda r: ("version: 1\nseeds: [" + ",".join(["0"] * r.randint(1000, 100000)) + "]\n").encode(),
    lambda r: ("version: 1\nname: " + "n" * r.randint(10**4, 10**6) + "\n").encode(),
    lambda r: BOMB.encode(),
    lambda r: b"version: 1\nversion: 2\nname: a\nname: b\n",
    lambda r: b"? [a, b]\n: 1\n1: 2\nnull: 3\n",
    lambda r: b"!!python/object/apply:os.system ['true']\n",
    lambda r: b"version: !!binary aGVsbG8=\nsteps: !custom x\n",
    lambda r: b"--- 1\n--- 2\n",
    lambda r: b"version: 1\x00\nname: a\n",
    lambda r: b"%YAML 9.9\n---\na: 1\n",
    lambda r: b"a: *nowhere\n",
    lambda r: b"steps:\n\t- run: x\n",
]


def spec_case(rng: random.Random) -> tuple[str, bytes | None]:
    """(kind, bytes) of one hostile spec; bytes None: give a folder instead of a file."""
    roll = rng.random()
    base = rng.choice(SHIPPED).read_text(encoding="utf-8")
    if roll < 0.4:
        return "tree", mutate_tree(base, rng).encode("utf-8", "surrogatepass")
    if roll < 0.8:
        return "text", mutate_text(base, rng)
    if roll < 0.82:
        return "folder", None
    pick = rng.randrange(len(SPECIALS))
    return f"special-{pick}", SPECIALS[pick](rng)


def csv_case(rng: random.Random) -> bytes:
    good = "name,split,group,label,score,x\n" + "".join(
        f"n{i},{'train' if i % 2 else 'test'},g{i % 3},{i % 2},{rng.random():.3f},{i}\n"
        for i in range(rng.randint(0, 30)))
    roll = rng.random()
    if roll < 0.5:
        return mutate_text(good, rng) if good else b""
    return rng.choice(SPECIALS)(rng)


AUDITS: list[list[str]] = [
    ["audit", "leakage", "{a}", "--item", "name", "--split", "split",
     "--group-pattern", "n(\\d)"],
    ["audit", "leakage", "{a}", "--item", "name", "--split", "split", "--group-pattern", "(",
     "--group-column", "group"],
    ["audit", "duplicates", "{a}", "{b}"],
    ["audit", "duplicates", "{a}", "{b}", "--columns", "x,name"],
    ["audit", "balance", "{a}", "--label", "label", "--predictions", "score"],
    ["audit", "baseline", "{a}", "{b}", "--features", "x,score", "--label", "label",
     "--model", "logistic_regression"],
    ["audit", "neighbours", "{a}", "{b}", "--features", "x,score", "--quantile", "0.05"],
    ["audit", "code", "{a}"],
]


class Fuzzer:
    """Writes each case into `folder` and runs the commands on it, in process."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.cli = CliRunner()

    def _write(self, name: str, content: bytes | None) -> Path:
        path = self.folder / name
        if path.is_dir():
            path.rmdir()
        elif path.exists():
            path.unlink()
        if content is None:
            path.mkdir()
        else:
            path.write_bytes(content)
        return path

    def _invoke(self, args: list[str]) -> Outcome:
        result = self.cli.invoke(app, args)
        code = result.exit_code if result.exception is None or isinstance(
            result.exception, SystemExit) else 70
        name = " ".join(args[:2]) if args[0] == "audit" else args[0]
        return Outcome(name, code, result.output)

    def spec(self, content: bytes | None) -> list[Outcome]:
        path = self._write("paper.yaml", content)
        checked = [self._invoke(["validate", str(path)])]
        if checked[0].code == 2 or content is None or checked[0].crashed:
            return checked  # plan loads the spec the same way; an invalid one stops there
        return [*checked, self._invoke(["plan", str(path), "--repo", str(DEMO_REPO)])]

    def audit(self, rng: random.Random) -> list[Outcome]:
        folder_a = rng.random() < 0.03
        a = self._write("a.csv", None if folder_a else csv_case(rng))
        b = self._write("b.csv", csv_case(rng))
        args = [arg.format(a=a, b=b) for arg in rng.choice(AUDITS)]
        return [self._invoke(args)]
