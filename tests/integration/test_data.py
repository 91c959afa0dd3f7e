"""Datasets on a real engine: manual data (missing, mounted read-only) and cached downloads."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from itest_support import invoke, last_record, output_of, write_spec

pytestmark = pytest.mark.docker

INSTRUCTIONS = "Request the corpus from the authors at corpus-request.example.org and unzip it."
READ_AND_WRITE = [
    {"name": "read", "run": "echo \"value=$(cat /work/data/values.txt)\""},
    {"name": "write", "run": "if touch /work/data/new.txt 2>err.txt; then echo write=ok; "
                             "else echo write=failed; cat err.txt; fi"},
]
MANUAL = {"name": "corpus", "source": "manual", "instructions": INSTRUCTIONS,
          "mount": "/work/data"}


def test_missing_manual_dataset_says_how_to_get_it(engine_ready, tmp_path, isolated_cache,
                                                   leftovers):
    runs = tmp_path / "runs"
    spec = write_spec(tmp_path, "manual", READ_AND_WRITE, data=[MANUAL])

    result = invoke(["run", str(spec), "--quiet"], runs)

    assert result.exit_code == 3, output_of(result)
    expected_folder = str(tmp_path / "manual-data" / "corpus")  # REPRO_DATA/<name>
    printed = output_of(result)
    assert INSTRUCTIONS in printed
    assert expected_folder in printed
    assert "REPRO_DATA" in printed
    record, _ = last_record(runs, "manual")
    assert record["status"] == "failed"
    assert record["exit_code"] == 3
    assert INSTRUCTIONS in record["reason"] and expected_folder in record["reason"]
    assert "runs" not in record  # no step ran without the data
    assert leftovers() == []


def test_present_manual_dataset_is_mounted_read_only(engine_ready, tmp_path, isolated_cache,
                                                     leftovers):
    runs = tmp_path / "runs"
    data = tmp_path / "manual-data" / "corpus"
    data.mkdir(parents=True)
    (data / "values.txt").write_text("42\n")
    spec = write_spec(tmp_path, "manual", READ_AND_WRITE, data=[MANUAL])

    result = invoke(["run", str(spec), "--quiet"], runs)

    assert result.exit_code == 0, output_of(result)
    record, folder = last_record(runs, "manual")
    assert record["status"] == "completed"
    assert "value=42" in (folder / "seed-0/read.log").read_text()
    write_log = (folder / "seed-0/write.log").read_text()
    assert "write=failed" in write_log
    assert "Read-only file system" in write_log
    assert sorted(p.name for p in data.iterdir()) == ["values.txt"]
    [entry] = record["data"]
    assert entry["name"] == "corpus" and entry["mount"] == "/work/data"
    assert entry["manual"] is True
    assert entry["source"] == str(data)
    assert len(entry["sha256"]) == 64
    assert leftovers() == []


def _url_spec(tmp_path: Path, url: str, sha256: str, file_name: str) -> Path:
    steps = [{"name": "read", "run": "ls /work/data; echo \"rows=$(wc -l < /work/data/"
                                     "table.csv)\"; head -n 1 /work/data/table.csv"}]
    return write_spec(tmp_path, "urldata", steps, file_name=file_name,
                      data=[{"name": "table", "url": url, "sha256": sha256,
                             "mount": "/work/data"}])


def test_url_dataset_is_downloaded_once_and_cached(engine_ready, tmp_path, isolated_cache,
                                                   leftovers):
    runs = tmp_path / "runs"
    source = tmp_path / "upstream" / "table.csv"
    source.parent.mkdir()
    body = b"id,value\n1,0.5\n2,0.7\n"
    source.write_bytes(body)
    sha = hashlib.sha256(body).hexdigest()
    spec = _url_spec(tmp_path, source.as_uri(), sha, "urldata.yaml")

    first = invoke(["run", str(spec), "--quiet"], runs)

    assert first.exit_code == 0, output_of(first)
    record, folder = last_record(runs, "urldata")
    cached = isolated_cache / "data" / "sha256" / sha / "table.csv"
    assert cached.read_bytes() == body
    [entry] = record["data"]
    assert entry["sha256"] == sha and entry["manual"] is False
    assert entry["source"] == str(cached.parent)
    log = (folder / "seed-0/read.log").read_text()
    assert "rows=3" in log and "id,value" in log
    stamp = cached.stat().st_mtime_ns

    source.unlink()  # a second run must not need the upstream file
    second = invoke(["run", str(spec), "--quiet"], runs)

    assert second.exit_code == 0, output_of(second)
    again, folder = last_record(runs, "urldata")
    assert again["data"][0]["source"] == str(cached.parent)
    assert "rows=3" in (folder / "seed-0/read.log").read_text()
    assert cached.stat().st_mtime_ns == stamp  # not downloaded again
    assert not list((isolated_cache / "data" / "sha256").glob(".partial-*"))
    assert leftovers() == []


def test_url_dataset_with_wrong_checksum_fails(engine_ready, tmp_path, isolated_cache,
                                               leftovers):
    runs = tmp_path / "runs"
    source = tmp_path / "upstream" / "table.csv"
    source.parent.mkdir()
    source.write_bytes(b"id,value\n1,0.5\n")
    wrong = hashlib.sha256(b"something else").hexdigest()
    spec = _url_spec(tmp_path, source.as_uri(), wrong, "urldata-wrong.yaml")

    result = invoke(["run", str(spec), "--quiet"], runs)

    assert result.exit_code == 3, output_of(result)
    assert "checksum mismatch" in output_of(result)
    record, _ = last_record(runs, "urldata")
    assert record["status"] == "failed"
    assert record["exit_code"] == 3
    assert "checksum mismatch" in record["reason"] and wrong in record["reason"]
    assert "runs" not in record
    store = isolated_cache / "data" / "sha256"
    assert [p.name for p in store.iterdir()] == []  # nothing half-written kept
    assert leftovers() == []
