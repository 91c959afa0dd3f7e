"""Plots: matplotlib SVG with a title, axis labels, an accessible name and named series."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from runner.audits.plot import line_plot_svg
from runner.history.summary import MetricSummary
from runner.report.plots import Point, metric_svg, scoped

SVG = "{http://www.w3.org/2000/svg}"


def _ids(svg: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', svg))


def test_metric_over_runs_has_intervals_and_the_claims_band() -> None:
    points = [Point(f"03-0{i} 03:00", MetricSummary("auc", 3, m, m - 0.01, m + 0.01, 0.9, 0.01,
                                                    True, v))
              for i, (m, v) in enumerate([(0.9, "reproduced"), (0.8, "not_reproduced")], 1)]
    svg = metric_svg("tiny <paper>", "auc", points)

    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.findtext(f"{SVG}title", "").startswith("auc of tiny <paper> across runs: ")
    assert "claimed 0.9 ± 0.01" in root.get("aria-label", "")
    assert {"series-runs", "series-intervals", "series-claim-band", "series-claim",
            "series-missed"} <= _ids(svg)
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "auc of tiny <paper>" in texts and "run (date, UTC)" in texts  # title, x label


def test_learning_curve_plot_is_matplotlib_svg() -> None:
    svg = line_plot_svg("Learning curve: auc", "fraction", "auc", [(0.1, 0.8), (1.0, 0.9)],
                        [(0.1, 0.79), (0.1, 0.81)], (0.855, "95% of full-data auc"))
    assert svg.startswith("<svg") and "Matplotlib" not in svg.split(">", 1)[0]
    assert {"series-mean", "series-values", "series-reference"} <= _ids(svg)
    assert "http://" not in svg.replace("http://www.w3.org/", "")  # nothing to fetch


def test_scoped_ids_stay_unique_and_references_follow() -> None:
    svg = line_plot_svg("t", "x", "y", [(0.1, 1.0), (1.0, 2.0)])
    one, two = scoped(svg, "plot1"), scoped(svg, "plot2")
    assert _ids(one).isdisjoint(_ids(two))
    for ref in re.findall(r'(?:href="#|url\(#)([^")]+)', one):
        assert ref in _ids(one)
