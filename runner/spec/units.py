"""Human durations (`90m`, `12h`) and sizes (`16g`, `512MiB`) for spec fields."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h|hr|d)?\s*$", re.IGNORECASE)
_DURATION_UNITS = {None: 1.0, "ms": 0.001, "s": 1.0, "sec": 1.0, "m": 60.0, "min": 60.0,
                   "h": 3600.0, "hr": 3600.0, "d": 86400.0}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?\s*$", re.IGNORECASE)
_SIZE_POWERS = {"": 0, "k": 1, "m": 2, "g": 3, "t": 4}
# The same grammars for the JSON Schema, whose patterns have no IGNORECASE flag.
_DURATION_JSON = (r"^\s*(\d+(?:\.\d+)?)\s*([mM][sS]|[sS]|[sS][eE][cC]|[mM]|[mM][iI][nN]|[hH]"
                  r"|[hH][rR]|[dD])?\s*$")
_SIZE_JSON = r"^\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT]?)([iI]?[bB])?\s*$"


def parse_duration(value: Any) -> float:
    """Seconds from `30`, `90s`, `90m`, `12h`, `1.5d`."""
    if isinstance(value, bool):
        raise ValueError("expected a duration like 90m or 12h, got a boolean")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = _DURATION.match(str(value))
        if not match:
            raise ValueError(f"expected a duration like 30s, 90m, 12h or 1d, got {value!r}")
        unit = match.group(2).lower() if match.group(2) else None
        seconds = float(match.group(1)) * _DURATION_UNITS[unit]
    if seconds <= 0:
        raise ValueError("a duration must be positive")
    return seconds


def parse_size(value: Any) -> int:
    """Bytes from `16g`, `512m`, `2GiB`, `1024` (Docker's convention: k/m/g are powers of 1024)."""
    if isinstance(value, bool):
        raise ValueError("expected a size like 512m or 16g, got a boolean")
    if isinstance(value, int):
        size = value
    else:
        match = _SIZE.match(str(value))
        if not match:
            raise ValueError(f"expected a size like 512m, 16g or 2GiB, got {value!r}")
        size = int(float(match.group(1)) * 1024 ** _SIZE_POWERS[match.group(2).lower()])
    if size <= 0:
        raise ValueError("a size must be positive")
    return size


def format_duration(seconds: float) -> str:
    for unit, span in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= span and seconds % span == 0:
            return f"{int(seconds // span)}{unit}"
    return f"{seconds:g}s"


def format_size(size: int) -> str:
    for unit, power in (("t", 4), ("g", 3), ("m", 2), ("k", 1)):
        if size % 1024**power == 0:
            return f"{size // 1024**power}{unit}"
    return str(size)


# Annotated types: accept the human form, hold a number, and serialise back to a human form
# so that `repro plan` and records read the way the spec was written.
Duration = Annotated[
    float,
    BeforeValidator(parse_duration),
    PlainSerializer(format_duration, return_type=str, when_used="json"),
    WithJsonSchema({"anyOf": [{"type": "number", "exclusiveMinimum": 0},
                              {"type": "string", "pattern": _DURATION_JSON}],
                    "description": "seconds, or a duration like 90m, 12h, 1d"}),
]
Size = Annotated[
    int,
    BeforeValidator(parse_size),
    PlainSerializer(format_size, return_type=str, when_used="json"),
    WithJsonSchema({"anyOf": [{"type": "integer", "exclusiveMinimum": 0},
                              {"type": "string", "pattern": _SIZE_JSON}],
                    "description": "bytes, or a size like 512m, 16g, 2GiB"}),
]
