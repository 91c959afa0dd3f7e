"""Plain helpers for the integration tests: tiny specs, the CLI, records.

Every spec these tests write is named `itest-<session token>-<short name>`, so the
session finalizer in conftest.py removes exactly the images this session built (other
engineers may run their own `itest-*` suites on the same engine at the same time).
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

import runner.cli as cli

BASE = "repro/debian-python:bookworm"
TOKEN = secrets.token_hex(3)
PREFIX = f"itest-{TOKEN}-"
MANAGED = "org.repro.managed=true"


def spec_name(short: str) -> str:
    return PREFIX + short


def image_repo(short: str) -> str:
    return f"repro/{spec_name(short)}"


def ours(container: Any) -> bool:
    """A container made by this session: its image or its labels name one of our specs."""
    labels = container.labels or {}
    image_label = labels.get("org.repro.image", "")
    try:
        tags = list(container.image.tags or [])
    except Exception:  # the image is gone
        tags = []
    return image_label.startswith(f"repro/{PREFIX}") or any(
        t.startswith(f"repro/{PREFIX}") for t in tags)


def write_spec(folder: Path, short: str, steps: list[dict[str, Any]], *,
               repo: dict[str, Any] | None = None, files: dict[str, str] | None = None,
               file_name: str | None = None, **sections: Any) -> Path:
    """A spec YAML in `folder`. Without `repo`, a local code folder with `files` is used."""
    folder.mkdir(parents=True, exist_ok=True)
    if repo is None:
        code = folder / f"code-{short}"
        code.mkdir(exist_ok=True)
        for rel, text in (files or {"README.md": "tiny test repository\n"}).items():
            (code / rel).parent.mkdir(parents=True, exist_ok=True)
            (code / rel).write_text(text)
        repo = {"path": code.name}
    spec: dict[str, Any] = {
        "version": 1, "name": spec_name(short), "paper": {"title": f"integration {short}"},
        "repo": repo, "environment": {"base": BASE}, "seeds": [0], "steps": steps,
    }
    spec.update(sections)
    path = folder / (file_name or f"{short}.yaml")
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def metric_step(value: str = "0.91", name: str = "train", extra: str = "") -> dict[str, Any]:
    """A step that prints `AUC: <value>` and writes results/metrics.json with it."""
    command = (f"echo 'AUC: {value}' && mkdir -p results && "
               f"printf '{{\"test\": {{\"auc\": {value}, \"seed\": %s}}}}' {{seed}} "
               f"> results/metrics.json{extra}")
    return {"name": name, "run": command}


AUC_METRICS = {
    "auc": {"regex": r"AUC: ([0-9.]+)", "step": "train"},
    "test_auc": {"file": "results/metrics.json", "key": "test.auc"},
}


def invoke(args: list[str], runs_dir: Path | None = None) -> Any:
    """`repro ARGS` in-process; `run` gets `--runs-dir` and `--quiet` unless given."""
    full = list(args)
    if runs_dir is not None:
        full += ["--runs-dir", str(runs_dir)]
    return CliRunner().invoke(cli.app, full, catch_exceptions=False)


def records(runs_dir: Path, short: str) -> list[Path]:
    """Record files of one spec, oldest first."""
    return sorted((runs_dir / spec_name(short)).glob("*/record.json"))


def last_record(runs_dir: Path, short: str) -> tuple[dict[str, Any], Path]:
    found = records(runs_dir, short)
    assert found, f"no run record for {spec_name(short)} under {runs_dir}"
    return json.loads(found[-1].read_text()), found[-1].parent


def output_of(result: Any) -> str:
    """Everything the CLI printed (stdout and stderr), whitespace collapsed."""
    return " ".join(result.output.split())
