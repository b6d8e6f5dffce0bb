"""Placeholder entry point so the stack has an asset for the reconcile function; the real handler replaces it."""

from __future__ import annotations

from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    raise NotImplementedError("the reconcile function is not written yet")
