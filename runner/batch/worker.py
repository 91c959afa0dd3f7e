"""One batch job: `run.pipeline.run_spec` with the GPU ids the scheduler assigned.

`python -m runner.batch.worker` runs it in a child process of a local batch; a Ray task
calls `run_job` on its node. Either way it is the pipeline `repro run` uses, and the result
(exit code, record path, reason) is plain data. The history is the batch's business: the
driver adds each record once it holds it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from runner.errors import ExitCode, ReproError
from runner.record.store import RECORD_NAME, write_json_atomic


def run_job(spec_path: Path, runs_dir: Path, name: str, gpu_ids: list[int] | None,
            allow_no_gpu: bool) -> dict[str, Any]:
    """Run one spec; never raises for a failed run (its exit code and record say it)."""
    from runner.run.local import local_edges, run_options
    from runner.run.observer import QuietObserver
    from runner.run.pipeline import run_spec

    before = _runs(runs_dir, name)
    try:
        options = run_options(runs_dir=runs_dir, repo=None, allow_mutable_ref=False,
                              rebuild=False, allow_no_gpu=allow_no_gpu, variants="",
                              repeat_seed=None, trust_ca=None, quiet=True)
        options.gpu_ids = gpu_ids
        outcome = run_spec(spec_path, options, local_edges(), QuietObserver())
        return {"exit_code": outcome.exit_code, "record": str(outcome.record_path)}
    except ReproError as exc:
        return _failed(int(exc.exit_code), str(exc), runs_dir, name, before)
    except KeyboardInterrupt:
        return _failed(int(ExitCode.INTERRUPTED), "interrupted (SIGTERM)", runs_dir, name,
                       before)
    except Exception as exc:  # a bug in repro: the batch goes on, the record says it
        return _failed(int(ExitCode.BUG), f"internal error: {type(exc).__name__}: {exc}",
                       runs_dir, name, before)


def _runs(runs_dir: Path, name: str) -> set[Path]:
    return set((runs_dir / name).glob(f"*/{RECORD_NAME}"))


def _failed(code: int, reason: str, runs_dir: Path, name: str,
            before: set[Path]) -> dict[str, Any]:
    new = sorted(_runs(runs_dir, name) - before)
    return {"exit_code": code, "reason": reason, "record": str(new[-1]) if new else None}


def _args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m runner.batch.worker")
    parser.add_argument("--spec", type=Path, required=True)
    parser.add_argument("--runs-dir", type=Path, required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--gpu-ids", default="")
    parser.add_argument("--allow-no-gpu", action="store_true")
    parser.add_argument("--result", type=Path, required=True)
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = _args(argv)
    ids = [int(i) for i in args.gpu_ids.split(",") if i] if args.gpu_ids else None
    result = run_job(args.spec, args.runs_dir, args.name, ids, args.allow_no_gpu)
    result["pid"] = os.getpid()
    write_json_atomic(args.result, result)
    return int(result["exit_code"])


if __name__ == "__main__":
    code = main(sys.argv[1:])
    sys.stdout.flush()
    # Skip the interpreter's module teardown, as the CLI does: the result is on disk.
    os._exit(code)
