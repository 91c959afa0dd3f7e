"""The spec: YAML in, validated pydantic models out; errors point at file, line and key.

Also the lock file's format, the `audits:` section's models, the JSON Schema and the
expansion of spec folders. The bottom layer: imports nothing of repro but `errors`.
"""

from runner.spec.errors import Problem, SpecError
from runner.spec.load import load_spec, load_spec_text
from runner.spec.models import Spec

__all__ = ["Problem", "Spec", "SpecError", "load_spec", "load_spec_text"]
