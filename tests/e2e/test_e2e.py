"""The product over HTTP, as a newsroom engineer meets it after `make run`."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from typing import Any

from tests.e2e.conftest import API_KEY, Stack
from tests.support.articles import seed_style_article, short_article


def _published(stack: Stack, article_id: str) -> dict[str, Any] | None:
    response = stack.request("GET", f"/articles/{article_id}")
    body = response.json()
    return body if body.get("status") == "published" else None


def test_an_article_goes_from_the_api_to_the_feeds_within_five_seconds(stack: Stack) -> None:
    # GIVEN a ~300-word article with a credited lead image, the newest one
    started = time.monotonic()
    article_id = stack.submit(seed_style_article())
    # WHEN the pipeline processes it
    article = stack.wait_for(lambda: _published(stack, article_id), timeout=5)
    elapsed = time.monotonic() - started
    # THEN it is published within 5 seconds, reads in 2 minutes, and its credit is split
    assert elapsed < 5
    assert article["reading_time_minutes"] == 2
    assert (article["lead_image"]["photographer"], article["lead_image"]["agency"]) == ("Sefa Karacan", "Anadolu")
    assert article["lead_image"]["distributor"] == "Getty Images"
    # AND it is first in the paginated feed
    page = stack.request("GET", "/feed").json()
    assert page["items"][0]["id"] == article_id

    # AND the static JSON Feed and RSS files carry it once the feed is rebuilt (files are written in turn)
    def in_static_feeds() -> bool:
        json_feed, rss = stack.site("/feeds/all/feed.json"), stack.site("/feeds/all/rss.xml")
        if json_feed.status != 200 or rss.status != 200:
            return False
        rss_titles = [item.findtext("title") for item in ET.fromstring(rss.body).iter("item")]
        json_titles = [item["title"] for item in json_feed.json()["items"]]
        return article["headline"] in rss_titles and article["headline"] in json_titles

    stack.wait_for(in_static_feeds, timeout=10)
    assert page["links"]["json_feed"].endswith("/site/feeds/all/feed.json")


def test_show_more_pages_through_25_articles_without_repeats_or_gaps(stack: Stack) -> None:
    # GIVEN 25 articles in their own section, published at distinct times
    ids = [stack.submit(short_article(n, section="paging", publish_at=f"2026-02-01T08:{n:02d}:00Z")) for n in range(25)]
    stack.wait_for(lambda: all(_published(stack, i) for i in ids[-1:] + ids[:1]), timeout=30)
    stack.wait_for(lambda: len(stack.request("GET", "/feed?section=paging&limit=50").json()["items"]) == 25, 30)
    # WHEN the section feed is read ten at a time
    pages, cursor = [], None
    for _ in range(3):
        query = "/feed?section=paging&limit=10" + (f"&cursor={cursor}" if cursor else "")
        page = stack.request("GET", query).json()
        pages.append([item["id"] for item in page["items"]])
        cursor = page["next_cursor"]
    # THEN three pages hold all 25, newest first, once each
    assert [len(p) for p in pages] == [10, 10, 5]
    assert [i for p in pages for i in p] == list(reversed(ids))
    assert cursor is None


def _trace_counts(stack: Stack) -> tuple[int, int]:
    """Article heads in the table and submission documents in S3: only the API writes them."""
    dynamodb, s3 = stack.boto("dynamodb"), stack.boto("s3")
    table = dynamodb.list_tables()["TableNames"][0]
    heads = sum(
        1
        for page in dynamodb.get_paginator("scan").paginate(TableName=table)
        for item in page["Items"]
        if item["sk"]["S"] == "HEAD" and item["pk"]["S"].startswith("ARTICLE#")
    )
    documents = 0
    for bucket in s3.list_buckets()["Buckets"]:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket["Name"], Prefix="submissions/"):
            documents += len(page.get("Contents", []))
    return heads, documents


def test_malformed_requests_get_4xx_naming_the_field_and_leave_no_trace(stack: Stack) -> None:
    before = _trace_counts(stack)
    key = {"x-api-key": API_KEY}
    bad_image = seed_style_article(lead_image={"url": "javascript:alert(1)"})
    cases = [
        (stack.request("POST", "/articles", bad_image, headers=key), 422, "lead_image.url"),
        (stack.request("POST", "/articles", seed_style_article(headline=""), headers=key), 422, "headline"),
        (stack.request("POST", "/articles", raw=b"{oops", headers=key), 400, "body"),
        (stack.request("POST", "/articles", raw=b"[]", headers=key), 422, "body"),
        (stack.request("POST", "/articles", raw=b"x" * 300_000, headers=key), 413, "body"),
        (stack.request("POST", "/articles", raw=json.dumps(seed_style_article()).encode(),
                       headers={**key, "content-type": "text/plain"}), 415, "content-type"),
        (stack.request("GET", "/feed?limit=500"), 422, "limit"),
    ]  # fmt: skip
    for response, status, field in cases:  # every one names what is wrong
        assert response.status == status, response.body
        assert response.headers["content-type"].startswith("application/problem+json")
        assert field in [e["field"] for e in response.json()["errors"]]
    assert _trace_counts(stack) == before


def test_writes_need_the_api_key_and_unknown_routes_are_problems(stack: Stack) -> None:
    before = _trace_counts(stack)
    missing = stack.request("POST", "/articles", seed_style_article())
    wrong = stack.request("POST", "/articles", seed_style_article(), headers={"x-api-key": "guess"})
    assert missing.status == wrong.status == 403
    assert missing.headers["content-type"].startswith("application/problem+json")
    unknown = stack.request("GET", "/no/such/route")
    assert unknown.status == 404
    assert unknown.json()["status"] == 404
    assert _trace_counts(stack) == before


def test_openapi_document_is_served(stack: Stack) -> None:
    document = stack.request("GET", "/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) >= {"/articles", "/articles/{article_id}", "/feed", "/health"}
