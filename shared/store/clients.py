"""Lazily created, cached boto3 clients shared by the adapters of one process."""

from __future__ import annotations

import threading
from functools import cache
from typing import Any, cast

_CREATING = threading.Lock()  # a boto3 session is not thread-safe while it creates clients (clients are)
_CLIENTS: dict[str, Any] = {}


@cache
def _session() -> Any:
    import boto3  # noqa: PLC0415 - deferred so that importing an adapter costs nothing

    return boto3.session.Session()


def aws_client(service: str) -> Any:
    """The service's client, created on first use (cold start pays it once) and then shared.

    Every client comes from one session, so the second one reuses the data files the first loaded
    (endpoint rules, partitions, defaults) instead of reading them again: ~35 ms less for an S3
    client created after a DynamoDB one (`make bench`, cold start).
    """
    client = _CLIENTS.get(service)
    if client is not None:
        return client
    from botocore.config import Config  # noqa: PLC0415

    with _CREATING:
        if service not in _CLIENTS:
            config = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=5)
            _CLIENTS[service] = _session().client(service, config=config)
        return _CLIENTS[service]


def created_clients() -> frozenset[str]:
    """The services this process has a client for."""
    return frozenset(_CLIENTS)


def reset_clients() -> None:
    """New clients (and session) on next use: tests that change endpoints or credentials call it."""
    with _CREATING:
        _CLIENTS.clear()
        _session.cache_clear()


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
