"""RFC 9457 problem details for the HTTP API, with one entry per offending field."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

CONTENT_TYPE = "application/problem+json"
_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not a known field",
    "json_invalid": "is not valid JSON",
    "model_type": "must be a JSON object",
    "model_attributes_type": "must be a JSON object",
    "dict_type": "must be a JSON object",
    "list_type": "must be a list",
    "string_type": "must be a string",
    "int_parsing": "must be a whole number",
}


def problem(status: int, title: str, detail: str, instance: str | None, errors: list[dict[str, str]]) -> dict[str, Any]:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    return body


def field_path(location: Iterable[Any]) -> str:
    """('body', 'lead_image', 'url') -> 'lead_image.url'; ('body', 'authors', 0) -> 'authors[0]'."""
    parts = list(location)
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "body"


def _message(error: Mapping[str, Any]) -> str:
    kind = error.get("type", "value_error")
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    message = str(error.get("msg", "is invalid"))
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message[:1].lower() + message[1:]


def validation_errors(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    return [
        {
            "field": field_path(e.get("loc", ())),
            "message": _message(e),
            "type": str(e.get("type", "value_error")),
        }
        for e in errors
    ]


def summary(fields: list[dict[str, str]]) -> str:
    if not fields:
        return "the request is invalid"
    shown = "; ".join(f"{f['field']}: {f['message']}" for f in fields[:5])
    more = f" (and {len(fields) - 5} more)" if len(fields) > 5 else ""
    return shown + more
