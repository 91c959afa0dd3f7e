"""Secrets never reach a record or a log: mask by variable name and by URL credentials."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

MASK = "***"
# Everything between the scheme and the last `@` before the host: a password may hold `@`.
_CREDENTIALS = re.compile(r"(?<=://)[^/\s]*@")
_SECRET_NAME = re.compile(
    r"(TOKEN|SECRET|PASSWORD|PASSWD|PASS$|API_?KEY|ACCESS_?KEY|PRIVATE|CREDENTIAL|AUTH|COOKIE|"
    r"SESSION)",
    re.IGNORECASE,
)


# Settings that name a kind of secret, not a secret: `RAY_AUTH_MODE=token` set by Ray
# itself would otherwise scrub every "token" from every log.
_SETTING_NAME = re.compile(r"_(MODE|TYPE|METHOD|ENABLED|DISABLED|PROVIDER|BACKEND|TIMEOUT|TTL|"
                           r"VERSION)$", re.IGNORECASE)


def is_secret_name(name: str) -> bool:
    return bool(_SECRET_NAME.search(name)) and not _SETTING_NAME.search(name)


def mask_env(env: Mapping[str, str]) -> dict[str, str]:
    """Values of secret-looking names become ***; credentials inside URLs are masked too."""
    return {k: MASK if is_secret_name(k) else mask_url(v) for k, v in env.items()}


def scrub(text: str, secrets: Mapping[str, str], always: Iterable[str] = ()) -> str:
    """Remove known secret values from free text (a log line), longest first.

    `secrets` is scrubbed by name (secret-looking names only); `always` lists values that
    are secret whatever their name (a step's declared `secrets`).
    """
    values = {v for k, v in secrets.items() if is_secret_name(k)} | set(always)
    for value in sorted((v for v in values if len(v) >= 4), key=len, reverse=True):
        text = text.replace(value, MASK)
    return mask_url(text)


def mask_url(url: str) -> str:
    """`https://user:token@host/x` -> `https://***@host/x`: credentials never reach a record."""
    return _CREDENTIALS.sub("***@", url)


def scrubber(secrets: Mapping[str, str], always: Iterable[str] = ()) -> Callable[[str], str]:
    """`scrub` with its secret values worked out once: for every line of a long log."""
    values = {v for k, v in secrets.items() if is_secret_name(k)} | set(always)
    ordered = sorted((v for v in values if len(v) >= 4), key=len, reverse=True)

    def scrub_line(text: str) -> str:
        for value in ordered:
            if value in text:
                text = text.replace(value, MASK)
        return mask_url(text) if "@" in text else text

    return scrub_line
