"""The neighbour audit on data with and without SMOTE-style synthetic rows, in many chunks."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from runner.audits import neighbours
from runner.audits.neighbours import audit_neighbours
from runner.errors import UsageError

FEATURES = ["a", "b", "c", "d"]


def _write(path: Path, rows: np.ndarray) -> Path:
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(FEATURES)
        writer.writerows([f"{v:.9g}" for v in row] for row in rows)
    return path


def _smote(rng: np.random.Generator, minority: np.ndarray, count: int) -> np.ndarray:
    """Rows on the segment between a minority row and one of its 5 nearest minority rows."""
    dist = np.linalg.norm(minority[:, None] - minority[None], axis=-1)
    near = np.argsort(dist, axis=1)[:, 1:6]
    a = rng.integers(len(minority), size=count)
    b = near[a, rng.integers(5, size=count)]
    return minority[a] + rng.uniform(size=(count, 1)) * (minority[b] - minority[a])


def _split(tmp_path: Path, data: np.ndarray, rng: np.random.Generator) -> tuple[Path, Path]:
    order = rng.permutation(len(data))
    cut = int(0.7 * len(data))
    return (_write(tmp_path / "train.csv", data[order[:cut]]),
            _write(tmp_path / "test.csv", data[order[cut:]]))


@pytest.fixture(autouse=True)
def _small_query_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(neighbours, "QUERY_CHUNK", 97)  # many query chunks, one odd-sized


def test_clean_random_split_flags_about_one_percent(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    train, test = _split(tmp_path, rng.standard_normal((3000, 4)) * [1, 10, 100, 0.1], rng)
    (finding,) = audit_neighbours(train, test, FEATURES, chunk_size=250)
    ev = finding.evidence
    assert finding.severity == "info"
    assert ev["train_rows"] == 2100 and ev["test_rows"] == 900
    assert ev["interpolated"] == 0
    assert ev["share_flagged"] < 0.03


def test_smote_before_the_split_is_critical(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    majority = rng.standard_normal((2400, 4))
    minority = rng.standard_normal((300, 4)) + 1.5
    data = np.vstack([majority, minority, _smote(rng, minority, 2100)])
    train, test = _split(tmp_path, data, rng)
    (finding,) = audit_neighbours(train, test, FEATURES, chunk_size=250)
    ev = finding.evidence
    assert finding.severity == "critical"
    # 2100 of 4800 rows are synthetic; about half of those in test have both parents in train
    assert 0.12 < ev["share_flagged"] < 0.35
    assert ev["interpolated"] > 5 * ev["near_copies"]
    assert "rows made from training rows" in finding.statement


def test_near_copies_in_the_test_set_are_critical(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    train_rows = rng.standard_normal((2000, 4))
    copies = train_rows[:200] + rng.normal(0, 1e-4, size=(200, 4))
    test_rows = np.vstack([rng.standard_normal((800, 4)), copies])
    train = _write(tmp_path / "train.csv", train_rows)
    test = _write(tmp_path / "test.csv", test_rows)
    (finding,) = audit_neighbours(train, test, FEATURES, chunk_size=300)
    assert finding.severity == "critical"
    assert finding.evidence["near_copies"] >= 200
    copied = [e for e in finding.evidence["examples"] if e["test_row"] > 800]
    assert copied and all(e["train_row"] == e["test_row"] - 800 and e["near_copy"]
                          for e in copied)


def test_result_does_not_depend_on_chunking(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    rng = np.random.default_rng(6)
    minority = rng.standard_normal((200, 4))
    data = np.vstack([rng.standard_normal((1000, 4)), minority, _smote(rng, minority, 600)])
    train, test = _split(tmp_path, data, rng)
    small = audit_neighbours(train, test, FEATURES, chunk_size=64)[0].evidence
    monkeypatch.setattr(neighbours, "QUERY_CHUNK", 100_000)
    whole = audit_neighbours(train, test, FEATURES)[0].evidence
    assert small == whole


def test_bad_input(tmp_path: Path) -> None:
    tiny = _write(tmp_path / "tiny.csv", np.zeros((2, 4)))
    with pytest.raises(UsageError, match="at least 3 training rows"):
        audit_neighbours(tiny, tiny, FEATURES)
    with pytest.raises(UsageError, match="no column 'e'"):
        audit_neighbours(tiny, tiny, ["e"])


def test_cli_exit_codes(tmp_path: Path) -> None:
    import json

    import typer
    from typer.testing import CliRunner

    from runner.cli.audit_cmds import audit_app

    app = typer.Typer()
    app.add_typer(audit_app, name="audit")
    rng = np.random.default_rng(7)
    minority = rng.standard_normal((200, 4))
    train, test = _split(tmp_path, np.vstack([rng.standard_normal((900, 4)), minority,
                                              _smote(rng, minority, 700)]), rng)
    args = ["audit", "neighbours", str(train), str(test), "--features", ",".join(FEATURES)]
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout)["findings"][0]["severity"] == "critical"
    clean_train, clean_test = _split(tmp_path, rng.standard_normal((1500, 4)), rng)
    clean = ["audit", "neighbours", str(clean_train), str(clean_test), "--features", "a,b,c,d"]
    assert CliRunner().invoke(app, clean).exit_code == 0
    assert CliRunner().invoke(app, [*clean, "--quantile", "0.7"]).exit_code == 2
    assert CliRunner().invoke(app, [*args[:4], "--features", "a,zz"]).exit_code == 2
