"""Article ids: ULIDs (time-ordered, 26 characters of Crockford base32, URL-safe)."""

from __future__ import annotations

import re
import secrets
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ARTICLE_ID_PATTERN = r"^[0-9A-HJKMNP-TV-Z]{26}$"
_ID_RE = re.compile(ARTICLE_ID_PATTERN)


def new_article_id(now_ms: int | None = None) -> str:
    """48 bits of milliseconds then 80 random bits: sorts by creation time, unguessable."""
    timestamp = int(time.time() * 1000) if now_ms is None else now_ms
    value = (timestamp << 80) | secrets.randbits(80)
    return "".join(_ALPHABET[(value >> shift) & 31] for shift in range(125, -1, -5))


def is_article_id(value: str) -> bool:
    return bool(_ID_RE.fullmatch(value))
