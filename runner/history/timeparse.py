"""`--since`: a date, an ISO time, or an age (`36h`, `7d`, `2w`), as an aware UTC time.

A date or time without a zone is the user's local time (what "since yesterday's batch"
means on the lab's machine); the history stores UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from runner.errors import UsageError

_AGE = re.compile(r"^(\d+)\s*([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(text: str, now: datetime | None = None) -> datetime:
    value = text.strip()
    age = _AGE.match(value.lower())
    if age:
        delta = timedelta(**{_UNITS[age.group(2)]: int(age.group(1))})
        return (now or datetime.now(UTC)) - delta
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--since {text!r} is not a date, an ISO time or an age",
                         hint="e.g. 2024-05-01, 2024-05-01T06:00, 36h, 7d") from None
    return moment.astimezone(UTC)  # a naive time is taken as local time
