"""Durations and sizes as people write them, and back."""

from __future__ import annotations

import pytest

from runner.spec.units import format_duration, format_size, parse_duration, parse_size


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90m", 5400), ("12h", 43200), ("1.5d", 129600), ("30", 30), (30, 30), (2.5, 2.5),
     ("45s", 45), ("10 sec", 10), ("5min", 300), ("2hr", 7200), ("250ms", 0.25),
     (" 3H ", 10800), ("1D", 86400)],
)
def test_parse_duration(text: str | float, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("bad", ["", "soon", "10x", "1.5.2h", "-5m", "h", "1 h 30 m", "1e3"])
def test_bad_durations_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(bad)


@pytest.mark.parametrize("bad", [0, -5, "0", "0m", True, False])
def test_durations_must_be_positive_numbers(bad: object) -> None:
    with pytest.raises(ValueError):
        parse_duration(bad)


@pytest.mark.parametrize(
    ("text", "size"),
    [("16g", 16 * 1024**3), ("512m", 512 * 1024**2), ("2GiB", 2 * 1024**3), ("1024", 1024),
     (1024, 1024), ("1k", 1024), ("1kb", 1024), ("1t", 1024**4), ("1.5g", 1536 * 1024**2),
     ("100b", 100), (" 4 G ", 4 * 1024**3)],
)
def test_parse_size(text: str | int, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("bad", ["", "lots", "16x", "-1g", "1gg", "g", "1pb"])
def test_bad_sizes_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="size"):
        parse_size(bad)


@pytest.mark.parametrize("bad", [0, "0", "0m", -1, True])
def test_sizes_must_be_positive(bad: object) -> None:
    with pytest.raises(ValueError):
        parse_size(bad)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(86400, "1d"), (43200, "12h"), (5400, "90m"), (45, "45s"), (0.25, "0.25s"), (90, "90s")],
)
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize(("size", "text"), [(16 * 1024**3, "16g"), (512 * 1024**2, "512m"),
                                            (1024, "1k"), (1000, "1000"), (1024**4, "1t")])
def test_format_size_round_trips(size: int, text: str) -> None:
    assert format_size(size) == text
    assert parse_size(text) == size
