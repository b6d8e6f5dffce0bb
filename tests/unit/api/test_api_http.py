"""precheck: every write request body is parsed or refused with a 4xx problem naming why; it never raises."""

from __future__ import annotations

import base64
import gzip
import json
import random
from typing import Any

import pytest

from functions.api.http import BodyLimits, JsonBody, Refusal, precheck, with_body

ARTICLE = {"headline": "Kyiv", "body_html": "<p>Text</p>", "authors": [{"name": "A"}], "section": "news"}


def event(
    body: str | bytes | None = None,
    *,
    content_type: str | None = "application/json",
    method: str = "POST",
    base64_encoded: bool = False,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An API Gateway REST proxy event as the gateway builds it (body as text, or base64 for binary)."""
    all_headers = dict(headers or {})
    if content_type is not None:
        all_headers["Content-Type"] = content_type
    if isinstance(body, bytes):
        body, base64_encoded = base64.b64encode(body).decode(), True
    return {
        "httpMethod": method,
        "path": "/articles",
        "headers": all_headers,
        "multiValueHeaders": {name: [value] for name, value in all_headers.items()},
        "body": body,
        "isBase64Encoded": base64_encoded,
    }


def refused(outcome: JsonBody | Refusal | None, status: int, kind: str) -> dict[str, str]:
    """The one error of a refusal, after checking its status, type and problem shape."""
    assert isinstance(outcome, Refusal), outcome
    assert outcome.status == status
    problem = outcome.problem
    assert problem["status"] == status
    assert problem["type"] == "about:blank"
    assert problem["instance"] == "/articles"
    (error,) = problem["errors"]
    assert error["type"] == kind
    assert problem["detail"] == f"{error['field']}: {error['message']}"
    return error


def accepted(outcome: JsonBody | Refusal | None) -> Any:
    assert isinstance(outcome, JsonBody), outcome
    return outcome.value


# ------------------------------------------------------------------------------------ methods


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "get"])
def test_reads_are_not_checked(method):
    assert precheck(event("not json", content_type="text/plain", method=method)) is None


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "post"])
def test_every_write_method_is_checked(method):
    assert accepted(precheck(event(json.dumps(ARTICLE), method=method))) == ARTICLE
    refused(precheck(event("", method=method)), 400, "missing")


# -------------------------------------------------------------------------------- media types


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "APPLICATION/JSON",
        "Application/Json; Charset=UTF-8",
        'application/json; charset="utf-8"',
        "application/json;charset=utf8",
        "application/json ; charset=UTF-8 ; profile=x",
        "application/merge-patch+json",
        "application/vnd.newsroom.article+json; charset=utf-8",
        "application/problem+JSON",
    ],
)
def test_json_media_types_are_matched_case_insensitively(content_type):
    assert accepted(precheck(event(json.dumps(ARTICLE), content_type=content_type))) == ARTICLE


@pytest.mark.parametrize(
    ("content_type", "kind"),
    [
        (None, "unsupported_media_type"),
        ("", "unsupported_media_type"),
        ("text/plain", "unsupported_media_type"),
        ("application/x-www-form-urlencoded", "unsupported_media_type"),
        ("multipart/form-data; boundary=xyz", "unsupported_media_type"),
        ("application/jsonp", "unsupported_media_type"),
        ("application/json-seq", "unsupported_media_type"),
        ("json", "unsupported_media_type"),
        ("application/+json", "unsupported_media_type"),
        ("application json", "unsupported_media_type"),
        ("application/json; charset=iso-8859-1", "unsupported_charset"),
        ("application/json; charset=utf-16", "unsupported_charset"),
        ("application/json; charset=", "unsupported_charset"),
    ],
)
def test_other_media_types_and_charsets_are_415(content_type, kind):
    error = refused(precheck(event(json.dumps(ARTICLE), content_type=content_type)), 415, kind)
    assert error["field"] == "content-type"


def test_two_different_content_types_are_415():
    outcome = precheck(
        {
            **event(json.dumps(ARTICLE)),
            "multiValueHeaders": {"Content-Type": ["application/json", "text/plain"]},
        }
    )
    refused(outcome, 415, "unsupported_media_type")


@pytest.mark.parametrize("coding", ["gzip", "GZIP", "br", "deflate", "identity, gzip"])
def test_a_content_encoding_is_415_naming_what_is_accepted(coding):
    outcome = precheck(event(gzip.compress(b"{}"), headers={"Content-Encoding": coding}))
    error = refused(outcome, 415, "unsupported_encoding")
    assert error["field"] == "content-encoding"
    assert isinstance(outcome, Refusal)
    assert outcome.headers == {"Accept-Encoding": "identity"}


def test_identity_content_encoding_is_fine():
    assert accepted(precheck(event("{}", headers={"Content-Encoding": "identity"}))) == {}


# ------------------------------------------------------------------------------------ size


def test_a_body_at_the_limit_passes_and_one_byte_more_is_413():
    limits = BodyLimits(max_bytes=100)
    padding = "x" * (100 - len('{"a":""}'))
    at_limit = '{"a":"' + padding + '"}'
    assert len(at_limit.encode()) == 100
    assert accepted(precheck(event(at_limit), limits)) == {"a": padding}
    error = refused(precheck(event(at_limit + " "), limits), 413, "too_large")
    assert "100" in error["message"]


def test_size_is_counted_in_utf8_bytes_not_characters():
    limits = BodyLimits(max_bytes=100)
    cyrillic = '{"a":"' + "ї" * 47 + '"}'  # 49 characters, 102 bytes
    refused(precheck(event(cyrillic), limits), 413, "too_large")


def test_a_base64_body_is_measured_after_decoding_and_refused_before():
    limits = BodyLimits(max_bytes=100)
    assert accepted(precheck(event(b'{"a":"' + b"x" * 90 + b'"}'), limits)) == {"a": "x" * 90}
    refused(precheck(event(b"[" + b"1," * 1000 + b"1]"), limits), 413, "too_large")


# -------------------------------------------------------------------------------- encodings


def test_a_base64_encoded_body_is_decoded():
    outcome = precheck(event(json.dumps(ARTICLE).encode()))
    assert accepted(outcome) == ARTICLE


def test_invalid_base64_is_400():
    refused(precheck(event("%%%not base64%%%", base64_encoded=True)), 400, "invalid_base64")


def test_gzip_bytes_without_a_content_encoding_are_400():
    error = refused(precheck(event(gzip.compress(json.dumps(ARTICLE).encode()))), 400, "compressed")
    assert "gzip" in error["message"]


@pytest.mark.parametrize(
    "encoded",
    [
        json.dumps(ARTICLE).encode("utf-16"),  # with a byte order mark
        json.dumps(ARTICLE).encode("utf-16-le"),
        json.dumps(ARTICLE).encode("utf-16-be"),
        json.dumps(ARTICLE).encode("utf-32"),
        json.dumps(ARTICLE).encode("utf-32-be"),
    ],
)
def test_utf16_and_utf32_are_415(encoded):
    error = refused(precheck(event(encoded)), 415, "unsupported_charset")
    assert "UTF-8" in error["message"]


@pytest.mark.parametrize(
    "encoded",
    [
        b'{"headline": "\xff"}',  # a byte that never occurs in UTF-8
        b'{"headline": "Kyiv \xd0"}',  # a truncated two-byte sequence
        b'{"headline": "\xed\xa0\x80"}',  # an encoded surrogate
        '{"headline": "Київ"}'.encode("cp1251"),  # the legacy Cyrillic code page
    ],
)
def test_invalid_utf8_is_400_with_the_byte_offset(encoded):
    error = refused(precheck(event(encoded)), 400, "invalid_utf8")
    assert "byte" in error["message"]


def test_a_text_body_carrying_a_lone_surrogate_character_is_400():
    refused(precheck(event('{"headline": "\ud800"}')), 400, "invalid_utf8")


def test_a_utf8_byte_order_mark_is_ignored_and_removed_from_the_body_the_handler_sees():
    # GIVEN a UTF-8 body with a byte order mark (some Windows tools write one)
    original = event(b"\xef\xbb\xbf" + json.dumps(ARTICLE, ensure_ascii=False).encode())

    # WHEN checked
    outcome = precheck(original)

    # THEN it parses, and the event handed on is plain UTF-8 text without the mark
    assert accepted(outcome) == ARTICLE
    assert isinstance(outcome, JsonBody)
    passed_on = with_body(original, outcome)
    assert passed_on["isBase64Encoded"] is False
    assert json.loads(passed_on["body"]) == ARTICLE
    assert not passed_on["body"].startswith("\ufeff")
    assert passed_on["headers"] == original["headers"]


# ------------------------------------------------------------------------------------ JSON


@pytest.mark.parametrize(
    "body",
    ["   ", "\n\t", None],
)
def test_an_empty_body_is_400(body):
    refused(precheck(event(body)), 400, "missing")


@pytest.mark.parametrize(
    "body",
    ['{"a": 1,}', "{'a': 1}", '{"a": 1', '{"a": 1} {"b": 2}', "undefined", '{"a": 01}', '"\\x41"'],
)
def test_text_that_is_not_json_is_400_with_the_position(body):
    error = refused(precheck(event(body)), 400, "json_invalid")
    assert "line" in error["message"]
    assert "column" in error["message"]


def test_ten_thousand_levels_of_nesting_are_400():
    error = refused(precheck(event("[" * 10_000 + "]" * 10_000)), 400, "too_deep")
    assert "32" in error["message"]


def test_nesting_is_counted_up_to_the_limit_and_not_inside_strings():
    limits = BodyLimits(max_depth=3)
    assert accepted(precheck(event('{"a": [{"b": "[[[[{{{{"}]}'), limits)) == {"a": [{"b": "[[[[{{{{"}]}
    refused(precheck(event('{"a": [{"b": []}]}'), limits), 400, "too_deep")


def test_unbalanced_brackets_are_invalid_json_not_a_crash():
    refused(precheck(event("]]]]" + "[" * 5)), 400, "json_invalid")


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ('{"headline": "A", "headline": "B"}', "headline"),
        ('{"authors": [{"name": "A", "name": "B"}]}', "name"),
        ('{"a": {}, "b": {"c": 1, "c": 1}}', "c"),
    ],
)
def test_a_duplicate_key_is_400_naming_the_key(body, key):
    error = refused(precheck(event(body)), 400, "duplicate_key")
    assert repr(key) in error["message"]


def test_the_same_key_in_different_objects_is_fine():
    assert accepted(precheck(event('[{"a": 1}, {"a": 2}]'))) == [{"a": 1}, {"a": 2}]


@pytest.mark.parametrize("body", ['{"width": 1234567890123456}', '{"width": -1234567890123456}', "9" * 4301])
def test_integers_longer_than_15_digits_are_400(body):
    error = refused(precheck(event(body)), 400, "number_too_long")
    assert "15 digits" in error["message"]


def test_integers_up_to_15_digits_are_fine():
    assert accepted(precheck(event("[123456789012345, -123456789012345, 0]"))) == [123456789012345, -123456789012345, 0]


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("1e999", "number_out_of_range"),
        ("[-1e400]", "number_out_of_range"),
        ('{"x": ' + "1." + "1" * 40 + "}", "number_too_long"),
        ("NaN", "json_invalid"),
        ('{"a": Infinity}', "json_invalid"),
        ("[-Infinity]", "json_invalid"),
    ],
)
def test_non_finite_and_overlong_numbers_are_400(body, kind):
    refused(precheck(event(body)), 400, kind)


def test_ordinary_floats_are_fine():
    assert accepted(precheck(event("[1.5, -0.25, 1e10, 2E-3]"))) == [1.5, -0.25, 1e10, 2e-3]


@pytest.mark.parametrize("escape", ["\\ud800", "\\uDFFF", "\\udc00\\ud800", "a\\ud83d"])
def test_an_unpaired_surrogate_escape_is_400(escape):
    refused(precheck(event('{"headline": "' + escape + '"}')), 400, "invalid_unicode")


def test_a_paired_surrogate_escape_is_an_ordinary_character():
    assert accepted(precheck(event('{"headline": "\\ud83c\\uddfa\\ud83c\\udde6 Kyiv"}'))) == {"headline": "🇺🇦 Kyiv"}


# ------------------------------------------------------------------------------- the response


def test_a_refusal_is_a_complete_problem_response():
    # GIVEN a refused request
    outcome = precheck(event('{"a": 1, "a": 2}'))
    assert isinstance(outcome, Refusal)

    # WHEN turned into the proxy response, with the caller's CORS header
    response = outcome.response({"Access-Control-Allow-Origin": "*"})

    # THEN it is a problem+json answer a client can read
    assert response["statusCode"] == 400
    assert response["headers"] == {
        "Content-Type": "application/problem+json",
        "Access-Control-Allow-Origin": "*",
    }
    assert response["isBase64Encoded"] is False
    assert json.loads(response["body"]) == {
        "type": "about:blank",
        "title": "Malformed body",
        "status": 400,
        "detail": "body: has the key 'a' twice in one object",
        "instance": "/articles",
        "errors": [{"field": "body", "message": "has the key 'a' twice in one object", "type": "duplicate_key"}],
    }


# ------------------------------------------------------------------------------- never raises


@pytest.mark.parametrize(
    "odd",
    [
        {"httpMethod": "POST"},
        {"httpMethod": "POST", "headers": None, "multiValueHeaders": None, "body": None},
        {"httpMethod": "POST", "headers": {"content-type": None}, "body": "{}"},
        {"httpMethod": "POST", "headers": {"Content-Type": "application/json"}, "body": {"not": "text"}},
        {"httpMethod": "POST", "multiValueHeaders": {"Content-Type": "application/json"}, "body": "{}"},
        {"httpMethod": "POST", "headers": ["not", "a", "mapping"], "body": "{}"},
        {"httpMethod": None, "body": "{}"},
        {"httpMethod": "PUT", "headers": {"Content-Type": "application/json"}, "body": "{}", "path": 42},
    ],
)
def test_odd_events_get_an_answer_not_an_exception(odd):
    outcome = precheck(odd)
    assert outcome is None or isinstance(outcome, (JsonBody, Refusal))
    if isinstance(outcome, Refusal):
        assert 400 <= outcome.status < 500


def test_random_bytes_never_raise_and_are_refused_with_a_4xx():
    # GIVEN a thousand seeded random bodies of JSON-ish and arbitrary bytes
    rng = random.Random(20261201)
    alphabet = list(b'{}[]":,0123456789.eE+-\\u abcnulltruefalse') + list(range(256))
    statuses = set()
    for _ in range(1000):
        body = bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 64)))

        # WHEN checked
        outcome = precheck(event(body))

        # THEN each gets a JsonBody or a 4xx refusal, never an exception
        if isinstance(outcome, Refusal):
            statuses.add(outcome.status)
        else:
            assert isinstance(outcome, JsonBody)
    assert statuses <= {400, 413, 415}
