"""Lazily created, cached boto3 clients shared by the adapters of one process."""

from __future__ import annotations

from functools import cache
from typing import Any, cast


@cache
def aws_client(service: str) -> Any:
    """The first call imports boto3 and builds the client (cold start pays it once, on first use)."""
    import boto3  # noqa: PLC0415 - deferred so that importing an adapter costs nothing
    from botocore.config import Config  # noqa: PLC0415

    config = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=5)
    return boto3.session.Session().client(service, config=config)  # type: ignore[call-overload]


class LazyClient[ClientT]:
    """Base of the adapters: a client injected by the caller, or the cached default on first use.

    ``ClientT`` is the boto3-stubs client type (imported under TYPE_CHECKING only), so adapter code is
    type-checked against the real API without importing boto3 at run time.
    """

    service: str

    def __init__(self, client: ClientT | None = None) -> None:
        self._client = client

    @property
    def client(self) -> ClientT:
        if self._client is None:
            self._client = cast(ClientT, aws_client(self.service))
        return self._client
