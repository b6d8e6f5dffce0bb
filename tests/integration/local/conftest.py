"""The local runtime's own tier: small hand-written templates with tiny handlers, each deployed into a
real moto server on free ports, in-process (one runtime per test module; xdist-friendly).

fixtures/template.json     the basics: table, bucket, bus, rules, queues, REST API, event source mappings
fixtures/workload.json     concurrency and fault injection (localrt_workload, localrt_slow, localrt_single)
fixtures/platform.json     schedules, Cognito authorizer, CloudFront behaviours, unfinished work
fixtures/localrt_records.py  what the fixture functions saw, shared by all their execution environments
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from http.client import HTTPConnection
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest

from infra.local import LocalRuntime

FIXTURES = Path(__file__).parent / "fixtures"
TEMPLATE = FIXTURES / "template.json"
API_KEY = "fixture-key"

# Logical ids in fixtures/template.json
TABLE = "ItemsTableABC12345"
SITE_BUCKET = "SiteBucket397A1860"
WORK_QUEUE = "WorkQueue9ABC0DEF"
WORK_DLQ = "WorkDlq5678EFAB"
STREAM_FAILURES = "StreamFailuresQueue0A1B2C3D"
API_FUNCTION = "ApiFunction7B8C9D0E"


@pytest.fixture(scope="module")
def runtime() -> Iterator[LocalRuntime]:
    local = LocalRuntime(TEMPLATE, code_root=FIXTURES, stack_name="Fixture", api_key=API_KEY, retry_delay_s=0)
    local.start()
    try:
        yield local
    finally:
        local.stop()


def workers() -> ModuleType:
    """What the fixture functions recorded (``fixtures/localrt_records.py``, shared by every execution
    environment of every fixture function)."""
    return sys.modules["localrt_records"]


def physical(runtime: LocalRuntime, logical_id: str) -> Any:
    assert runtime.deployment is not None
    return runtime.deployment.resources[logical_id].physical_id


def attribute(runtime: LocalRuntime, logical_id: str, name: str) -> Any:
    assert runtime.deployment is not None
    return runtime.deployment.resources[logical_id].attributes[name]


def http(
    method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, list[tuple[str, str]], bytes]:
    """One request; returns every response header (repeated ones too)."""
    parts = urlsplit(url)
    assert parts.hostname is not None
    connection = HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def header(headers: list[tuple[str, str]], name: str) -> str | None:
    return next((value for key, value in headers if key.lower() == name.lower()), None)


def json_body(payload: bytes) -> Any:
    return json.loads(payload.decode())
