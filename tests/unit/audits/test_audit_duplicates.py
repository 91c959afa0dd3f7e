from __future__ import annotations

from pathlib import Path

import numpy as np

from runner.audits.duplicates import audit_duplicates


def _rows(start: int, n: int) -> list[tuple[int, float, str]]:
    return [(i, i * 0.1, f"s{i}") for i in range(start, start + n)]


def test_no_shared_rows_is_info(write_csv) -> None:  # type: ignore[no-untyped-def]
    train = write_csv("train.csv", ["a", "b", "c"], _rows(0, 50))
    test = write_csv("test.csv", ["a", "b", "c"], _rows(100, 50))
    (finding,) = audit_duplicates(train, test)
    assert finding.severity == "info"
    assert finding.evidence["test_rows_in_train"] == 0


def test_planted_duplicates_are_critical(write_csv) -> None:  # type: ignore[no-untyped-def]
    train = write_csv("train.csv", ["a", "b", "c"], _rows(0, 50))
    test = write_csv("test.csv", ["a", "b", "c"], _rows(100, 40) + _rows(10, 10))
    (finding,) = audit_duplicates(train, test)
    assert finding.severity == "critical"
    assert finding.statement == "10 of 50 test rows (20.0%) also occur in train"
    first = finding.evidence["examples"][0]
    assert first["test_row"] == 41 and first["train_row"] == 11
    # The same answer when both files are read three rows at a time.
    (chunked,) = audit_duplicates(train, test, chunk_size=3)
    assert chunked.to_dict() == finding.to_dict()


def test_one_in_two_hundred_is_a_warning(write_csv) -> None:  # type: ignore[no-untyped-def]
    train = write_csv("train.csv", ["a", "b", "c"], _rows(0, 10))
    test = write_csv("test.csv", ["a", "b", "c"], _rows(1000, 199) + _rows(3, 1))
    (finding,) = audit_duplicates(train, test)
    assert finding.severity == "warning"
    assert finding.evidence["fraction_of_test"] == 0.005


def test_selected_columns_and_formats_compare_by_value(write_csv, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    train = write_csv("train.csv", ["a", "b", "c"], [(1, 2.5, "x"), (2, 3.5, "y")])
    test = tmp_path / "test.npy"
    np.save(
        test,
        np.array([(1.0, 2.5, 0), (9.0, 9.9, 0)], dtype=[("a", "f8"), ("b", "f8"), ("z", "i8")]),
    )
    (finding,) = audit_duplicates(train, test, columns=["a", "b"])
    assert finding.evidence["test_rows_in_train"] == 1
