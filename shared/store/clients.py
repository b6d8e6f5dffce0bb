"""Lazily created, cached boto3 clients shared by the adapters of one process."""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def aws_client(service: str) -> Any:
    """The first call imports boto3 and builds the client (cold start pays it once, on first use)."""
    import boto3  # noqa: PLC0415 - deferred so that importing an adapter costs nothing
    from botocore.config import Config  # noqa: PLC0415

    config = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=5)
    return boto3.session.Session().client(service, config=config)  # type: ignore[call-overload]
