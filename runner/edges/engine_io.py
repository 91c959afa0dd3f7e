"""The engine going away mid-run (a daemon restart, a crash) as one error: `EngineLost`.

The docker SDK reports a dead daemon through its transport's exceptions (requests'
ConnectionError, urllib3's ProtocolError, a bare socket error), not through its own error
family, so without this they escape as "repro crashed". `guarded` wraps each method of the
engine so that every such error becomes `EngineLost` (exit 4, one line); the pipeline adds
which seed and step it interrupted.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from runner.errors import EngineLost

P = ParamSpec("P")
R = TypeVar("R")

# An APIError with one of these in its text comes from a daemon on its way down.
_DYING = ("shutting down", "connection reset", "connection refused", "broken pipe")


def lost(exc: BaseException) -> EngineLost | None:
    """`exc` as EngineLost when it means the engine cannot be reached any more."""
    import docker.errors
    import requests.exceptions
    import urllib3.exceptions

    if isinstance(exc, EngineLost):
        return exc
    if isinstance(exc, requests.exceptions.ConnectionError | urllib3.exceptions.ProtocolError
                  | ConnectionError):
        return EngineLost(_short(exc))
    if isinstance(exc, docker.errors.APIError | requests.exceptions.ChunkedEncodingError):
        text = str(exc).lower()
        if isinstance(exc, requests.exceptions.ChunkedEncodingError) or \
                any(d in text for d in _DYING):
            return EngineLost(_short(exc))
    return None


def _short(exc: BaseException) -> str:
    """The root cause in a few words: `connection refused`, not three nested reprs."""
    text = str(exc).lower()
    for words in ("connection refused", "connection reset", "connection aborted",
                  "no such file or directory", "broken pipe", "shutting down",
                  "remote end closed connection"):
        if words in text:
            return words
    return type(exc).__name__


def guarded(method: Callable[P, R]) -> Callable[P, R]:
    """Run `method`, turning a lost engine into EngineLost."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except Exception as exc:
            mapped = lost(exc)
            if mapped is None or mapped is exc:
                raise
            raise mapped from None

    return wrapper
