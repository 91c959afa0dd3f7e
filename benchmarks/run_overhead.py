"""repro's own cost on the demo spec, measured against plain Docker in one run.

1. Warm: `repro run` with the image cached, against `docker run` of the same step commands
   (one fresh container per scheduled run: the seeds and the learning-curve fractions, as
   repro does). Each step command is wrapped to print its start and end time from inside
   the container, so both sides report the containers' own time next to the wall time:
   overhead = wall - own time. The steps' own time varies by a second or more from run to
   run on a small machine; subtracting it leaves what repro (or the docker CLI) adds:
   interpreter start-up, fetch (folder hash), plan, engine checks, container lifecycle,
   fingerprints, exec streaming, metric extraction, claims, audits and the record.
2. Cold: repro's build (context + SDK build, no cache) against `docker build --no-cache` of
   the very same rendered Dockerfile and context.

Usage: python benchmarks/run_overhead.py [--repeats 3] [--spec specs/aftershock-mini.yaml]
Targets (from the issue): warm overhead < 0.5 s beyond the containers' own time; cold
build within 5% of plain `docker build`.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from runner.cli.spec_cmds import build_options, plan_for
from runner.core.plan import Plan, make_plan
from runner.core.schedule import schedule
from runner.edges.docker_engine import DockerEngine
from runner.run.image_build import build_or_reuse, prepare_context
from runner.settings import trusted_ca

ROOT = Path(__file__).resolve().parent.parent


MARK = "REPRO-BENCH-STEP"
MARKS = re.compile(MARK + r" ([0-9.]+) ([0-9.]+)")


@dataclass
class Sample:
    wall: float  # seconds, the whole command
    own: float  # seconds the step commands ran, timed inside the containers

    @property
    def overhead(self) -> float:
        return self.wall - self.own


def own_time(text: str) -> float:
    return sum(float(end) - float(start) for start, end in MARKS.findall(text))


def resolved_plan(spec: Path) -> Plan:
    """The plan exactly as `repro run` makes it (base resolved to the local image id)."""
    unresolved = plan_for(spec, None, False)
    engine = DockerEngine()
    base = engine.resolve_base(unresolved.base_ref) if not unresolved.base_pinned else None
    return make_plan(unresolved.spec, source_location=unresolved.source_location,
                     source_id=unresolved.source_id, pinned=unresolved.pinned,
                     lock=unresolved.lock, options=build_options(), resolved_base=base)


def repro_sample(spec: Path, runs_dir: Path) -> Sample:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from runner.cli import main; main()", "run",
                    str(spec), "--quiet", "--runs-dir", str(runs_dir)],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - started
    record = max(runs_dir.glob("*/*/record.json"), key=lambda p: p.stat().st_mtime)
    if json.loads(record.read_text())["status"] != "completed":
        raise SystemExit(f"repro run did not complete: see {record}")
    logs = "".join(p.read_text() for p in record.parent.rglob("*.log"))
    return Sample(wall, own_time(logs))


def plain_sample(plan: Plan) -> Sample:
    # The same containers repro runs: every scheduled job (seeds, learning-curve
    # fractions), each in a fresh container with the same step commands.
    started = time.perf_counter()
    own = 0.0
    for job in schedule(plan, [], None, None):
        steps = job.plan.steps_for(job.run.seed, job.run.fraction, job.run.baselines)
        script = " && ".join(s.command for s in steps)
        env = [f"--env={k}={v}" for k, v in steps[0].env.items()]
        done = subprocess.run(["docker", "run", "--rm", "--network", "none", "--user",
                               "1000:1000", *env, plan.tag, "sh", "-c", script], check=True,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        own += own_time(done.stdout)
    return Sample(time.perf_counter() - started, own)


def warm(spec: Path, repeats: int) -> tuple[list[Sample], list[Sample]]:
    plan = resolved_plan(spec)
    build_or_reuse(plan, Path(plan.source_location), DockerEngine(), trusted_ca(),
                   lambda _: None)
    runs_dir = Path(tempfile.mkdtemp(prefix="bench-runs-"))
    repro, plain = [], []
    for _ in range(repeats):  # interleaved, so a slow spell of the machine hits both
        repro.append(repro_sample(spec, runs_dir))
        plain.append(plain_sample(plan))
    return repro, plain


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def cold(spec: Path, repeats: int) -> tuple[list[float], list[float]]:
    plan = resolved_plan(spec)
    engine = DockerEngine()
    ca = trusted_ca()
    repro_times, plain_times = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        build_or_reuse(plan, Path(plan.source_location), engine, ca, lambda _: None,
                       rebuild=True)
        repro_times.append(time.perf_counter() - started)
        with tempfile.TemporaryDirectory(prefix="bench-ctx-") as ctx:
            prepare_context(plan, Path(plan.source_location), ca, Path(ctx))
            plain_times.append(timed(["docker", "build", "--no-cache", "-q", "-t",
                                      "repro-bench/plain:latest", ctx]))
    subprocess.run(["docker", "rmi", "-f", "repro-bench/plain:latest"], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return repro_times, plain_times


def report(name: str, repro: list[float], plain: list[float]) -> None:
    r, p = statistics.median(repro), statistics.median(plain)
    print(f"{name}: repro median {r:.3f}s, plain docker median {p:.3f}s, "
          f"difference {r - p:+.3f}s, ratio {r / p:.3f}")
    print(f"  repro runs: {', '.join(f'{t:.3f}' for t in repro)}")
    print(f"  plain runs: {', '.join(f'{t:.3f}' for t in plain)}")


def report_warm(name: str, repro: list[Sample], plain: list[Sample]) -> None:
    def line(who: str, samples: list[Sample]) -> str:
        wall = statistics.median(s.wall for s in samples)
        own = statistics.median(s.own for s in samples)
        over = statistics.median(s.overhead for s in samples)
        runs = ", ".join(f"{s.overhead:.2f}" for s in samples)
        return (f"  {who:<6} wall {wall:6.2f}s  steps' own time {own:6.2f}s  "
                f"overhead {over:5.2f}s  (each run: {runs})")

    print(f"{name}:")
    print(line("repro", repro))
    print(line("docker", plain))
    extra = statistics.median(r.overhead - p.overhead for r, p in zip(repro, plain, strict=True))
    print(f"  repro's overhead beyond plain `docker run` (median of pairs): {extra:+.2f}s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=ROOT / "specs" / "aftershock-mini.yaml")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seeds", type=int, default=None,
                        help="run this many seeds instead of the spec's (0, 1, ...)")
    parser.add_argument("--parts", default="full,core,cold",
                        help="which measurements: full (warm, with audits), core (warm, "
                             "without audits), cold (build)")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    print(f"spec {args.spec}; {args.repeats} repeats each; command lines: "
          f"{shlex.join(['repro', 'run', str(args.spec), '--quiet'])}")
    for part, audits, title in (("full", True, "warm run (image cached)"),
                                ("core", False, "warm run, spec without audits")):
        title += f" ({args.seeds} seeds)" if args.seeds is not None else ""
        if part in parts:
            timed = timed_spec(args.spec, audits=audits, seeds=args.seeds)
            try:
                report_warm(title, *warm(timed, args.repeats))
            finally:
                timed.unlink()
    if "cold" in parts:
        report("cold build (no cache)", *cold(args.spec, args.repeats))


def timed_spec(spec: Path, audits: bool, seeds: int | None = None) -> Path:
    """The spec with each command timed from inside its container; with or without audits.

    Only the step commands change (they are not build inputs), so the image is the same.
    """
    data = yaml.safe_load(spec.read_text())
    data.setdefault("name", spec.stem)
    if seeds is not None:
        data["seeds"] = list(range(seeds))
    for step in data["steps"]:
        step["run"] = _timed(step["run"])
    if not audits:
        data.pop("audits", None)
    for baseline in (data.get("audits") or {}).get("baseline", []):
        if "run" in baseline:
            baseline["run"] = _timed(baseline["run"])
    path = spec.with_name(f".bench-{'full' if audits else 'core'}-{spec.name}")
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _timed(command: str) -> str:
    # A brace group that ends with the command's own status: it chains with `&&` in the
    # plain `docker run` script exactly as a bare command would.
    return (f'{{ t0=$(date +%s.%N); ( {command} ); rc=$?; '
            f'echo "{MARK} $t0 $(date +%s.%N)"; (exit $rc); }}')


if __name__ == "__main__":
    main()
