"""The API handler against moto: what it stores, what it answers, and that bad input stores nothing."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.integration.conftest import EDITOR, Resources, call_api
from tests.support.articles import seed_style_article


def test_valid_submission_is_accepted_and_stored(aws: Resources) -> None:
    # GIVEN a valid article
    # WHEN it is submitted
    status, headers, body = call_api("POST", "/articles", seed_style_article(), claims=EDITOR)
    # THEN it is accepted with its id, first revision and a link
    assert status == 202
    assert body["revision"] == 1 and body["status"] == "received"
    assert headers["location"] == f"/articles/{body['id']}" == body["links"]["self"]
    # AND the raw submission is in S3 and the head (holding revision 1's record) in DynamoDB
    (key,) = aws.object_keys()
    assert key.startswith(f"submissions/{body['id']}/00000001-") and key.endswith(".json")
    assert [(i["pk"], i["sk"]) for i in aws.items()] == [(f"ARTICLE#{body['id']}", "HEAD")]


def test_received_article_reads_back_sanitized_with_credit_parts(aws: Resources) -> None:
    # GIVEN an article whose body carries a script and an event handler
    article = seed_style_article(body_html='<p onclick="steal()">Safe text here.</p><script>alert(1)</script>')
    _, _, accepted = call_api("POST", "/articles", article, claims=EDITOR)
    # WHEN it is read back
    status, _, body = call_api("GET", f"/articles/{accepted['id']}", claims=EDITOR)
    # THEN it is the sanitized article, still received, with the credit split
    assert status == 200
    assert body["status"] == "received"
    assert body["body_html"] == "<p>Safe text here.</p>"
    image = body["lead_image"]
    assert (image["photographer"], image["agency"], image["distributor"]) == (
        "Sefa Karacan",
        "Anadolu",
        "Getty Images",
    )


def test_resubmitting_the_same_external_id_returns_the_same_article(aws: Resources) -> None:
    # GIVEN an article sent with an external id
    article = seed_style_article(external_id="wire:123")
    _, _, first = call_api("POST", "/articles", article, claims=EDITOR)
    items_before = len(aws.items())
    # WHEN the same content is sent again
    status, _, second = call_api("POST", "/articles", article, claims=EDITOR)
    # THEN the answer names the existing article and nothing new is stored
    assert status == 200
    assert second["id"] == first["id"]
    assert len(aws.items()) == items_before
    assert len(aws.object_keys()) == 1


def test_same_external_id_with_other_content_conflicts(aws: Resources) -> None:
    call_api("POST", "/articles", seed_style_article(external_id="wire:9"), claims=EDITOR)
    status, headers, body = call_api(
        "POST", "/articles", seed_style_article(external_id="wire:9", headline="Other"), claims=EDITOR
    )
    assert status == 409
    assert headers["content-type"] == "application/problem+json"
    assert body["errors"][0]["field"] == "external_id"


def _bad(field_path: str, **changes: Any) -> tuple[str, dict[str, Any]]:
    article = seed_style_article()
    for dotted, value in changes.items():
        target: Any = article
        *parents, leaf = dotted.split("__")
        for parent in parents:
            target = target[int(parent)] if parent.isdigit() else target[parent]
        if value is _MISSING:
            del target[leaf]
        else:
            target[leaf] = value
    return field_path, article


_MISSING = object()

BAD_FIELDS = [
    _bad("headline", headline=_MISSING),
    _bad("headline", headline=""),
    _bad("headline", headline="x" * 301),
    _bad("headline", headline="<b>Breaking</b> news"),
    _bad("body_html", body_html=_MISSING),
    _bad("body_html", body_html=""),
    _bad("body_html", body_html=12),
    _bad("body_html", body_html="<script>alert('only a script')</script>"),
    _bad("summary", summary="x" * 1001),
    _bad("authors", authors=[]),
    _bad("authors", authors="Dana Petrenko"),
    _bad("authors[0].name", authors__0__name=_MISSING),
    _bad("authors[0].avatar_url", authors__0__avatar_url="javascript:alert(1)"),
    _bad("lead_image.url", lead_image__url=_MISSING),
    _bad("lead_image.url", lead_image__url="ftp://example.org/a.jpg"),
    _bad("lead_image.url", lead_image__url="/relative.jpg"),
    _bad("lead_image.caption", lead_image__caption="x" * 3001),
    _bad("lead_image.unknown", lead_image__unknown="x"),
    _bad("section", section=_MISSING),
    _bad("section", section="News & Politics"),
    _bad("tags", tags=["t"] * 21),
    _bad("tags[0]", tags=[""]),
    _bad("language", language="english!"),
    _bad("kind", kind="rumour"),
    _bad("publish_at", publish_at="2025-07-03T10:00:00"),
    _bad("publish_at", publish_at="2999-01-01T00:00:00Z"),
    _bad("publish_at", publish_at="yesterday"),
    _bad("publish_at", publish_at="0999-07-03T10:00:00Z"),
    _bad("canonical_url", canonical_url="news.example.org/a"),
    _bad("external_id", external_id="has spaces"),
    _bad("surprise", surprise=True),
]


@pytest.mark.parametrize(("field", "article"), BAD_FIELDS, ids=[f"{f}-{i}" for i, (f, _) in enumerate(BAD_FIELDS)])
def test_each_bad_field_is_named_and_nothing_is_stored(aws: Resources, field: str, article: dict[str, Any]) -> None:
    # WHEN an article with one bad field is submitted
    status, headers, body = call_api("POST", "/articles", article, claims=EDITOR)
    # THEN the answer is a 422 problem naming that field with a message
    assert status == 422, body
    assert headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in body["errors"]]
    assert all(e["message"] for e in body["errors"])
    # AND nothing reached S3 or DynamoDB
    assert aws.items() == []
    assert aws.object_keys() == []


@pytest.mark.parametrize(
    ("raw_body", "headers", "expected"),
    [
        ("{not json", None, 400),
        ("[1, 2, 3]", None, 422),
        ('"a string"', None, 422),
        ("", None, 400),
        (json.dumps(seed_style_article()), {"content-type": "text/plain"}, 415),
        (json.dumps(seed_style_article()), {"content-type": "application/x-www-form-urlencoded"}, 415),
        (json.dumps(seed_style_article(body_html="<p>" + "word " * 60_000 + "</p>")), None, 413),
    ],
    ids=["malformed", "array", "string", "empty", "text-plain", "form", "too-large"],
)
def test_malformed_requests_are_4xx_and_store_nothing(
    aws: Resources, raw_body: str, headers: dict[str, str] | None, expected: int
) -> None:
    status, response_headers, body = call_api("POST", "/articles", raw_body=raw_body, headers=headers, claims=EDITOR)
    assert status == expected, body
    assert response_headers["content-type"] == "application/problem+json"
    assert body["status"] == expected and body["title"] and body["detail"]
    assert body["errors"][0]["field"] in ("body", "content-type")
    assert aws.items() == []
    assert aws.object_keys() == []


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [("GET", "/nowhere", 404), ("DELETE", "/articles", 404), ("GET", "/articles/not-an-id", 404),
     ("GET", "/articles/01ARZ3NDEKTSV4RRFFQ69G5FAV", 404)],
)  # fmt: skip
def test_unknown_routes_and_articles_are_404_problems(aws: Resources, method: str, path: str, expected: int) -> None:
    # (a write carries a JSON body: an unreadable one is refused before routing, with a 400)
    status, headers, body = call_api(method, path, {} if method != "GET" else None)
    assert status == expected
    assert headers["content-type"] == "application/problem+json"
    assert body["status"] == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [({"limit": "0"}, "limit"), ({"limit": "51"}, "limit"), ({"limit": "ten"}, "limit"),
     ({"cursor": "garbage"}, "cursor"), ({"section": "news", "tag": "x"}, "tag"), ({"language": "??"}, "language")],
)  # fmt: skip
def test_bad_feed_queries_name_the_parameter(aws: Resources, query: dict[str, str], field: str) -> None:
    status, _, body = call_api("GET", "/feed", query=query)
    assert status in (400, 422)
    assert field in [e["field"] for e in body["errors"]]


def test_health_and_openapi(aws: Resources) -> None:
    assert call_api("GET", "/health").body["status"] == "ok"
    status, _, document = call_api("GET", "/openapi.json")
    assert status == 200
    assert document["openapi"].startswith("3.1")
    assert document["paths"]["/articles"]["post"]["security"] == [{"cognito": [], "apiKey": []}]
    assert document["servers"] == [{"url": "/v1", "description": document["servers"][0]["description"]}]
    assert "Problem" in document["components"]["schemas"]
    # every reference in the document resolves to a component schema
    references = set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(document)))
    assert references <= set(document["components"]["schemas"])
    assert {"Article", "FeedPage", "ArticleSubmission"} <= references
