from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import pytest

from runner.audits import readers
from runner.audits.readers import iter_chunks, list_columns, read_columns
from runner.errors import UsageError


def _table(n: int = 10) -> dict[str, list[float | str]]:
    return {"name": [f"item{i}" for i in range(n)], "x": [i * 0.5 for i in range(n)]}


def test_csv(write_csv) -> None:  # type: ignore[no-untyped-def]
    t = _table()
    path = write_csv("t.csv", ["name", "x"], list(zip(t["name"], t["x"], strict=True)))
    table = read_columns(path, numeric=["x"])
    assert table["name"].tolist() == t["name"]
    assert table["x"].dtype == np.float64
    assert table["x"].tolist() == t["x"]


def test_jsonl(write_jsonl) -> None:  # type: ignore[no-untyped-def]
    path = write_jsonl("t.jsonl", [{"name": "a", "x": 1}, {"name": "b", "x": 2.5}])
    assert list_columns(path) == ["name", "x"]
    assert read_columns(path, ["x"], numeric=["x"])["x"].tolist() == [1.0, 2.5]


def test_npy_structured_and_plain(tmp_path: Path) -> None:
    structured = np.array([(1, 0.5), (2, 1.5)], dtype=[("id", "i8"), ("score", "f8")])
    np.save(tmp_path / "s.npy", structured)
    assert list_columns(tmp_path / "s.npy") == ["id", "score"]
    assert read_columns(tmp_path / "s.npy", ["score"])["score"].tolist() == [0.5, 1.5]
    np.save(tmp_path / "p.npy", np.arange(12.0).reshape(4, 3))
    assert list_columns(tmp_path / "p.npy") == ["0", "1", "2"]
    assert read_columns(tmp_path / "p.npy", ["2"])["2"].tolist() == [2.0, 5.0, 8.0, 11.0]


def test_hdf5_dataset_and_group(tmp_path: Path) -> None:
    path = tmp_path / "d.h5"
    with h5py.File(path, "w") as fh:
        fh["table"] = np.array([(1, 0.5), (2, 1.5)], dtype=[("id", "i8"), ("score", "f8")])
        fh["matrix"] = np.arange(6.0).reshape(3, 2)
        grp = fh.create_group("cols")
        grp["quake"] = np.array([b"a", b"b", b"c"])
        grp["mag"] = np.array([5.0, 6.0, 7.0])
    assert read_columns(f"{path}:table", ["id"])["id"].tolist() == [1, 2]
    assert read_columns(f"{path}:matrix", ["1"])["1"].tolist() == [1.0, 3.0, 5.0]
    cols = read_columns(f"{path}:cols")
    assert sorted(cols) == ["mag", "quake"]
    assert cols["quake"].tolist() == ["a", "b", "c"]  # bytes decoded to str
    with pytest.raises(UsageError, match="no dataset or group 'nope'"):
        list_columns(f"{path}:nope")


def test_hdf5_root_group_of_columns(tmp_path: Path) -> None:
    path = tmp_path / "root.hdf5"
    with h5py.File(path, "w") as fh:
        fh["a"] = np.arange(7)
        fh["b"] = np.arange(7) * 2
    chunks = list(iter_chunks(path, ["b"], chunk_size=3))
    assert [len(c["b"]) for c in chunks] == [3, 3, 1]


@pytest.mark.parametrize("suffix", ["csv", "jsonl", "npy", "h5"])
def test_many_chunks_give_the_same_table(tmp_path: Path, suffix: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    n = 20
    names = np.array([f"r{i}" for i in range(n)])
    values = np.arange(n) * 1.25
    path = tmp_path / f"t.{suffix}"
    if suffix == "csv":
        path.write_text(
            "name,v\n" + "".join(f"{a},{b}\n" for a, b in zip(names, values, strict=True))
        )
    elif suffix == "jsonl":
        path.write_text(
            "".join(f'{{"name": "{a}", "v": {b}}}\n' for a, b in zip(names, values, strict=True))
        )
    elif suffix == "npy":
        table = np.zeros(n, dtype=[("name", "U8"), ("v", "f8")])
        table["name"], table["v"] = names, values
        np.save(path, table)
    else:
        with h5py.File(path, "w") as fh:
            fh["name"] = names.astype("S")
            fh["v"] = values
    whole = read_columns(path, ["name", "v"], numeric=["v"])
    monkeypatch.setattr(readers, "DEFAULT_CHUNK_SIZE", 3)
    chunks = list(iter_chunks(path, ["name", "v"], numeric=["v"]))
    assert len(chunks) == 7
    assert [str(x) for c in chunks for x in c["name"]] == [str(x) for x in whole["name"]]
    assert np.concatenate([c["v"] for c in chunks]).tolist() == whole["v"].tolist()


def test_missing_column_suggests_the_closest(write_csv) -> None:  # type: ignore[no-untyped-def]
    path = write_csv("t.csv", ["aftershock", "stress_xx"], [[1, 0.5]])
    with pytest.raises(UsageError) as info:
        read_columns(path, ["aftershocks"])
    assert "available: aftershock, stress_xx" in str(info.value)
    assert "did you mean 'aftershock'?" in str(info.value)
    assert str(path) in str(info.value)


def test_non_numeric_value_names_the_row(write_csv) -> None:  # type: ignore[no-untyped-def]
    path = write_csv("t.csv", ["x"], [[1], [2], ["oops"], [4]])
    with pytest.raises(UsageError, match="data row 3 holds 'oops'"):
        read_columns(path, numeric=["x"])
    # ... also when the bad row is in a later chunk.
    with pytest.raises(UsageError, match="data row 3 "):
        list(iter_chunks(path, numeric=["x"], chunk_size=2))


def test_empty_and_header_only_files(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_text("")
    with pytest.raises(UsageError, match="empty"):
        read_columns(tmp_path / "e.csv")
    (tmp_path / "h.csv").write_text("a,b\n")
    with pytest.raises(UsageError, match="no data rows"):
        read_columns(tmp_path / "h.csv")


def test_unknown_extension_and_missing_file(tmp_path: Path) -> None:
    (tmp_path / "t.parquet").write_text("x")
    with pytest.raises(UsageError, match="unknown format '.parquet'"):
        read_columns(tmp_path / "t.parquet")
    with pytest.raises(UsageError, match="file not found"):
        read_columns(tmp_path / "missing.csv")


def test_malformed_rows(tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text("a,b\n1,2\n3\n")
    with pytest.raises(UsageError, match="data row 2 has 1 fields"):
        read_columns(tmp_path / "r.csv")
    (tmp_path / "j.jsonl").write_text('{"a": 1}\nnot json\n')
    with pytest.raises(UsageError, match="line 2 is not JSON"):
        read_columns(tmp_path / "j.jsonl")
    (tmp_path / "bad.npy").write_text("not an array")
    with pytest.raises(UsageError, match="not a readable .npy"):
        read_columns(tmp_path / "bad.npy")
    (tmp_path / "bad.h5").write_text("not hdf5")
    with pytest.raises(UsageError, match="not a readable HDF5"):
        read_columns(tmp_path / "bad.h5")
