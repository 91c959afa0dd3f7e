"""`repro fetch` then a run with the network gone (git remote moved away, data server
stopped), and `repro images export` -> remove the image -> `import` -> a run reuses it."""

from __future__ import annotations

import functools
import hashlib
import http.server
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from itest_support import AUC_METRICS, invoke, last_record, output_of, spec_name, write_spec

MakeRepo = Callable[..., tuple[Path, str]]
DATA = b"label,value\n1,0.91\n"
TRAIN = ("import json, os\nv = open('/work/input/data.csv').read().split()[-1].split(',')[1]\n"
         "print('AUC: ' + v)\nos.makedirs('results', exist_ok=True)\n"
         "json.dump({'test': {'auc': float(v)}}, open('results/metrics.json', 'w'))\n")


@pytest.fixture
def data_server(tmp_path: Path) -> Iterator[tuple[str, Callable[[], None]]]:
    """A local HTTP server for the dataset, and a function that stops it."""
    root = tmp_path / "www"
    root.mkdir()
    (root / "data.csv").write_bytes(DATA)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stopped = False

    def stop() -> None:
        nonlocal stopped
        if not stopped:
            server.shutdown()
            server.server_close()
            stopped = True

    yield f"http://127.0.0.1:{server.server_address[1]}/data.csv", stop
    stop()


def _spec(tmp_path: Path, make_git_repo: MakeRepo, url: str, short: str) -> tuple[Path, Path]:
    repo, sha = make_git_repo({"train.py": TRAIN}, f"paper-{short}")
    spec = write_spec(
        tmp_path / "specs", short, [{"name": "train", "run": "python3 train.py"}],
        repo={"url": str(repo), "commit": sha},
        data=[{"name": "input", "url": url, "sha256": hashlib.sha256(DATA).hexdigest(),
               "mount": "/work/input"}],
        metrics=AUC_METRICS,
        claims=[{"metric": "auc", "value": 0.91, "tolerance": 0.01}])
    return spec, repo


@pytest.mark.docker
def test_after_fetch_a_run_needs_no_network(engine_ready: str, tmp_path: Path,
                                            make_git_repo: MakeRepo,
                                            data_server: tuple[str, Callable[[], None]]) -> None:
    url, stop = data_server
    spec, repo = _spec(tmp_path, make_git_repo, url, "fetch")
    result = invoke(["fetch", str(spec)])
    assert result.exit_code == 0, result.output
    text = output_of(result)
    assert "ready" in text and "1 dataset(s)" in text and "(built)" in text
    # The network goes: the git remote is moved away and the data server stops.
    stop()
    repo.rename(repo.with_name("moved-away"))
    runs = tmp_path / "runs"
    result = invoke(["run", str(spec), "--quiet"], runs)
    assert result.exit_code == 0, result.output
    record, _ = last_record(runs, "fetch")
    assert record["image"]["reused"] is True
    assert record["status"] == "completed"
    # A second fetch finds everything in place.
    result = invoke(["fetch", str(spec)])
    assert result.exit_code == 0 and "(present)" in output_of(result), result.output


@pytest.mark.docker
def test_export_remove_import_then_the_run_reuses_the_image(
        engine_ready: str, tmp_path: Path, make_git_repo: MakeRepo, docker_client: Any,
        data_server: tuple[str, Callable[[], None]]) -> None:
    spec, _ = _spec(tmp_path, make_git_repo, data_server[0], "export")
    assert invoke(["fetch", str(spec)]).exit_code == 0
    archive = tmp_path / "images.tar"
    result = invoke(["images", "export", str(spec), "-o", str(archive)])
    assert result.exit_code == 0, result.output
    tag = result.output.split(": ")[-1].strip()
    assert tag.startswith(f"repro/{spec_name('export')}:"), result.output
    image = docker_client.images.get(tag)
    labels = dict(image.labels)
    docker_client.images.remove(image.id, force=True)
    # A damaged copy is refused before anything is loaded.
    damaged = tmp_path / "damaged.tar"
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    result = invoke(["images", "import", str(damaged)])
    assert result.exit_code == 4 and "damaged" in output_of(result), result.output
    assert not docker_client.images.list(name=tag.split(":")[0])
    result = invoke(["images", "import", str(archive)])
    assert result.exit_code == 0 and "digest verified" in result.output, result.output
    loaded = docker_client.images.get(tag)
    assert loaded.id == image.id
    assert loaded.labels["org.repro.cache-key"] == labels["org.repro.cache-key"]
    runs = tmp_path / "runs"
    result = invoke(["run", str(spec), "--quiet"], runs)
    assert result.exit_code == 0, result.output
    record, _ = last_record(runs, "export")
    assert record["image"]["reused"] is True and record["image"]["id"] == image.id


def test_import_of_a_file_that_is_not_an_archive_is_a_usage_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tar at all" * 100)
    result = invoke(["images", "import", str(junk)])
    assert result.exit_code == 2 and "not an image archive" in output_of(result), result.output
