from __future__ import annotations

from pathlib import Path

import pytest

from runner.audits.leakage import audit_leakage
from runner.errors import UsageError

PATTERN = r"^(\d{4}[A-Za-z]{6})"


def _manifest(write_csv, rows: list[tuple[str, str]]) -> Path:  # type: ignore[no-untyped-def]
    return write_csv("split.csv", ["Name", "Original"], rows)  # type: ignore[no-any-return]


CLEAN = [
    ("1992LANDER_a", "train"),
    ("1992LANDER_b", "train"),
    ("1994NORTHR_a", "test"),
    ("1999HECTOR_a", "train"),
    ("2004PARKFI_a", "test"),
    ("2004PARKFI_b", "test"),
]


def test_clean_split_is_info(write_csv) -> None:  # type: ignore[no-untyped-def]
    findings = audit_leakage(_manifest(write_csv, CLEAN), "Name", "Original", group_pattern=PATTERN)
    assert [f.severity for f in findings] == ["info"]
    assert findings[0].statement == "no group appears in more than one split"
    assert findings[0].evidence["groups"] == 4


def test_planted_group_leak_is_critical(write_csv) -> None:  # type: ignore[no-untyped-def]
    rows = [*CLEAN, ("1992LANDER_c", "test"), ("1999HECTOR_b", "test")]
    findings = audit_leakage(_manifest(write_csv, rows), "Name", "Original", group_pattern=PATTERN)
    (leak,) = findings
    assert leak.severity == "critical"
    assert leak.statement == "2 of 4 groups appear in more than one split"
    assert leak.evidence["leaking_groups"] == ["1992LANDER", "1999HECTOR"]
    lander = leak.evidence["leaking"][0]["splits"]
    assert lander["train"] == {"rows": 2, "items": ["1992LANDER_a", "1992LANDER_b"]}
    assert lander["test"] == {"rows": 1, "items": ["1992LANDER_c"]}


def test_same_item_in_both_splits(write_csv) -> None:  # type: ignore[no-untyped-def]
    rows = [*CLEAN, ("2004PARKFI_a", "train")]
    findings = audit_leakage(_manifest(write_csv, rows), "Name", "Original", group_pattern=PATTERN)
    statements = {f.statement for f in findings}
    assert "1 item appears in more than one split" in statements
    assert all(f.severity == "critical" for f in findings)


def test_unmatched_items_warn(write_csv) -> None:  # type: ignore[no-untyped-def]
    rows = [*CLEAN, ("readme", "train")]
    findings = audit_leakage(_manifest(write_csv, rows), "Name", "Original", group_pattern=PATTERN)
    warning = next(f for f in findings if f.severity == "warning")
    assert warning.evidence["examples"] == ["readme"]


def test_group_column_and_pattern_without_group(write_csv) -> None:  # type: ignore[no-untyped-def]
    rows = [("a1", "train", "q1"), ("a2", "test", "q1"), ("b1", "test", "q2")]
    path = write_csv("m.csv", ["item", "split", "quake"], rows)
    (finding,) = audit_leakage(path, "item", "split", group_column="quake")
    assert finding.statement == "1 of 2 groups appear in more than one split"
    # A pattern with no capture group keys on the whole match.
    (finding,) = audit_leakage(path, "item", "split", group_pattern="[a-z]")
    assert finding.evidence["leaking_groups"] == ["a"]


def test_chunk_size_does_not_change_the_answer(write_csv) -> None:  # type: ignore[no-untyped-def]
    rows = [(f"{1990 + i % 7}QUAKES_{i}", "train" if i % 3 else "test") for i in range(40)]
    path = _manifest(write_csv, rows)
    whole = audit_leakage(path, "Name", "Original", group_pattern=PATTERN)
    chunked = audit_leakage(path, "Name", "Original", group_pattern=PATTERN, chunk_size=3)
    assert [f.to_dict() for f in whole] == [f.to_dict() for f in chunked]
    assert whole[0].evidence["groups_leaking"] == 7


def test_bad_options(write_csv) -> None:  # type: ignore[no-untyped-def]
    path = _manifest(write_csv, CLEAN)
    with pytest.raises(UsageError, match="exactly one"):
        audit_leakage(path, "Name", "Original")
    with pytest.raises(UsageError, match="exactly one"):
        audit_leakage(path, "Name", "Original", group_pattern="x", group_column="y")
    with pytest.raises(UsageError, match="not a valid regular expression"):
        audit_leakage(path, "Name", "Original", group_pattern="(")
