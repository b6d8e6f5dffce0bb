"""Deterministic local names for resources the template leaves unnamed.

CloudFormation would invent ``<Stack>-<LogicalId>-<RANDOM>``; locally the same template must always
give the same names, so they are derived from the stack name and logical id, made valid for each
service, and shortened with a hash suffix when a limit forces truncation (so they stay unique).
"""

from __future__ import annotations

import hashlib
import re
from typing import Final

_BUCKET_INVALID = re.compile(r"[^a-z0-9-]+")


def _hash(text: str, length: int = 8) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def fit(name: str, limit: int, *, seed: str | None = None) -> str:
    """``name`` if it fits in ``limit``, else a prefix plus a hash of the full name (still unique)."""
    if len(name) <= limit:
        return name
    suffix = _hash(seed or name)
    return f"{name[: limit - len(suffix) - 1].rstrip('-_.')}-{suffix}"


def generic(stack: str, logical_id: str, limit: int, *, allowed: str = r"A-Za-z0-9_-") -> str:
    cleaned = re.sub(f"[^{allowed}]+", "-", f"{stack}-{logical_id}").strip("-")
    return fit(cleaned, limit)


def bucket(stack: str, logical_id: str) -> str:
    """A valid S3 bucket name: lower case, digits and hyphens, 3 to 63 characters."""
    cleaned = _BUCKET_INVALID.sub("-", f"{stack}-{logical_id}".lower()).strip("-")
    cleaned = re.sub(r"-{2,}", "-", cleaned)
    name = fit(cleaned, 63).strip("-")
    return name if len(name) >= 3 else f"{name}-bucket"


def table(stack: str, logical_id: str) -> str:
    return generic(stack, logical_id, 255, allowed=r"A-Za-z0-9_.-")


def queue(stack: str, logical_id: str, *, fifo: bool = False) -> str:
    if fifo:
        return generic(stack, logical_id, 75) + ".fifo"
    return generic(stack, logical_id, 80)


def event_bus(stack: str, logical_id: str) -> str:
    return generic(stack, logical_id, 256, allowed=r"A-Za-z0-9_.-")


def rule(stack: str, logical_id: str) -> str:
    return generic(stack, logical_id, 64, allowed=r"A-Za-z0-9_.-")


def function(stack: str, logical_id: str) -> str:
    return generic(stack, logical_id, 64)


def short_id(logical_id: str, length: int = 10) -> str:
    """An API Gateway-style id (lower-case alphanumerics) derived from the logical id."""
    digest = hashlib.sha256(logical_id.encode()).digest()
    return "".join(_ALPHABET[byte % len(_ALPHABET)] for byte in digest[:length])


_ALPHABET: Final = "abcdefghijklmnopqrstuvwxyz0123456789"
