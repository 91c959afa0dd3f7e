"""The site's files: escaped, self-contained, written whole, never over someone's folder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from record_factory import curve_finding, make_record, write_run

from runner.errors import UsageError
from runner.history.ingest import import_folders
from runner.history.store import open_store
from runner.report.site import MARKER, write_site


def _history(tmp_path: Path, **extra: object) -> str:
    url = f"sqlite:///{tmp_path / 'history.sqlite'}"
    runs = tmp_path / "runs"
    write_run(runs, make_record("tiny", 0, findings=[curve_finding()]))
    hostile = make_record("tiny", 1, values=[0.8, 0.8], verdict="not_reproduced",
                          findings=[{"audit": "leakage", "severity": "critical",
                                     "statement": "<script>alert(1)</script> in both",
                                     "evidence": {"rows": ["<img src=x onerror=alert(1)>"]}}],
                          **extra)  # type: ignore[arg-type]
    hostile["paper"]["title"] = "<b>Bold</b> & claims"
    write_run(runs, hostile)
    with open_store(url) as store:
        import_folders(store, [runs])
    return url


def test_pages_are_written_escaped_and_self_contained(tmp_path: Path) -> None:
    url = _history(tmp_path)
    index = write_site(tmp_path / "site", url)

    site = tmp_path / "site"
    pages = sorted(site.rglob("*.html"))
    assert index == site / "index.html"
    assert [p.relative_to(site).as_posix() for p in pages] == [
        "index.html", "run/20250301T030000Z-8950ab/index.html",
        "run/20250302T030000Z-8950ab/index.html", "spec/tiny.html"]
    for page in pages:
        html = page.read_text()
        assert "<script" not in html, page
        assert not re.search(r'(?:src|href)="(?:https?:)?//', html), page
    for page in ("spec/tiny.html", "run/20250302T030000Z-8950ab/index.html"):
        assert "&lt;script&gt;alert(1)&lt;/script&gt; in both" in (site / page).read_text()
    run = (site / "run/20250302T030000Z-8950ab/index.html").read_text()
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; claims" in run
    assert "&lt;img src=x onerror=alert(1)&gt;" in run
    assert (site / "run/20250302T030000Z-8950ab/logs/seed-0/train.log").read_text() == \
        "AUC: 0.8\n"
    assert (site / "run/20250302T030000Z-8950ab/record.json").is_file()
    assert 'data-series="mean,values,reference"' in \
        (site / "run/20250301T030000Z-8950ab/index.html").read_text()


def test_a_new_report_replaces_the_old_one_whole(tmp_path: Path) -> None:
    url = _history(tmp_path)
    site = tmp_path / "site"
    write_site(site, url)
    (site / "stale.html").write_text("from an older report")
    write_site(site, url)
    assert not (site / "stale.html").exists() and (site / MARKER).is_file()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


def test_a_folder_with_other_files_is_never_replaced(tmp_path: Path) -> None:
    url = _history(tmp_path)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("precious")
    with pytest.raises(UsageError, match="holds no repro report"):
        write_site(mine, url)
    assert (mine / "thesis.tex").read_text() == "precious"


def test_logs_outside_the_run_folder_are_never_copied(tmp_path: Path) -> None:
    record = make_record("tiny", 0)
    record["runs"][0]["steps"][0]["log"] = "../../../secret.txt"
    write_run(tmp_path / "runs", record)
    (tmp_path / "secret.txt").write_text("do not publish")  # where that path leads
    url = f"sqlite:///{tmp_path / 'history.sqlite'}"
    with open_store(url) as store:
        import_folders(store, [tmp_path / "runs"])
    write_site(tmp_path / "site", url)
    site = tmp_path / "site"
    assert not any("do not publish" in p.read_text(errors="replace")
                   for p in site.rglob("*") if p.is_file())
    assert (site / "run/20250301T030000Z-8950ab/logs/seed-1/train.log").is_file()


def test_unchanged_run_pages_are_reused_and_changed_ones_redrawn(tmp_path: Path) -> None:
    url = _history(tmp_path)
    site = tmp_path / "site"
    write_site(site, url)
    pages = sorted((site / "run").glob("*/index.html"))
    for page in pages:
        page.write_text(page.read_text() + "<!-- from the first report -->")
    changed = make_record("tiny", 1, values=[0.8, 0.8], verdict="not_reproduced")
    changed["summary"] = "re-judged"
    write_run(tmp_path / "runs", changed)
    with open_store(url) as store:
        import_folders(store, [tmp_path / "runs"])

    write_site(site, url)

    kept, redrawn = (p.read_text() for p in pages)
    assert kept.endswith("<!-- from the first report -->")
    assert "from the first report" not in redrawn and "re-judged" in redrawn
