"""Checks a write request's body before any framework or model sees it: every input gets a 4xx or passes.

``precheck(event)`` takes an API Gateway (REST, proxy) event. For ``POST``, ``PUT``, ``PATCH`` and
``DELETE`` it returns either the parsed JSON body (``JsonBody``) or a ``Refusal`` carrying an RFC 9457
problem that names what is wrong; for other methods it returns None. It is pure: no I/O, no clock,
no environment, no logging, and it never raises for any event.

What is refused, and how (the decisions are in docs/decisions.md):

- a media type other than ``application/json`` or any ``+json`` type (matched case-insensitively), a
  ``charset`` other than UTF-8, or a ``Content-Encoding`` (gzip, br, ...): 415;
- a body over the size limit (decoded size, base64 included): 413;
- an empty body, invalid base64, bytes that look gzip-compressed, invalid UTF-8: 400; UTF-16 and
  UTF-32 (with or without a byte order mark): 415, since JSON exchanged between systems is UTF-8
  (RFC 8259 section 8.1); a UTF-8 byte order mark is ignored, as that section allows;
- JSON that does not parse, nests deeper than the limit, repeats a key in one object, has an integer
  longer than the limit, a number that overflows to infinity, ``NaN``/``Infinity``, or an unpaired
  surrogate escape (``"\\ud800"``, which no UTF-8 store can hold): 400.

Everything that passes parses with Python's ``json`` module to the same value (the handler may parse
it again through the framework): ``with_body`` gives the event with the checked text as its body.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from shared import problems

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
JSON_MEDIA_TYPE = "application/json"
UTF8_CHARSETS = frozenset({"utf-8", "utf8"})

_GZIP_MAGIC = b"\x1f\x8b"
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF32_BOMS = (b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")
_UTF16_BOMS = (b"\xfe\xff", b"\xff\xfe")
# A JSON string literal (escapes included); what remains outside strings holds the brackets.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")
# A \u escape of a surrogate code point (D800-DFFF), paired or not.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


@dataclass(frozen=True)
class BodyLimits:
    """Limits a write body must stay within (the defaults suit article submissions)."""

    max_bytes: int = 262_144
    max_depth: int = 32
    # 15 digits: every integer we accept is exact as a double, so every client reads the same number
    # (and Python's int() never meets its 4,300-digit conversion limit, which raises).
    max_integer_digits: int = 15
    max_number_chars: int = 32


@dataclass(frozen=True)
class JsonBody:
    """A body that passed: the parsed value and the UTF-8 text it was parsed from (no byte order mark)."""

    value: Any
    text: str


@dataclass(frozen=True)
class Refusal:
    """A request refused before validation: status, RFC 9457 problem body and extra response headers."""

    status: int
    problem: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)

    def response(self, headers: Mapping[str, str] | None = None) -> dict[str, Any]:
        """The API Gateway proxy response; ``headers`` adds the caller's own (e.g. CORS)."""
        return {
            "statusCode": self.status,
            "headers": {"Content-Type": problems.CONTENT_TYPE, **self.headers, **(headers or {})},
            "body": json.dumps(self.problem),
            "isBase64Encoded": False,
        }


class _Refused(Exception):
    """Control flow inside this module: becomes a Refusal in ``precheck``."""

    def __init__(self, status: int, field_name: str, message: str, kind: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.field_name = field_name
        self.message = message
        self.kind = kind
        self.headers = headers or {}


_TITLES = {400: "Malformed body", 413: "Body too large", 415: "Unsupported media type"}


def precheck(event: Mapping[str, Any], limits: BodyLimits | None = None) -> JsonBody | Refusal | None:
    """The parsed JSON body of a write request, or why it is refused; None for reads."""
    method = str(event.get("httpMethod") or "").upper()
    if method not in WRITE_METHODS:
        return None
    limits = limits or BodyLimits()
    try:
        headers = _headers(event)
        _check_media_type(headers)
        raw = _raw_body(event, limits)
        text = _decode(raw)
        return JsonBody(value=_parse(text, limits), text=text)
    except _Refused as refused:
        error = {"field": refused.field_name, "message": refused.message, "type": refused.kind}
        detail = f"{refused.field_name}: {refused.message}"
        instance = event.get("path")
        body = problems.problem(
            refused.status,
            _TITLES[refused.status],
            detail,
            instance if isinstance(instance, str) else None,
            [error],
        )
        return Refusal(status=refused.status, problem=body, headers=refused.headers)


def with_body(event: Mapping[str, Any], body: JsonBody) -> dict[str, Any]:
    """A copy of ``event`` whose body is the checked text (decoded from base64, byte order mark removed)."""
    return {**event, "body": body.text, "isBase64Encoded": False}


# ---------------------------------------------------------------------------------------- headers


def _headers(event: Mapping[str, Any]) -> dict[str, list[str]]:
    """Header name (lower case) -> every value sent, from ``multiValueHeaders`` and ``headers``."""
    found: dict[str, list[str]] = {}
    multi = event.get("multiValueHeaders") or {}
    if isinstance(multi, Mapping):
        for name, values in multi.items():
            if isinstance(values, list):
                found.setdefault(str(name).lower(), []).extend(str(v) for v in values if v is not None)
    single = event.get("headers") or {}
    if isinstance(single, Mapping):
        for name, value in single.items():
            values = found.setdefault(str(name).lower(), [])
            if value is not None and str(value) not in values:
                values.append(str(value))
    return found


def _check_media_type(headers: dict[str, list[str]]) -> None:
    codings = {v.strip().lower() for value in headers.get("content-encoding", []) for v in value.split(",")}
    codings.discard("identity")
    codings.discard("")
    if codings:
        raise _Refused(
            415,
            "content-encoding",
            f"{', '.join(sorted(codings))} is not accepted; send the body uncompressed",
            "unsupported_encoding",
            {"Accept-Encoding": "identity"},
        )
    values = {v.strip() for v in headers.get("content-type", []) if v.strip()}
    if not values:
        raise _Refused(415, "content-type", f"is missing; send {JSON_MEDIA_TYPE}", "unsupported_media_type")
    if len(values) > 1:
        raise _Refused(415, "content-type", "is given more than once with different values", "unsupported_media_type")
    media_type, parameters = _parse_media_type(values.pop())
    main, _, subtype = media_type.partition("/")
    if not (_TOKEN.match(main) and _TOKEN.match(subtype)) or not (
        media_type == JSON_MEDIA_TYPE or (subtype.endswith("+json") and len(subtype) > len("+json"))
    ):
        shown = media_type[:80] or "empty"
        raise _Refused(
            415, "content-type", f"must be {JSON_MEDIA_TYPE} (or a +json type), not {shown}", "unsupported_media_type"
        )
    charset = parameters.get("charset")
    if charset is not None and charset.lower() not in UTF8_CHARSETS:
        raise _Refused(415, "content-type", f"charset must be utf-8, not {charset[:40]}", "unsupported_charset")


def _parse_media_type(value: str) -> tuple[str, dict[str, str]]:
    kind, *raw_parameters = value.split(";")
    parameters: dict[str, str] = {}
    for raw in raw_parameters:
        name, _, parameter = raw.partition("=")
        parameters[name.strip().lower()] = parameter.strip().strip('"')
    return kind.strip().lower(), parameters


# ------------------------------------------------------------------------------------------- body


def _raw_body(event: Mapping[str, Any], limits: BodyLimits) -> bytes:
    body = event.get("body")
    if body is None:
        body = ""
    if not isinstance(body, str):
        raise _Refused(400, "body", "must be sent as text", "invalid_body")
    if event.get("isBase64Encoded"):
        if len(body) // 4 * 3 > limits.max_bytes + 3:
            raise _too_large(len(body) // 4 * 3, limits)
        try:
            raw = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise _Refused(400, "body", "is marked base64-encoded but is not valid base64", "invalid_base64") from None
    else:
        if len(body) > limits.max_bytes:  # each character is at least one byte
            raise _too_large(len(body), limits)
        raw = body.encode("utf-8", errors="surrogatepass")
    if len(raw) > limits.max_bytes:
        raise _too_large(len(raw), limits)
    if not raw.strip():
        raise _Refused(400, "body", "is required: send a JSON document", "missing")
    return raw


def _too_large(size: int, limits: BodyLimits) -> _Refused:
    return _Refused(413, "body", f"is at least {size} bytes; the limit is {limits.max_bytes}", "too_large")


def _decode(raw: bytes) -> str:
    if raw.startswith(_GZIP_MAGIC):
        message = "looks gzip-compressed; send it uncompressed (no Content-Encoding is accepted)"
        raise _Refused(400, "body", message, "compressed")
    if raw.startswith(_UTF32_BOMS) or raw.startswith(_UTF16_BOMS) or b"\x00" in raw[:4]:
        # JSON text starts with an ASCII character, so NUL bytes among the first four mean UTF-16/32.
        raise _Refused(415, "body", "must be UTF-8 (UTF-16 and UTF-32 are not accepted)", "unsupported_charset")
    raw = raw.removeprefix(_UTF8_BOM)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _Refused(400, "body", f"is not valid UTF-8 (byte {error.start})", "invalid_utf8") from None


# ------------------------------------------------------------------------------------------- JSON


def _parse(text: str, limits: BodyLimits) -> Any:
    depth = _depth(text, limits.max_depth)
    if depth > limits.max_depth:
        raise _Refused(400, "body", f"nests deeper than {limits.max_depth} levels", "too_deep")

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result:
                raise _Refused(400, "body", f"has the key {key[:60]!r} twice in one object", "duplicate_key")
            result[key] = value
        return result

    def integer(digits: str) -> int:
        if len(digits.lstrip("-")) > limits.max_integer_digits:
            raise _Refused(
                400, "body", f"has an integer longer than {limits.max_integer_digits} digits", "number_too_long"
            )
        return int(digits)

    def number(literal: str) -> float:
        if len(literal) > limits.max_number_chars:
            raise _Refused(
                400, "body", f"has a number longer than {limits.max_number_chars} characters", "number_too_long"
            )
        value = float(literal)
        if not math.isfinite(value):
            raise _Refused(400, "body", f"has a number out of range ({literal[:40]})", "number_out_of_range")
        return value

    def constant(name: str) -> Any:
        raise _Refused(400, "body", f"has {name}, which is not JSON", "json_invalid")

    try:
        value = json.loads(
            text, object_pairs_hook=pairs, parse_int=integer, parse_float=number, parse_constant=constant
        )
    except json.JSONDecodeError as error:
        message = f"is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        raise _Refused(400, "body", message, "json_invalid") from None
    except RecursionError:
        raise _Refused(400, "body", f"nests deeper than {limits.max_depth} levels", "too_deep") from None
    if "\\u" in text and _SURROGATE_ESCAPE.search(text):
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise _Refused(400, "body", "has an unpaired surrogate escape such as \\ud800", "invalid_unicode") from None
    return value


def _depth(text: str, limit: int) -> int:
    """Deepest bracket nesting outside string literals; stops counting once past ``limit``."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                break
    return deepest
