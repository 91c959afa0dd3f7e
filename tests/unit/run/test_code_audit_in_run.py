"""`audits: {code: {}}` inside a run: read at the run's commit, once for the main runs and
once per variant with the variant's environment (fake engine, real pipeline and record)."""

from __future__ import annotations

from pathlib import Path

from test_pipeline_fake_engine import FakeEngine, run

from runner.record.store import load_record

TRAIN = """\
import os

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

X, y = np.zeros((10, 2)), np.zeros(10)
if os.environ.get("PREPROCESS", "clean") == "leaky":
    X = StandardScaler().fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(X, y)
"""

SPEC = f"""\
version: 1
name: code-audit-paper
paper: {{title: A paper whose variant scales before its split, year: 2026}}
repo: {{path: code}}
environment: {{base: "debian@sha256:{'a' * 64}"}}
seeds: [0, 1]
steps:
  - {{name: train, run: "echo auc: 0.851"}}
metrics:
  auc: {{regex: 'auc: ([0-9.]+)', step: train}}
claims:
  - {{metric: auc, value: 0.85, tolerance: 0.01}}
variants:
  leaky-preprocess: {{env: {{PREPROCESS: leaky}}}}
  also-clean: {{env: {{PREPROCESS: clean}}}}
audits:
  code: {{}}
"""


def test_variant_switch_is_flagged_and_main_is_clean(tmp_path: Path) -> None:
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "train.py").write_text(TRAIN)
    (tmp_path / "code" / "notes.py").write_text("print('a file with no fit')\n")
    spec = tmp_path / "paper.yaml"
    spec.write_text(SPEC)
    code, path = run(tmp_path, FakeEngine(), spec, variants=["leaky-preprocess", "also-clean"])
    record = load_record(path)
    assert code == 0
    critical = [f for f in record.findings if f.severity == "critical"]
    assert [(f.audit, f.evidence["variant"], f.evidence["file"], f.evidence["fit_line"],
             f.evidence["split_line"], f.evidence["kind"]) for f in critical] == [
        ("code", "leaky-preprocess", "train.py", 9, 10, "preprocessing")]
    assert critical[0].statement.startswith("variant leaky-preprocess: train.py line 9:")
    infos = [f.statement for f in record.findings if f.audit == "code" and f.severity == "info"]
    assert infos == ["no fit before a split in 2 file(s)"]
