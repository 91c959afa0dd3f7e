"""The report in a real browser: Debian's Chromium, headless, driven by Playwright.

Every page loads from file:// with no console error and no request that is not a local
file (each one is blocked and counted); the index shows each spec's verdict; every plot is
there with its series; the pages read the same with JavaScript off. Screenshots of the
index, a spec page and a run page are kept in `test-artifacts/report/` (git-ignored;
`REPRO_TEST_ARTIFACTS` moves it) for a person to look at.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from record_factory import curve_finding, make_record, write_run

from runner.history.ingest import import_folders
from runner.history.store import open_store
from runner.report.site import write_site

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[3]


def _artifacts() -> Path:
    folder = Path(os.environ.get("REPRO_TEST_ARTIFACTS") or ROOT / "test-artifacts") / "report"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two specs over a week: one holds, one stops reproducing when a package moves."""
    base = tmp_path_factory.mktemp("report")
    runs = base / "runs"
    for day in range(6):
        write_run(runs, make_record("aftershock-mini", day, findings=[curve_finding()],
                                    values=[0.90 + day / 1000, 0.905, 0.897]))
    for day in range(4):
        broken = day == 3
        write_run(runs, make_record(
            "tiny-gnn", day, claimed=0.75, tolerance=0.02, extra_metric=[0.3, 0.31, 0.32],
            values=[0.70, 0.69, 0.71] if broken else [0.75, 0.76, 0.745],
            verdict="not_reproduced" if broken else "reproduced",
            pip=["numpy==1.26.4", "pip==23.0.1", "six==1.17.0" if broken else "six==1.16.0"],
            duration=95.0 if broken else 40.0,
            findings=[{"audit": "leakage", "severity": "critical",
                       "statement": "3 patients in both train and test",
                       "evidence": {"groups": ["p1", "p7", "p9"]}}] if broken else []))
    url = f"sqlite:///{base / 'history.sqlite'}"
    with open_store(url) as store:
        import_folders(store, [runs])
    write_site(base / "site", url)
    return base / "site"


def _open(browser: Any, path: Path, javascript: bool = True) -> tuple[Any, list[str]]:
    """The page at `path`, with every non-file request blocked and every problem listed."""
    context = browser.new_context(java_script_enabled=javascript,
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []

    def block(route: Any) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            problems.append(f"network request: {route.request.url}")
            route.abort()

    page.route("**/*", block)
    page.on("request", lambda r: None if r.url.startswith("file://") else problems.append(
        f"request: {r.url}"))
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.goto(path.as_uri(), wait_until="load")
    return page, problems


def test_every_page_loads_alone_with_nothing_fetched(browser: Any, site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) == 1 + 2 + 10  # index, a page per spec, a page per run
    for path in pages:
        page, problems = _open(browser, path)
        assert problems == [], path
        assert page.title().endswith("· repro")
        for table in page.locator("table").all():
            assert table.locator("thead th").count() > 0, path  # every table has headers
        page.context.close()


def test_index_shows_verdicts_trends_and_drift(browser: Any, site: Path) -> None:
    page, problems = _open(browser, site / "index.html", javascript=False)
    rows = page.locator("table.specs tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).locator("th").inner_text().startswith("aftershock-mini")
    assert rows.nth(0).locator(".verdict").inner_text() == "reproduced"
    assert rows.nth(1).locator(".verdict").inner_text() == "not_reproduced"
    assert "took 2.4x as long" in rows.nth(1).inner_text()
    assert rows.nth(1).locator("td").last.inner_text() == "1"  # critical findings
    assert "tiny-gnn: verdict reproduced -> not_reproduced" in page.locator(
        "#drift + ul").inner_text()
    _check_plots(page, expected=2)
    page.screenshot(path=str(_artifacts() / "index.png"), full_page=True)
    assert problems == []


def test_spec_page_plots_each_metric_and_the_last_change(browser: Any, site: Path) -> None:
    page, problems = _open(browser, site / "spec" / "tiny-gnn.html", javascript=False)
    _check_plots(page, expected=2)  # auc (with its claim) and loss (no claim)
    timeline = page.locator("table.timeline tbody tr")
    assert timeline.count() == 4
    assert timeline.first.locator(".verdict").inner_text() == "not_reproduced"
    beneath = page.locator("table.packages").inner_text()
    assert "six" in beneath and "1.16.0" in beneath and "1.17.0" in beneath
    assert "3 patients in both train and test" in page.locator("table.findings").inner_text()
    page.screenshot(path=str(_artifacts() / "spec-tiny-gnn.png"), full_page=True)
    assert problems == []


def test_run_page_is_the_whole_evidence(browser: Any, site: Path) -> None:
    [run] = [p for p in (site / "run").glob("20250306*/index.html")]
    page, problems = _open(browser, run, javascript=False)
    assert page.locator("table.claims tbody tr").count() == 1
    _check_plots(page, expected=1)  # the learning curve, redrawn from its evidence
    log = page.locator("table.jobs a").first
    assert log.inner_text() == "train"
    page.screenshot(path=str(_artifacts() / "run-aftershock-mini.png"), full_page=True)
    log.click()
    assert page.locator("body").inner_text().strip().startswith("AUC:")
    assert problems == []


def _check_plots(page: Any, expected: int) -> None:
    figures = page.locator("figure[data-series]")
    assert figures.count() == expected
    for i in range(expected):
        figure = figures.nth(i)
        svg = figure.locator("svg")
        assert svg.get_attribute("role") == "img" and svg.get_attribute("aria-label")
        assert svg.bounding_box()["width"] > 100  # drawn, not an empty box
        texts = svg.locator("text").all_inner_texts()
        assert len(texts) >= 4  # a title, axis labels and ticks
        for series in figure.get_attribute("data-series").split(","):
            assert svg.locator(f'[id$="-series-{series}"]').count() == 1, series
