"""The spec: YAML in, validated pydantic models out; errors point at file, line and key."""

from runner.spec.errors import Problem, SpecError
from runner.spec.load import load_spec, load_spec_text
from runner.spec.models import Spec

__all__ = ["Problem", "Spec", "SpecError", "load_spec", "load_spec_text"]
