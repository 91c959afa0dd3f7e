"""repro's own cost on the demo spec, measured against plain Docker in one run.

1. Warm: `repro run` with the image cached, against `docker run` of the same step commands
   (one fresh container per scheduled run: the seeds and the learning-curve fractions, as
   repro does). The difference is repro's overhead: interpreter start-up, fetch (folder
   hash), plan, engine checks, fingerprints, exec streaming, metric extraction, claims,
   the audits (which fit their own baselines) and the record.
2. Cold: repro's build (context + SDK build, no cache) against `docker build --no-cache` of
   the very same rendered Dockerfile and context.

Usage: python benchmarks/run_overhead.py [--repeats 3] [--spec specs/aftershock-mini.yaml]
Targets (from the issue): warm overhead < 0.5 s beyond the containers' own time; cold
build within 5% of plain `docker build`.
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from runner.build import build_or_reuse, prepare_context
from runner.commands import build_options, plan_for
from runner.docker_engine import DockerEngine
from runner.plan import Plan, make_plan
from runner.schedule import schedule
from runner.settings import trusted_ca

ROOT = Path(__file__).resolve().parent.parent


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def resolved_plan(spec: Path) -> Plan:
    """The plan exactly as `repro run` makes it (base resolved to the local image id)."""
    unresolved = plan_for(spec, None, False)
    engine = DockerEngine()
    base = engine.resolve_base(unresolved.base_ref) if not unresolved.base_pinned else None
    return make_plan(unresolved.spec, source_location=unresolved.source_location,
                     source_id=unresolved.source_id, pinned=unresolved.pinned,
                     lock=unresolved.lock, options=build_options(), resolved_base=base)


def warm(spec: Path, repeats: int) -> tuple[list[float], list[float]]:
    plan = resolved_plan(spec)
    build_or_reuse(plan, Path(plan.source_location), DockerEngine(), trusted_ca(),
                   lambda _: None)
    repro_times, plain_times = [], []
    runs_dir = tempfile.mkdtemp(prefix="bench-runs-")
    for _ in range(repeats):
        repro_times.append(timed([sys.executable, "-c", "from runner.cli import main; main()",
                                  "run", str(spec), "--quiet", "--runs-dir", runs_dir]))
        started = time.perf_counter()
        # The same containers repro runs: every scheduled job (seeds, learning-curve
        # fractions), each in a fresh container with the same step commands.
        for job in schedule(plan, [], None, None):
            steps = job.plan.steps_for(job.run.seed, job.run.fraction, job.run.baselines)
            script = " && ".join(s.command for s in steps)
            env = [f"--env={k}={v}" for k, v in steps[0].env.items()]
            subprocess.run(["docker", "run", "--rm", "--network", "none", "--user", "1000:1000",
                            *env, plan.tag, "sh", "-c", script], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        plain_times.append(time.perf_counter() - started)
    return repro_times, plain_times


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=ROOT / "specs" / "aftershock-mini.yaml")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"spec {args.spec}; {args.repeats} repeats each; command lines: "
          f"{shlex.join(['repro', 'run', str(args.spec), '--quiet'])}")
    report("warm run (image cached)", *warm(args.spec, args.repeats))
    core = core_spec(args.spec)
    try:
        report("warm run, spec without audits (3 seeds)", *warm(core, args.repeats))
    finally:
        core.unlink()
    report("cold build (no cache)", *cold(args.spec, args.repeats))


def core_spec(spec: Path) -> Path:
    """The same spec without its audits (no learning-curve runs, no baseline fits)."""
    data = yaml.safe_load(spec.read_text())
    data.pop("audits", None)
    path = spec.with_name(f".bench-core-{spec.name}")
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


if __name__ == "__main__":
    main()
