"""Malformed files and options for the `repro audit` commands (see spec_fuzz.py).

Tables come in every format the readers take (CSV, TSV, JSON lines, .npy, HDF5), each
well formed or broken at the cell, row, header or byte level; the code audit gets Python
files and notebooks, mutated, deep, or not text at all. Options get odd but well-typed
values (a quantile of 5, a NaN threshold), which pass the option parser and reach the code.
"""

from __future__ import annotations

import io
import json
import random
from typing import Any

from spec_fuzz import DEMO_REPO, NAMED, Fuzzer, Outcome, clear, mutate_text


class Dice(random.Random):
    """A random source with a temper: a calm case (hostility 0) writes well-formed files and
    options, so the audits run to the end on odd data; a hostile one (1) breaks them."""

    def __init__(self, seed: int, hostility: float) -> None:
        super().__init__(seed)
        self.hostility = hostility

    def odd(self, p: float) -> bool:
        return self.random() < p * self.hostility


COLUMNS = ["name", "split", "group", "label", "score", "x"]
CELL_JUNK = ["", " ", "nan", "NaN", "inf", "-inf", "1e999", "-", "é", "x" * 3000, "\"", "1,2",
             "True", "0x10", "1_000", "\x00", "None", "[]", "{}", "-0", "1e-320"]
TABLE_SUFFIXES = [".csv"] * 6 + [".tsv", ".jsonl", ".jsonl", ".ndjson", ".npy", ".npy", ".h5",
                                  ".h5", ".txt", ""]
PY_SOURCES = sorted(DEMO_REPO.glob("*.py"))


def _cell(rng: Dice, column: str, i: int) -> Any:
    if rng.odd(0.005):
        return rng.choice(CELL_JUNK)
    return {"name": f"n{i}", "split": rng.choice(["train", "test", "val"]),
            "group": f"g{i % 3}", "label": rng.choice([0, 1, 1, 2]) if i % 7 else 1,
            "score": round(rng.random(), 3), "x": i * rng.choice([1, -1, 0.5])}[column]


def rows(rng: Dice) -> tuple[list[str], list[list[Any]]]:
    header = list(COLUMNS)
    if rng.odd(0.15):
        header[rng.randrange(len(header))] = rng.choice(["", " label", "LABEL", "name", "é"])
    if rng.odd(0.1):
        header.pop(rng.randrange(len(header)))
    body = [[_cell(rng, c if c in COLUMNS else "x", i) for c in header]
            for i in range(rng.choice([0, 1, 2, 5, 30, 200]))]
    if body and rng.odd(0.1):
        body[rng.randrange(len(body))].append("extra")
    return header, body


def delimited(rng: Dice, sep: str) -> bytes:
    header, body = rows(rng)
    text = "".join(sep.join(str(v) for v in row) + rng.choice(["\n", "\r\n"])
                   for row in [header, *body])
    return mutate_text(text, rng) if rng.odd(0.15) else text.encode("utf-8", "replace")


def json_lines(rng: Dice) -> bytes:
    header, body = rows(rng)
    lines = [json.dumps(dict(zip(header, row, strict=False))) for row in body]
    if lines and rng.odd(0.3):
        lines[rng.randrange(len(lines))] = rng.choice(
            ["[1, 2]", "null", "7", "{", '{"name": {"a": [1]}}', "[" * 50000, '"\\ud800"',
             '{"label": 1e999}', '{"name": "n", "split": [], "label": {}}'])
    text = "\n".join(lines) + "\n"
    return mutate_text(text, rng) if rng.odd(0.2) else text.encode("utf-8", "replace")


def npy(rng: Dice) -> bytes:
    import numpy as np

    n = rng.choice([0, 1, 3, 40])
    kind = rng.randrange(6) if rng.odd(1) else rng.choice([0, 1])
    array: Any
    if kind == 0:
        array = np.array([rng.random() for _ in range(n * 2)]).reshape(n, 2)
    elif kind == 1:
        kinds = ["f8", "i4", "U4", "S3", "?", "c16"] if rng.odd(1) else ["f8", "i4"]
        fields = [(c, rng.choice(kinds)) for c in COLUMNS]
        array = np.zeros(n, dtype=fields)
    elif kind == 2:
        array = np.zeros(rng.choice([(), (2, 2, 2), (n,), (0, 0)]))
    elif kind == 3:
        array = np.array(["a", "b", "nan"][: max(n, 1)])
    elif kind == 4:
        array = np.array([None, {"a": 1}], dtype=object)
    else:
        array = np.full((n, 3), rng.choice([np.nan, np.inf, 1e308, -0.0]))
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=True)
    raw = buf.getvalue()
    return raw[: rng.randrange(len(raw))] if rng.odd(0.15) else raw


def hdf5(rng: Dice) -> bytes:
    import h5py
    import numpy as np

    buf = io.BytesIO()
    n = rng.choice([0, 1, 5])
    with h5py.File(buf, "w") as h5:
        roll = rng.random() if rng.odd(1) else 0.0
        if roll < 0.3:
            for c in COLUMNS[: rng.randint(0, len(COLUMNS)) if rng.odd(1) else None]:
                h5[c] = np.arange(n + rng.odd(0.3)).astype("S2" if rng.odd(0.5) else "f8")
        elif roll < 0.6:
            h5["table"] = np.zeros((n, rng.choice([1, 6])))
        elif roll < 0.8:
            h5.create_group("g").create_group("h")
            h5["s"] = np.bytes_(b"\xff\xfe")
        else:
            h5["d"] = np.zeros((2, 2, 2))
    raw = buf.getvalue()
    return raw[: rng.randrange(len(raw))] if rng.odd(0.15) else raw


def table(rng: Dice) -> tuple[str, bytes | None]:
    """(suffix, bytes) of one table; bytes None: a folder instead of a file."""
    suffix = rng.choice(TABLE_SUFFIXES[:-2] if rng.hostility == 0 else TABLE_SUFFIXES)
    if rng.odd(0.04):
        return suffix, None
    if rng.odd(0.1):
        return suffix, NAMED[rng.choice(sorted(NAMED))](rng)
    if suffix in (".jsonl", ".ndjson"):
        return suffix, json_lines(rng)
    if suffix == ".npy":
        return suffix, npy(rng)
    if suffix == ".h5":
        return suffix, hdf5(rng)
    return suffix, delimited(rng, "\t" if suffix == ".tsv" else ",")


def notebook(rng: Dice) -> bytes:
    source = rng.choice(PY_SOURCES).read_text(encoding="utf-8")
    cells: list[Any] = [{"cell_type": "code", "source": part, "metadata": {}, "outputs": [],
                         "execution_count": None} for part in source.split("\n\n")]
    cells.append({"cell_type": "code", "source": rng.choice(
        ["%matplotlib inline", "!pip install x", "x?", "def f(:", "(" * 300, "\\"]),
        "metadata": {}, "outputs": [], "execution_count": None})
    book: Any = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    if rng.odd(0.3):
        key = rng.choice(["cells", "nbformat", "metadata"])
        book[key] = rng.choice([None, 5, "x", [1], {"a": 1}, [{"cell_type": "code"}]])
    text = json.dumps(book)
    return mutate_text(text, rng) if rng.odd(0.2) else text.encode()


DEEP_PY = [
    "-" * 100000 + "1",
    "x=" + "1+" * 20000 + "1",
    "x=" + "a." * 5000 + "b",
    "x=" + "1+" * 900 + "1",
    "x=" + "f(" * 190 + ")" * 190,
    "x=" + "not " * 3000 + "y",
    "x=" + "[" * 199 + "]" * 199,
    "def f():\n" + "".join(" " * i + "if x:\n" for i in range(1, 99)) + " " * 99 + "pass\n",
    "x = lambda: " * 500 + "1",
]


def python_source(rng: Dice) -> bytes:
    roll = rng.random() if rng.odd(1) else 1.0
    if roll < 0.2:
        return rng.choice(DEEP_PY).encode()
    if roll < 0.3:
        return NAMED[rng.choice(sorted(NAMED))](rng)
    text = rng.choice(PY_SOURCES).read_text(encoding="utf-8")
    return mutate_text(text, rng) if roll < 0.8 else text.encode()


def pick(rng: Dice, good: list[str], bad: list[str], p_bad: float = 0.1) -> str:
    """Mostly a value the option takes, so the audit itself runs; now and then an odd one."""
    return rng.choice(bad if rng.odd(p_bad) else good)


ODD_FLOATS = ["0", "1", "-1", "nan", "inf", "5", "1e-300", "-0"]


def _tables(rng: Dice, fuzzer: Fuzzer, count: int) -> list[str]:
    paths = []
    for i in range(count):
        suffix, content = table(rng)
        paths.append(str(fuzzer.write(f"t{i}{suffix}", content)))
    if rng.odd(0.05):
        paths[0] = str(fuzzer.folder / "missing.csv")
    elif rng.odd(0.3) and paths[0].endswith(".h5"):
        paths[0] += rng.choice([":table", ":g", ":g/h", ":nope", ":s", ":", ":d"])
    return paths


def _columns(rng: Dice, n: int, pool: list[str]) -> str:
    picked = rng.sample(pool, min(n, len(pool)))
    if rng.odd(0.1):
        picked[0] = rng.choice(["", " ", "nope", "Label", ",", "0"])
    return ",".join(picked)


def _chunk(rng: Dice) -> list[str]:
    return ["--chunk-size", rng.choice(["1", "2", "7", "100000"])] if rng.random() < 0.4 else []


def _leakage(rng: Dice, a: str) -> list[str]:
    group = (["--group-pattern", pick(rng, ["n(\\d)", "(.)", "^(n)", "(?P<a>.)"],
                                      ["(", "()", "x", "n\\d"])]
             if rng.random() < 0.6 else ["--group-column", pick(rng, ["group", "x"], ["nope"])])
    return ["audit", "leakage", a, "--item", pick(rng, ["name", "x"], ["nope"]),
            "--split", pick(rng, ["split", "split", "group"], ["nope"]), *group, *_chunk(rng)]


def _balance(rng: Dice, a: str) -> list[str]:
    extra = ["--predictions", pick(rng, ["score", "label", "split"], ["name"])]
    if rng.random() < 0.5:
        extra += ["--reported", pick(rng, ["accuracy=0.9", "roc_auc=0.7", "balanced_acc=0.5",
                                           "auc=1"], ["accuracy=x", "=", "roc_auc=nan", "nope=1"])]
    if rng.random() < 0.3:
        extra += ["--threshold", pick(rng, ["0.5", "0.2"], ODD_FLOATS, 0.5)]
    return ["audit", "balance", a, "--label", pick(rng, ["label", "split"], ["name", "score"]),
            *extra]


def _baseline(rng: Dice, a: str, b: str) -> list[str]:
    regression = rng.random() < 0.3  # a measured target (score) or classes (label, split)
    metrics = ["r2", "rmse"] if regression else ["roc_auc", "accuracy", "balanced_accuracy",
                                                   "f1"]
    models = ["majority_class", "random_forest"] + ["logistic_regression"] * (not regression)
    return ["audit", "baseline", a, b,
            "--features", _columns(rng, rng.randint(1, 2), ["score", "x", "label"]),
            "--label", pick(rng, ["score"] if regression else ["label", "split"],
                            ["name", "group", "score", "label"]),
            "--model", pick(rng, models, ["x", "logistic_regression"]),
            "--metric", pick(rng, metrics, ["x", "r2", "accuracy"]),
            *(["--compare-to-value", pick(rng, ["0.8", "0.5", "3"], ODD_FLOATS, 0.3),
               "--tolerance", pick(rng, ["0.01", "0"], ODD_FLOATS, 0.3)]
              if rng.random() < 0.7 else []),
            "--seeds", pick(rng, ["0", "0,1"], ["a", ",", "-1", "99999999999999999999"])]


def _neighbours(rng: Dice, a: str, b: str) -> list[str]:
    return ["audit", "neighbours", a, b,
            "--features", _columns(rng, rng.randint(1, 3), ["score", "x", "label"]),
            "--quantile", pick(rng, ["0.05", "0.01", "0.3"], ODD_FLOATS),
            "--max-share", pick(rng, ["0.1", "0.9"], ODD_FLOATS), *_chunk(rng)]


def audit_args(rng: Dice, fuzzer: Fuzzer) -> list[str]:
    """One audit command line on freshly written hostile inputs."""
    which = rng.choice(["leakage", "duplicates", "balance", "baseline", "neighbours", "code"])
    if which == "code":
        env = ["--env", pick(rng, ["PREPROCESS=leaky", "A=B=C", "é=1"], ["X", "="], 0.3)]
        return ["audit", "code", *_code_paths(rng, fuzzer), *(env if rng.random() < 0.3 else [])]
    a, b = _tables(rng, fuzzer, 2)
    if which == "leakage":
        return _leakage(rng, a)
    if which == "duplicates":
        cols = ["--columns", _columns(rng, rng.randint(1, 3), COLUMNS)] * (rng.random() < 0.5)
        return ["audit", "duplicates", a, b, *cols, *_chunk(rng)]
    if which == "balance":
        return _balance(rng, a)
    if which == "baseline":
        return _baseline(rng, a, b)
    return _neighbours(rng, a, b)


def _code_paths(rng: Dice, fuzzer: Fuzzer) -> list[str]:
    paths = []
    for i in range(rng.randint(1, 3)):
        roll = rng.random()
        if roll < 0.1:
            folder = fuzzer.write(f"code{i}", None)
            (folder / "a.py").write_bytes(python_source(rng))
            (folder / "b.ipynb").write_bytes(notebook(rng))
            paths.append(str(folder))
        elif roll < 0.5:
            paths.append(str(fuzzer.write(f"nb{i}.ipynb", notebook(rng))))
        elif roll < 0.95 or not rng.odd(1):
            paths.append(str(fuzzer.write(f"src{i}.py", python_source(rng))))
        else:
            missing = fuzzer.folder / f"gone{i}.py"
            clear(missing)
            paths.append(str(missing))
    return paths


def audit_case(rng: random.Random, fuzzer: Fuzzer) -> Outcome:
    """Two cases in five are calm (well-formed input the audits run through), the rest hostile."""
    dice = Dice(rng.getrandbits(64), hostility=0.0 if rng.random() < 0.4 else 1.0)
    return fuzzer.invoke(audit_args(dice, fuzzer))
