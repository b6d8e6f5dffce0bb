"""Lambda events as API Gateway sends them, for callers that invoke the api handler directly.

The local runtime builds the full proxy event from real HTTP (infra/local/apigw.py); tests and the
benchmark build this smaller one, with the fields the handler reads, without a server in between.
SQS and stream records come from the local runtime's own builders (``infra.local.pollers``).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


def api_event(
    method: str,
    path: str,
    body: Any = None,
    *,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    raw_body: str | None = None,
    claims: dict[str, str] | None = None,
    source_ip: str = "203.0.113.10",
) -> dict[str, Any]:
    """A REST API proxy event (payload 1.0); ``claims`` as the Cognito authorizer passes them."""
    given = headers or {}
    default = {} if any(k.lower() == "content-type" for k in given) else {"content-type": "application/json"}
    merged = {**default, **given}
    context: dict[str, Any] = {
        "requestId": str(uuid.uuid4()),
        "stage": "v1",
        "resourcePath": path,
        "httpMethod": method,
        "path": f"/v1{path}",
        "identity": {"sourceIp": source_ip, "apiKeyId": "test-key-id"},
    }
    if claims is not None:
        context["authorizer"] = {"claims": claims}
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": merged,
        "multiValueHeaders": {k: [v] for k, v in merged.items()},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": context,
        "body": raw_body if raw_body is not None else (json.dumps(body) if body is not None else None),
        "isBase64Encoded": False,
    }


@dataclass
class HttpResponse:
    """What API Gateway would send back for a proxy integration's answer."""

    status: int
    headers: dict[str, str]  # lower-case names; a multi-value header by its first value
    body: Any  # parsed when the content type is JSON, else the text
    raw: str

    def __iter__(self) -> Iterator[Any]:  # status, headers, body = call_api(...)
        return iter((self.status, self.headers, self.body))

    @classmethod
    def from_proxy(cls, response: dict[str, Any]) -> HttpResponse:
        headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
        headers |= {k.lower(): v[0] for k, v in (response.get("multiValueHeaders") or {}).items() if v}
        raw = response.get("body") or ""
        body = json.loads(raw) if raw and "json" in headers.get("content-type", "") else raw
        return cls(response["statusCode"], headers, body, raw)
