"""Reusable field validators: paths that cannot escape, slugs, shell templates."""

from __future__ import annotations

import posixpath
import re
from typing import Annotated

from pydantic import AfterValidator

SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")


def _relative(value: str) -> str:
    """A path inside the repository or the run's outputs: relative, no `..` escapes."""
    if not value.strip():
        raise ValueError("path is empty")
    if value.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", value):
        raise ValueError(f"{value!r} is absolute; give a path relative to the repository")
    normal = posixpath.normpath(value.replace("\\", "/"))
    if normal == ".." or normal.startswith("../"):
        raise ValueError(f"{value!r} escapes the repository with '..'")
    return normal


def _container_path(value: str) -> str:
    """An absolute path inside the container, normalised, with no `..` components."""
    if not value.startswith("/"):
        raise ValueError(
            f"{value!r} must be an absolute path inside the container, like /work/Data")
    if ".." in value.split("/"):
        raise ValueError(f"{value!r} must not contain '..'")
    normal = posixpath.normpath(value)
    if normal == "/":
        raise ValueError("'/' cannot be used here; pick a directory such as /work/Data")
    return normal


def _slug(value: str) -> str:
    if not SLUG.match(value):
        raise ValueError(
            f"{value!r} is not a slug: use lower-case letters, digits, '.', '_' and '-' "
            "(up to 63 characters, starting with a letter or digit)"
        )
    return value


RelPath = Annotated[str, AfterValidator(_relative)]
ContainerPath = Annotated[str, AfterValidator(_container_path)]
Slug = Annotated[str, AfterValidator(_slug)]


def fill(template: str, **values: object) -> str:
    """Replace `{seed}`-style placeholders and nothing else.

    str.format would choke on the braces of shell and awk code (`${HOME}`, `{print $1}`),
    which steps legitimately contain.
    """
    for name, value in values.items():
        template = template.replace("{" + name + "}", str(value))
    return template
