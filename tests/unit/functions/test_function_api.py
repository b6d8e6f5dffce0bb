"""The API function with its services injected over the in-memory adapters: roles, headers, errors."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any, cast

import pytest
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.api import handler as api
from functions.api.auth import Principal, Role, TokenVerifier
from shared.errors import Unauthorized
from tests.support.events import api_event
from tests.support.memory import MemoryDocuments
from tests.support.newsroom import NOW, Newsroom, article_id, submission
from tests.unit.functions.conftest import FakeContext

EDITOR_CLAIMS = {"cognito:username": "dana", "cognito:groups": "editor"}
PUBLISHER_CLAIMS = {"cognito:username": "pat", "cognito:groups": "publisher"}


class IssuedTokens(TokenVerifier):
    """The user pool at the boundary: the tokens it issued and whom they stand for (no JWKS fetch)."""

    def __init__(self) -> None:
        super().__init__("https://issuer.example.org/jwks.json", "https://issuer.example.org", "cms")
        self.issued = {
            "editor-token": Principal("dana", frozenset({Role.EDITOR})),
            "publisher-token": Principal("pat", frozenset({Role.PUBLISHER})),
            "reader-token": Principal("rita", frozenset()),
        }

    def verify(self, token: str) -> Principal:
        if token not in self.issued:
            raise Unauthorized("the token is not valid: Signature verification failed")
        return self.issued[token]


class Api:
    """Calls the handler as API Gateway would, with the services of one newsroom."""

    def __init__(self, newsroom: Newsroom) -> None:
        self.newsroom = newsroom
        self.services = api.Services(
            submissions=newsroom.submissions,
            lifecycle=newsroom.lifecycle,
            articles=newsroom.reader,
            feeds=newsroom.feeds,
            tokens=IssuedTokens(),
        )

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        claims: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], Any]:
        text_body = body if isinstance(body, str) else None
        event = api_event(method, path, None if text_body is not None else body, query=query, headers=headers,
                          raw_body=text_body, claims=claims or None, source_ip="192.0.2.1")  # fmt: skip
        response = api.respond(event, cast(LambdaContext, FakeContext()), self.services)
        response_headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
        for name, values in (response.get("multiValueHeaders") or {}).items():
            response_headers.setdefault(name.lower(), ", ".join(values))
        text = response.get("body") or ""
        parsed = json.loads(text) if "json" in response_headers.get("content-type", "") and text else text
        return response["statusCode"], response_headers, parsed


@pytest.fixture
def client() -> Api:
    return Api(Newsroom())


def payload(n: int = 1, **overrides: Any) -> dict[str, Any]:
    return submission(n, **overrides).model_dump(mode="json", exclude_none=True)


def published(client: Api, n: int = 1) -> str:
    return client.newsroom.publish(submission(n))


# ------------------------------------------------------------------------------------------------ roles
def test_an_anonymous_write_is_401_and_writes_nothing(client: Api) -> None:
    status, headers, body = client.call("POST", "/articles", payload())

    assert status == 401
    assert headers["content-type"] == "application/problem+json"
    assert headers["www-authenticate"].startswith("Bearer")
    assert body["status"] == 401 and body["instance"] == "/articles"
    assert client.newsroom.table.items == {}


def test_an_editor_submits_and_gets_the_revision_as_etag(client: Api) -> None:
    status, headers, body = client.call("POST", "/articles", payload(), claims=EDITOR_CLAIMS)

    assert status == 202
    assert (body["id"], body["revision"], body["status"]) == (article_id(1), 1, "received")
    assert headers["location"] == f"/articles/{article_id(1)}"
    assert headers["etag"] == '"1"'
    assert client.newsroom.head(article_id(1)).submitted_by == "dana"


def test_a_future_publish_at_needs_the_publisher_role(client: Api) -> None:
    embargoed = payload(publish_at=(NOW + timedelta(hours=2)).isoformat())

    editor_status, _, editor_body = client.call("POST", "/articles", embargoed, claims=EDITOR_CLAIMS)
    publisher_status, _, _ = client.call("POST", "/articles", embargoed, claims=PUBLISHER_CLAIMS)

    assert (editor_status, publisher_status) == (403, 202)
    assert "publisher" in editor_body["detail"]


def test_a_takedown_needs_the_publisher_role(client: Api) -> None:
    # GIVEN a published article
    article = published(client)

    # WHEN an editor, then a publisher, takes it down
    editor_status, _, _ = client.call("DELETE", f"/articles/{article}", {"reason": "Legal"}, claims=EDITOR_CLAIMS)
    assert client.newsroom.head(article).status == "published"
    status, headers, body = client.call("DELETE", f"/articles/{article}", {"reason": "Legal"}, claims=PUBLISHER_CLAIMS)

    # THEN the editor is refused, the publisher's takedown answers the article as the newsroom sees it
    assert editor_status == 403
    assert status == 200
    assert (body["status"], body["unpublish_reason"]) == ("unpublished", "Legal")
    assert headers["cache-control"] == "private, no-store" and headers["etag"] == '"1"'
    # AND readers get a 410 problem
    gone_status, gone_headers, gone = client.call("GET", f"/articles/{article}")
    assert gone_status == 410 and gone_headers["content-type"] == "application/problem+json"
    assert gone["title"] == "Gone"


def test_a_takedown_needs_a_reason(client: Api) -> None:
    article = published(client)

    status, _, body = client.call("DELETE", f"/articles/{article}", {}, claims=PUBLISHER_CLAIMS)

    assert status == 422 and [e["field"] for e in body["errors"]] == ["reason"]


def test_publish_restores_a_taken_down_article(client: Api) -> None:
    article = published(client)
    client.call("DELETE", f"/articles/{article}", {"reason": "Legal"}, claims=PUBLISHER_CLAIMS)

    editor_status, _, _ = client.call("POST", f"/articles/{article}/publish", {}, claims=EDITOR_CLAIMS)
    status, _, body = client.call("POST", f"/articles/{article}/publish", {}, claims=PUBLISHER_CLAIMS)

    assert (editor_status, status, body["status"]) == (403, 200, "published")


def test_an_editor_without_a_role_is_403(client: Api) -> None:
    status, _, body = client.call(
        "POST", "/articles", payload(), claims={"cognito:username": "guest", "cognito:groups": "readers"}
    )
    assert status == 403 and "none" in body["detail"]


# --------------------------------------------------------------------------------------- If-Match / ETag
def test_a_put_needs_if_match_with_the_current_revision(client: Api) -> None:
    # GIVEN a published article at revision 1
    article = published(client)
    change = payload(headline="A better headline")
    url = f"/articles/{article}"

    # WHEN it is changed without If-Match, with a stale one, with a weak one, then with the current one
    missing, _, missing_body = client.call("PUT", url, change, claims=EDITOR_CLAIMS)
    stale, _, stale_body = client.call("PUT", url, change, claims=EDITOR_CLAIMS, headers={"If-Match": '"7"'})
    weak, _, _ = client.call("PUT", url, change, claims=EDITOR_CLAIMS, headers={"If-Match": 'W/"1"'})
    status, headers, body = client.call("PUT", url, change, claims=EDITOR_CLAIMS, headers={"If-Match": '"1"'})

    # THEN 428, 412 naming the current revision, 412, and finally 202 with the new ETag
    assert missing == 428 and missing_body["errors"][0]["field"] == "if-match"
    assert stale == 412 and stale_body["current_revision"] == 1
    assert weak == 412
    assert (status, body["revision"], headers["etag"]) == (202, 2, '"2"')


def test_a_reader_gets_the_etag_and_a_304_when_it_still_matches(client: Api) -> None:
    article = published(client)

    status, headers, body = client.call("GET", f"/articles/{article}")
    again, again_headers, again_body = client.call("GET", f"/articles/{article}", headers={"If-None-Match": '"1"'})

    assert (status, headers["etag"], body["revision"]) == (200, '"1"', 1)
    assert headers["cache-control"] == api.PUBLIC_ARTICLE_CACHE
    assert headers["vary"] == "Authorization"
    assert (again, again_headers["etag"], again_body) == (304, '"1"', "")


def test_a_newsroom_token_on_a_public_read_unlocks_drafts_privately(client: Api) -> None:
    # GIVEN an article not enriched yet
    article = client.newsroom.submit(submission(1))

    # WHEN read anonymously, with a reader's token, with an editor's token, with a forged token
    anonymous, _, _ = client.call("GET", f"/articles/{article}")
    reader, _, _ = client.call("GET", f"/articles/{article}", headers={"Authorization": "Bearer reader-token"})
    editor, headers, body = client.call("GET", f"/articles/{article}", headers={"Authorization": "Bearer editor-token"})
    forged, _, _ = client.call("GET", f"/articles/{article}", headers={"Authorization": "Bearer forged"})

    # THEN only the editor sees it, and the answer must not be kept by shared caches
    assert (anonymous, reader, editor, forged) == (404, 404, 200, 401)
    assert body["status"] == "received" and headers["cache-control"] == "private, no-store"


def test_a_past_revision_needs_a_newsroom_token(client: Api) -> None:
    article = published(client)

    anonymous, _, _ = client.call("GET", f"/articles/{article}", query={"revision": "1"})
    status, _, body = client.call(
        "GET", f"/articles/{article}", query={"revision": "1"}, headers={"Authorization": "Bearer editor-token"}
    )

    assert (anonymous, status, body["revision_status"]) == (401, 200, "published")


def test_the_revision_list_needs_a_newsroom_role(client: Api) -> None:
    article = published(client)

    anonymous, _, _ = client.call("GET", f"/articles/{article}/revisions")
    status, headers, body = client.call("GET", f"/articles/{article}/revisions", claims=EDITOR_CLAIMS)

    assert anonymous == 401
    assert status == 200 and headers["cache-control"] == "private, no-store"
    assert [(r["revision"], r["status"]) for r in body["items"]] == [(1, "published")]


# ------------------------------------------------------------------------------------------ Idempotency-Key
def test_an_idempotency_key_replays_the_first_answer(client: Api) -> None:
    key = {"Idempotency-Key": "cms-7f1c2a"}

    first, _, first_body = client.call("POST", "/articles", payload(), claims=EDITOR_CLAIMS, headers=key)
    again, headers, again_body = client.call("POST", "/articles", payload(), claims=EDITOR_CLAIMS, headers=key)
    other, _, other_body = client.call("POST", "/articles", payload(2), claims=EDITOR_CLAIMS, headers=key)

    assert (first, again, again_body) == (202, 202, first_body)
    assert headers["idempotent-replayed"] == "true"
    assert other == 422 and other_body["errors"][0]["field"] == "idempotency-key"


@pytest.mark.parametrize("key", ["has space", "ключ", "x" * 256, ""])
def test_an_idempotency_key_must_be_visible_ascii_up_to_255(client: Api, key: str) -> None:
    status, _, body = client.call(
        "POST", "/articles", payload(), claims=EDITOR_CLAIMS, headers={"Idempotency-Key": key}
    )

    assert status == 422
    assert [e["field"] for e in body["errors"]] == ["idempotency-key"]
    assert client.newsroom.table.items == {}


# ---------------------------------------------------------------------------------------------- errors
class BreakableDocuments(MemoryDocuments):
    """The documents bucket, which can start failing (S3 5xx after botocore's retries)."""

    broken = False

    def put_json(self, key: str, document: object) -> None:
        if self.broken:
            raise ConnectionError("S3 is unavailable")
        super().put_json(key, document)

    def get_json(self, key: str) -> Any:
        if self.broken:
            raise ConnectionError("S3 is unavailable")
        return super().get_json(key)


@pytest.mark.parametrize(
    ("method", "headers", "safe"),
    [
        ("POST", {}, False),
        ("POST", {"Idempotency-Key": "k-1"}, True),
        ("PUT", {"If-Match": '"1"'}, True),
        ("GET", {}, True),
    ],
)
def test_a_500_says_a_retry_is_safe_only_for_idempotent_requests(
    method: str, headers: dict[str, str], safe: bool
) -> None:
    # GIVEN a published article, then the documents bucket failing
    documents = BreakableDocuments()
    client = Api(Newsroom(documents=documents))
    article = published(client)
    documents.broken = True
    path = "/articles" if method == "POST" else f"/articles/{article}"

    # WHEN a request needs it
    body = payload(2) if method in ("POST", "PUT") else None
    status, response_headers, problem = client.call(method, path, body, claims=EDITOR_CLAIMS, headers=headers)

    # THEN it is a 500 problem without internals that says whether retrying is safe
    assert status == 500 and response_headers["content-type"] == "application/problem+json"
    assert "S3" not in problem["detail"]
    assert ("it is safe to retry this request" in problem["detail"]) is safe
    assert ("check before retrying" in problem["detail"]) is not safe


def test_a_body_that_is_not_json_is_415_and_a_huge_one_413(client: Api) -> None:
    not_json, _, body = client.call("POST", "/articles", "headline=x", claims=EDITOR_CLAIMS,
                                    headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    huge, _, _ = client.call("POST", "/articles", "x" * (api.BODY_LIMITS.max_bytes + 1), claims=EDITOR_CLAIMS)
    malformed, _, malformed_body = client.call("POST", "/articles", "{not json", claims=EDITOR_CLAIMS)

    assert (not_json, body["errors"][0]["field"]) == (415, "content-type")
    assert huge == 413
    assert (malformed, malformed_body["errors"][0]["type"]) == (400, "json_invalid")


def test_an_invalid_submission_names_each_field(client: Api) -> None:
    status, _, body = client.call(
        "POST", "/articles", {**payload(), "headline": "", "section": "World News"}, claims=EDITOR_CLAIMS
    )
    assert status == 422
    assert sorted(e["field"] for e in body["errors"]) == ["headline", "section"]


def test_an_unknown_route_is_a_404_problem(client: Api) -> None:
    status, headers, body = client.call("GET", "/nothing-here")
    assert status == 404 and headers["content-type"] == "application/problem+json"
    assert body["detail"] == "no route for GET /nothing-here"


# ----------------------------------------------------------------------------------------------- feeds
def test_feed_pages_are_public_and_paginated(client: Api) -> None:
    for n in range(3):
        client.newsroom.clock.now = NOW + timedelta(minutes=n)
        published(client, n)

    status, headers, first = client.call("GET", "/feed", query={"limit": "2"})
    _, _, second = client.call("GET", "/feed", query={"limit": "2", "cursor": first["next_cursor"]})
    bad, _, bad_body = client.call("GET", "/feed", query={"cursor": "garbage"})

    assert status == 200 and headers["cache-control"].startswith("public")
    assert len(first["items"]) == 2 and len(second["items"]) == 1 and second["next_cursor"] is None
    assert (bad, bad_body["errors"][0]["field"]) == (422, "cursor")


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/feeds/all/feed.json", "application/feed+json"),
        ("/feeds/section/news/rss.xml", "application/rss+xml; charset=utf-8"),
        ("/feeds/tag/russia/atom.xml", "application/atom+xml; charset=utf-8"),
        ("/feeds/all/archive/2026-11-30T14/feed.json", "application/feed+json"),
        ("/sitemaps/news.xml", "application/xml; charset=utf-8"),
        ("/sitemaps/index.xml", "application/xml; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
    ],
)
def test_feed_files_are_rendered_with_their_type_cache_control_and_etag(
    client: Api, path: str, content_type: str
) -> None:
    published(client)

    status, headers, _ = client.call("GET", path)
    again, _, _ = client.call("GET", path, headers={"If-None-Match": headers["etag"]})

    assert (status, headers["content-type"]) == (200, content_type)
    assert headers["cache-control"].startswith("public, max-age=")
    assert again == 304


@pytest.mark.parametrize("path", ["/feeds/all/feed.xml", "/feeds/author/dana/rss.xml", "/sitemaps/other.xml"])
def test_unknown_feed_files_are_404(client: Api, path: str) -> None:
    status, _, body = client.call("GET", path)
    assert status == 404 and body["status"] == 404
