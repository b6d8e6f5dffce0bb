"""Article ids: ULIDs (time-ordered, 26 characters of Crockford base32, URL-safe)."""

from __future__ import annotations

import hashlib
import re
import secrets
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ARTICLE_ID_PATTERN = r"^[0-9A-HJKMNP-TV-Z]{26}$"
_ID_RE = re.compile(ARTICLE_ID_PATTERN)


def new_article_id(now_ms: int | None = None) -> str:
    """48 bits of milliseconds then 80 random bits: sorts by creation time, unguessable."""
    timestamp = int(time.time() * 1000) if now_ms is None else now_ms
    return _encode((timestamp << 80) | secrets.randbits(80))


def keyed_article_id(principal: str, idempotency_key: str) -> str:
    """The id a POST with this principal's ``Idempotency-Key`` creates: the same for every resend.

    128 bits of SHA-256 in the same alphabet, so it is a valid id; it does not sort by time (feeds sort
    by publication time, ids only break ties) and does not reveal the key.
    """
    digest = hashlib.sha256(b"idempotency-key\0" + principal.encode() + b"\0" + idempotency_key.encode()).digest()
    return _encode(int.from_bytes(digest[:16], "big"))


def _encode(value: int) -> str:
    """128 bits as 26 characters of Crockford base32 (the first carries 3 bits)."""
    return "".join(_ALPHABET[(value >> shift) & 31] for shift in range(125, -1, -5))


def is_article_id(value: str) -> bool:
    return bool(_ID_RE.fullmatch(value))
