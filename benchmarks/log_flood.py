"""A step that prints 1 GiB: repro's peak memory and time, beside plain `docker run > file`.

repro streams the output: every line is scrubbed, matched against the step's metrics,
written to the capped log (head and tail, default 32m) and shown rate-limited, so its
memory should stay flat whatever the step prints (target: peak RSS under 150 MB).

Both sides run the same command in the same image: a Python loop printing training-like
lines (a progress bar every few lines, as `tqdm` would) until SIZE bytes.

Usage: python benchmarks/log_flood.py [--size 1g] [--keep]
Prints one JSON object: repro's wall time and peak RSS (the child's ru_maxrss), the
docker CLI's, the stored log's size and the bytes dropped.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from runner.spec.units import parse_size

BASE = "repro/debian-python:bookworm"
PRINTER = """
import sys
limit = int(sys.argv[1])
out = sys.stdout
line = "epoch 3 batch {:08d} loss 0.4321 acc 0.8765 " + "#" * 60 + "\\n"
written = i = 0
while written < limit:
    text = line.format(i)
    if i % 50 == 0:
        text = "\\r 42%|####      | " + text
    out.write(text)
    written += len(text)
    i += 1
out.write("accuracy 0.967\\n")
"""


# Runs a command and reports its peak RSS: ru_maxrss of the children of a fresh process, so
# one measurement never sees another's peak.
MEASURE = ("import resource, subprocess, sys; "
           "out = open(sys.argv[1], 'wb') if sys.argv[1] != '-' else subprocess.DEVNULL; "
           "subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.STDOUT); "
           "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def _child_run(command: list[str], stdout: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of `command`, its output to `stdout` or nowhere."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", MEASURE, str(stdout or "-"), *command],
                          capture_output=True, text=True, check=True)
    return time.monotonic() - started, int(done.stdout.split()[-1]) / 1024


def _spec(path: Path, size: int, cap: str | None) -> Path:
    path.write_text(yaml.safe_dump({
        "version": 1, "name": "bench-log-flood", "paper": {"title": "log flood"},
        "repo": {"path": "code"}, "environment": {"base": BASE}, "seeds": [0],
        "steps": [{"name": "train", "run": f"python3 printer.py {size}"}],
        "metrics": {"acc": {"regex": r"^accuracy ([0-9.]+)", "step": "train"}},
        **({"logs": {"max": cap}} if cap else {}),
    }))
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="1g")
    parser.add_argument("--cap", default=None, help="the spec's logs.max (default: repro's)")
    parser.add_argument("--quiet", action="store_true", help="repro run --quiet")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()
    size = parse_size(args.size)
    work = Path(tempfile.mkdtemp(prefix="repro-flood-"))
    code = work / "code"
    code.mkdir()
    (code / "printer.py").write_text(PRINTER)
    repro = [sys.executable, "-m", "runner", "run", "--runs-dir", str(work / "runs")]
    # Build the image first (the steps are not part of its cache key): a tiny output.
    warm = _spec(work / "warm.yaml", 1000, args.cap)
    subprocess.run([*repro, str(warm), "--quiet"], check=True, capture_output=True)
    flood = _spec(work / "flood.yaml", size, args.cap)
    # The live view on (into /dev/null), unless --quiet.
    repro_wall, repro_rss = _child_run([*repro, str(flood)]
                                       + (["--quiet"] if args.quiet else []))
    record_path = max((work / "runs").rglob("record.json"), key=lambda p: p.stat().st_mtime)
    record = json.loads(record_path.read_text())
    step = record["runs"][0]["steps"][0]
    image = record["image"]["tag"]
    docker_wall, docker_rss = _child_run(
        ["docker", "run", "--rm", "-w", "/work/repo", image, "python3", "printer.py",
         str(size)], stdout=work / "docker-run.log")
    record_dir = record_path.parent
    print(json.dumps({
        "printed_bytes": step["log_bytes"],
        "stored_log_bytes": record_dir.joinpath(step["log"]).stat().st_size,
        "dropped_bytes": step["log_dropped_bytes"], "metric_acc": record["runs"][0]["metrics"],
        "repro": {"wall_seconds": round(repro_wall, 1), "peak_rss_mib": round(repro_rss, 1),
                  "exit_code": record["exit_code"]},
        "docker_run_to_file": {"wall_seconds": round(docker_wall, 1),
                               "docker_cli_peak_rss_mib": round(docker_rss, 1),
                               "file_bytes": (work / "docker-run.log").stat().st_size},
        "folder": str(record_dir) if args.keep else None,
    }, indent=2))
    if not args.keep:
        subprocess.run(["rm", "-rf", str(work)], check=False)


if __name__ == "__main__":
    main()
