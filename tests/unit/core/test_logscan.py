"""Metrics matched while a log streams: which match counts (`match:`), and why none does."""

from __future__ import annotations

import pytest

from runner.core.lograte import LiveLines, collapse
from runner.core.logscan import LogScanner, MetricNotFound, scan_text
from runner.spec.models import RegexMetric

NOTEBOOK = ["accuracy 0.967", "Standard error:", "accuracy 0.013", "accuracy 0.020"]


def metric(match: object = "last", regex: str = r"accuracy ([0-9.]+)") -> RegexMetric:
    return RegexMetric.model_validate({"regex": regex, "step": "train", "match": match})


@pytest.mark.parametrize(("match", "value"), [
    ("last", 0.020), ("first", 0.967), (1, 0.967), (2, 0.013), ("mean", (0.967 + 0.013 + 0.02) / 3),
])
def test_match_chooses_which_value_counts(match: object, value: float) -> None:
    assert scan_text(metric(match), NOTEBOOK) == pytest.approx(value)


def test_last_is_the_default() -> None:
    assert RegexMetric(regex="x", step="train").match == "last"


def test_occurrence_is_the_older_name_of_match() -> None:
    old = RegexMetric.model_validate({"regex": "x", "step": "t", "occurrence": "first"})
    assert old.match == "first"
    with pytest.raises(ValueError, match="not both"):
        RegexMetric.model_validate({"regex": "x", "step": "t", "occurrence": "first",
                                    "match": "last"})


@pytest.mark.parametrize("bad", [0, -1, "second", True, 1.5])
def test_match_must_be_a_known_word_or_a_positive_index(bad: object) -> None:
    with pytest.raises(ValueError):
        metric(bad)


def test_an_index_past_the_last_match_says_how_many_there_were() -> None:
    with pytest.raises(MetricNotFound, match="matched 3 time.*match 5"):
        scan_text(metric(5), NOTEBOOK)


def test_mean_refuses_a_match_that_is_not_a_number() -> None:
    with pytest.raises(MetricNotFound, match="match 2"):
        scan_text(metric("mean", r"acc (\S+)"), ["acc 0.5", "acc nan?"])


def test_several_matches_on_one_line_all_count() -> None:
    assert scan_text(metric(2, r"v=([0-9]+)"), ["v=1 v=2 v=3"]) == 2


def test_the_scanner_feeds_every_metric_of_the_step_and_keeps_no_lines() -> None:
    scanner = LogScanner({"a": metric("first"), "b": metric("last", r"loss ([0-9.]+)")})
    for i in range(100_000):
        scanner.feed(f"step {i} loss {i / 1000} accuracy {i / 100000}")
    assert scanner.tallies["a"].value() == 0.0
    assert scanner.tallies["b"].value() == 99.999
    assert scanner.tallies["a"].count == 100_000


def test_a_progress_bar_redrawn_with_carriage_returns_shows_its_last_state() -> None:
    assert collapse("  1%|#   \r 50%|#####  \r100%|##########\r") == "100%|##########"
    assert len(collapse("x" * 10_000)) < 500


def test_the_live_view_is_rate_limited_and_says_what_it_hid() -> None:
    now = [0.0]
    live = LiveLines(per_second=10, clock=lambda: now[0])
    shown = [line for i in range(1000) for line in live.feed(f"line {i}")]
    assert shown == [f"line {i}" for i in range(10)]
    now[0] = 1.5
    assert live.feed("later") == ["[... 990 lines not shown ...]", "later"]
    assert live.flush() == []
