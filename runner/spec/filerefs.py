"""File fields of the `audits:` section: where a file lives (outputs, repo, data mount).

Kept apart from `runner.spec.audits` so that audit models in other modules
(`runner.spec.audits_code`) can use them without an import cycle.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
)

from runner.spec.audit_terms import split_h5

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FileRef(BaseModel):
    """A parsed file field: where it lives (outputs, repo or a data mount) and its path."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    location: Literal["outputs", "repo", "data"]
    path: str
    data_name: str | None = None

    def __str__(self) -> str:
        if self.location == "repo":
            return f"repo:{self.path}"
        if self.location == "data":
            return f"data:{self.data_name}" + (f"/{self.path}" if self.path else "")
        return self.path


def _check_relative(path: str, original: str) -> str:
    if not path:
        raise ValueError(f"{original!r}: empty path")
    if "://" in path:
        raise ValueError(f"{original!r}: URLs are not supported; give a path")
    h5 = split_h5(path)
    file_part = h5[0] if h5 else path
    if file_part.startswith(("/", "~", "\\")) or re.match(r"^[A-Za-z]:[\\/]", file_part):
        raise ValueError(f"{original!r}: must be a relative path, not an absolute one")
    if ".." in PurePosixPath(file_part.replace("\\", "/")).parts:
        raise ValueError(f"{original!r}: must not leave its directory with '..'")
    return path


def parse_file_ref(text: str) -> FileRef:
    """`out/x.csv` | `repo:path` | `data:NAME/path` -> FileRef; ValueError when malformed."""
    text = text.strip()
    if text.startswith("repo:"):
        return FileRef(location="repo", path=_check_relative(text[5:], text))
    if text.startswith("data:"):
        name, _, rest = text[5:].partition("/")
        if not _NAME.match(name):
            raise ValueError(f"{text!r}: expected data:NAME/path with NAME a declared data mount")
        path = _check_relative(rest, text) if rest else ""
        return FileRef(location="data", path=path, data_name=name)
    return FileRef(location="outputs", path=_check_relative(text, text))


def _coerce_file_ref(value: Any) -> Any:
    return parse_file_ref(value) if isinstance(value, str) else value


# A file field: written as a string in YAML, held as a FileRef, dumped back as the string.
SpecFile = Annotated[
    FileRef,
    BeforeValidator(_coerce_file_ref),
    PlainSerializer(str),
    WithJsonSchema({"type": "string", "description": "PATH (in the run's outputs), "
                    "repo:PATH (in the repository) or data:NAME/PATH (in a data mount)"}),
]
MetricName = Annotated[str, Field(min_length=1)]
