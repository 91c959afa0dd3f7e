"""The spec: YAML in, validated pydantic models out; errors point at file, line and key.

Also the lock file's format, the `audits:` section's models, the JSON Schema and the
expansion of spec folders. The bottom layer: imports nothing of repro but `errors`.
The names below load on first use (PEP 562): importing a light submodule such as
`spec.audit_terms` for the CLI's option lists must not pull in pydantic.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runner.spec.errors import Problem, SpecError
    from runner.spec.load import load_spec, load_spec_text
    from runner.spec.models import Spec

__all__ = ["Problem", "Spec", "SpecError", "load_spec", "load_spec_text"]
_WHERE = {"Problem": "errors", "SpecError": "errors", "load_spec": "load",
          "load_spec_text": "load", "Spec": "models"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"runner.spec.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'runner.spec' has no attribute {name!r}")
