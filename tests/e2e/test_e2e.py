"""The product over HTTP, as a newsroom engineer meets it after `make run`."""

from __future__ import annotations

import json
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.e2e.conftest import API_KEY, Stack
from tests.support.articles import seed_style_article, short_article

ATOM = "{http://www.w3.org/2005/Atom}"
TOMBSTONE = "{http://purl.org/atompub/tombstones/1.0}deleted-entry"


def _published(stack: Stack, article_id: str) -> dict[str, Any] | None:
    response = stack.request("GET", f"/articles/{article_id}")
    return response.json() if response.status == 200 else None


def _feed_ids(stack: Stack, query: str) -> list[str]:
    return [item["id"] for item in stack.request("GET", f"/feed?limit=50&{query}").json()["items"]]


def _site_ids(stack: Stack, path: str) -> list[str]:
    """The article ids in a feed file served where CloudFront serves it (/site/...)."""
    response = stack.site(path)
    assert response.status == 200, (path, response.status)
    if path.endswith(".json"):
        return [item["id"] for item in response.json()["items"]]
    root = ET.fromstring(response.body)
    if path.endswith("rss.xml"):
        return [str(item.findtext("guid")) for item in root.iter("item")]
    return [str(entry.findtext(f"{ATOM}id")).rsplit(":", 1)[-1] for entry in root.iter(f"{ATOM}entry")]


def test_an_article_goes_from_the_api_to_the_feeds_within_five_seconds(stack: Stack) -> None:
    # GIVEN a ~300-word article with a credited lead image, the newest one
    started = time.monotonic()
    article_id = stack.submit(seed_style_article(tags=["Russia", "Afghanistan", f"e2e-{uuid.uuid4().hex[:6]}"]))
    # WHEN the pipeline processes it
    article = stack.wait_for(lambda: _published(stack, article_id), timeout=5)
    elapsed = time.monotonic() - started
    # THEN it is published within 5 seconds, reads in 2 minutes, and its credit is split
    assert elapsed < 5
    assert article["reading_time_minutes"] == 2
    assert (article["lead_image"]["photographer"], article["lead_image"]["agency"]) == ("Sefa Karacan", "Anadolu")
    # AND it is first in the paginated feed and in every feed file, served through the site's CDN paths
    page = stack.request("GET", "/feed").json()
    assert page["items"][0]["id"] == article_id
    assert page["links"]["json_feed"].endswith("/site/feeds/all/feed.json")
    for path in ("/feeds/all/feed.json", "/feeds/all/rss.xml", "/feeds/all/atom.xml", "/feeds/tag/russia/feed.json"):
        assert _site_ids(stack, path)[0] == article_id
    # AND the news sitemap lists it, under a sitemap index that robots.txt names
    assert article["url"] in stack.site("/sitemaps/news.xml").body.decode()
    assert "/sitemaps/news.xml" in stack.site("/sitemaps/index.xml").body.decode()
    assert "/sitemaps/index.xml" in stack.site("/robots.txt").body.decode()


def test_show_more_pages_through_25_articles_without_repeats_or_gaps(stack: Stack) -> None:
    # GIVEN 25 archive imports in their own section, each in its own hour
    section = f"paging-{uuid.uuid4().hex[:6]}"
    ids = [
        stack.submit(short_article(n, section=section, publish_at=f"2026-02-01T{n:02d}:10:00Z")) for n in range(24)
    ] + [stack.submit(short_article(24, section=section, publish_at="2026-02-02T00:10:00Z"))]
    stack.wait_for(lambda: len(_feed_ids(stack, f"section={section}")) == 25, 30)
    # WHEN the section feed is read ten at a time
    pages, cursor = [], None
    for _ in range(3):
        query = f"/feed?section={section}&limit=10" + (f"&cursor={cursor}" if cursor else "")
        page = stack.request("GET", query).json()
        pages.append([item["id"] for item in page["items"]])
        cursor = page["next_cursor"]
    # THEN three pages hold all 25, newest first, once each
    assert [len(p) for p in pages] == [10, 10, 5]
    assert [i for p in pages for i in p] == list(reversed(ids))
    assert cursor is None
    # AND a feed reader pages from the newest JSON Feed document back through the hourly archives to the first
    seen: list[str] = []
    url: str | None = f"/feeds/section/{section}/feed.json"
    hops = 0
    while url and hops < 40:
        document = stack.site(url).json()
        seen += [item["id"] for item in document["items"] if item["id"] not in seen]
        url, hops = (document.get("next_url") or "").split("/site", 1)[-1] or None, hops + 1
    assert seen == list(reversed(ids))


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


def test_malformed_requests_get_4xx_naming_the_problem_and_leave_no_trace(stack: Stack) -> None:
    before = _trace_counts(stack)
    headers = stack.write_headers()
    bad_image = seed_style_article(lead_image={"url": "javascript:alert(1)"})
    cases = [
        (stack.request("POST", "/articles", bad_image, headers=headers), 422, "lead_image.url"),
        (stack.request("POST", "/articles", seed_style_article(headline=""), headers=headers), 422, "headline"),
        (stack.request("POST", "/articles", raw=b"{oops", headers=headers), 400, "body"),
        (stack.request("POST", "/articles", raw=b'{"a": 1, "a": 2}', headers=headers), 400, "body"),
        (stack.request("POST", "/articles", raw=b"[" * 10_000 + b"]" * 10_000, headers=headers), 400, "body"),
        (stack.request("POST", "/articles", raw=b"x" * 300_000, headers=headers), 413, "body"),
        (stack.request("POST", "/articles", raw=json.dumps(seed_style_article()).encode("utf-16"),
                       headers=headers), 415, "body"),
        (stack.request("POST", "/articles", raw=json.dumps(seed_style_article()).encode(),
                       headers={**headers, "content-type": "text/plain"}), 415, "content-type"),
        (stack.request("GET", "/feed?limit=500"), 422, "limit"),
    ]  # fmt: skip
    for response, status, field in cases:  # every one names what is wrong
        assert response.status == status, response.body
        assert response.headers["content-type"].startswith("application/problem+json")
        assert field in [e["field"] for e in response.json()["errors"]], response.body
    assert _trace_counts(stack) == before


def test_writes_need_the_api_key_and_a_token_of_the_right_role(stack: Stack) -> None:
    before = _trace_counts(stack)
    token = stack.token("editor")
    missing_key = stack.request("POST", "/articles", seed_style_article(), headers={"authorization": f"Bearer {token}"})
    missing_token = stack.request("POST", "/articles", seed_style_article(), headers={"x-api-key": API_KEY})
    forged = stack.request(
        "POST", "/articles", seed_style_article(),
        headers={"x-api-key": API_KEY, "authorization": f"Bearer {token}x"},
    )  # fmt: skip
    assert missing_key.status == 403
    assert missing_token.status == forged.status == 401
    assert missing_key.headers["content-type"].startswith("application/problem+json")
    unknown = stack.request("GET", "/no/such/route")
    assert unknown.status == 404 and unknown.json()["status"] == 404
    assert _trace_counts(stack) == before


def test_roles_editor_cannot_take_down_publisher_can_anonymous_cannot_read_drafts(stack: Stack) -> None:
    article_id = stack.submit(short_article(501))
    assert stack.request("GET", f"/articles/{article_id}/revisions").status in (401, 403)
    stack.wait_for(lambda: _published(stack, article_id), timeout=10)
    editor = stack.request("DELETE", f"/articles/{article_id}", {"reason": "x"}, headers=stack.write_headers())
    assert editor.status == 403
    publisher = stack.request(
        "DELETE", f"/articles/{article_id}", {"reason": "x"}, headers=stack.write_headers("publisher")
    )
    assert publisher.status == 200
    draft = stack.submit(short_article(502, publish_at=(datetime.now(UTC) + timedelta(days=1)).isoformat()),
                         role="publisher")  # fmt: skip
    stack.wait_for(
        lambda: (
            stack.request("GET", f"/articles/{draft}", headers=stack.write_headers()).json()["status"] == "scheduled"
        ),
        timeout=10,
    )
    assert stack.request("GET", f"/articles/{draft}").status == 404  # anonymous
    assert stack.request("GET", f"/articles/{draft}", headers=stack.write_headers()).status == 200


def test_ten_concurrent_posts_with_one_idempotency_key_make_one_article(stack: Stack) -> None:
    article = short_article(777, headline=f"Concurrent {uuid.uuid4()}")
    headers = {**stack.write_headers(), "idempotency-key": f"k-{uuid.uuid4()}"}
    with ThreadPoolExecutor(10) as pool:
        responses = list(pool.map(lambda _: stack.request("POST", "/articles", article, headers=headers), range(10)))
    accepted = {r.json()["id"] for r in responses if r.status in (200, 202)}
    assert len(accepted) == 1, [(r.status, r.body[:120]) for r in responses]
    assert all(r.status in (202, 409) for r in responses)  # 409: the first was still being written
    stack.wait_idle()
    matching = [
        i for i in stack.request("GET", "/feed?limit=50").json()["items"] if i["headline"] == article["headline"]
    ]
    assert [i["id"] for i in matching] == list(accepted)


@pytest.fixture
def bus_events(stack: Stack) -> Iterator[Any]:
    """Everything published on the bus from now on, as a partner subscribed with a rule would get it."""
    events, sqs = stack.boto("events"), stack.boto("sqs")
    bus = next(b["Name"] for b in events.list_event_buses()["EventBuses"] if b["Name"] != "default")
    name = f"observer-{uuid.uuid4().hex[:8]}"
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name=name, EventBusName=bus, EventPattern=json.dumps({"source": ["newsroom.pipeline"]}))
    events.put_targets(Rule=name, EventBusName=bus, Targets=[{"Id": "observer", "Arn": arn}])

    def drain() -> list[dict[str, Any]]:
        seen: list[dict[str, Any]] = []
        while True:
            messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
            if not messages:
                return seen
            for message in messages:
                seen.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    yield drain
    events.remove_targets(Rule=name, EventBusName=bus, Ids=["observer"])
    events.delete_rule(Name=name, EventBusName=bus)


def _about(events: list[dict[str, Any]], article_id: str) -> list[str]:
    return [e["detail-type"] for e in events if e["detail"]["data"].get("article_id") == article_id]


def test_an_editors_day(stack: Stack, bus_events: Any) -> None:
    tag = f"day-{uuid.uuid4().hex[:6]}"
    editor, publisher = stack.write_headers(), stack.write_headers("publisher")
    # 1. submit A: published, in the feeds, announced
    a = stack.submit(seed_style_article(tags=["Russia", tag]))
    stack.wait_idle()
    read = stack.request("GET", f"/articles/{a}")
    assert read.status == 200 and read.headers["etag"] == '"1"'
    assert a in _feed_ids(stack, f"tag={tag}") and a in _site_ids(stack, f"/feeds/tag/{tag}/atom.xml")
    assert _about(bus_events(), a) == ["ArticlePublished", "FeedUpdated"]  # ArticleSubmitted: to enrich only
    # 2. correct A twice: a silent typo fix, then a correction with a note
    fixed = stack.request(
        "PUT", f"/articles/{a}", seed_style_article(tags=["Russia", tag], headline="Russia is the first country to "
        "recognize Afghanistan's Taliban government"), headers={**editor, "if-match": read.headers["etag"]},
    )  # fmt: skip
    assert fixed.status == 202 and fixed.headers["etag"] == '"2"'
    stack.wait_idle()
    corrected = stack.request(
        "PUT", f"/articles/{a}",
        seed_style_article(tags=["Russia", tag], headline="Russia is the first to recognize the Taliban government",
                           correction={"kind": "correction", "text": "An earlier version gave the wrong date."}),
        headers={**editor, "if-match": '"2"'},
    )  # fmt: skip
    assert corrected.status == 202
    stale = stack.request("PUT", f"/articles/{a}", seed_style_article(), headers={**editor, "if-match": '"2"'})
    assert stale.status == 412 and stale.json()["current_revision"] == 3
    stack.wait_idle()
    now_a = stack.request("GET", f"/articles/{a}").json()
    assert now_a["revision"] == 3 and now_a["headline"].endswith("Taliban government")
    assert [c["text"] for c in now_a["corrections"]] == ["An earlier version gave the wrong date."]
    assert now_a["url"] == read.json()["url"] and now_a["published_at"] == read.json()["published_at"]
    assert "wrong date" in stack.site(f"/feeds/tag/{tag}/rss.xml").body.decode()
    revisions = stack.request("GET", f"/articles/{a}/revisions", headers=editor).json()["items"]
    assert [(r["revision"], r["status"]) for r in revisions] == [(1, "superseded"), (2, "superseded"), (3, "published")]
    assert revisions[2]["correction"]["kind"] == "correction" and revisions[1]["correction"] is None
    assert _about(bus_events(), a) == ["ArticleUpdated", "FeedUpdated"] * 2
    # 3. schedule B 20 s ahead
    due = (datetime.now(UTC) + timedelta(seconds=20)).replace(microsecond=0)
    b = stack.submit(short_article(900, tags=[tag], publish_at=due.isoformat()), role="publisher")
    stack.wait_for(lambda: stack.request("GET", f"/articles/{b}", headers=editor).json()["status"] == "scheduled", 10)
    assert stack.request("GET", f"/articles/{b}").status == 404 and b not in _feed_ids(stack, f"tag={tag}")
    # 4. take A down: gone from every feed file and the sitemap, 410, an Atom tombstone
    down = stack.request("DELETE", f"/articles/{a}", {"reason": "legal request"}, headers=publisher)
    assert down.status == 200
    assert stack.request("GET", f"/articles/{a}").status == 410
    for path in ("/feeds/all/feed.json", "/feeds/all/rss.xml", f"/feeds/tag/{tag}/feed.json",
                 "/feeds/tag/russia/rss.xml", "/feeds/lang/en/atom.xml", "/feeds/section/news/feed.json"):  # fmt: skip
        assert a not in _site_ids(stack, path), path
    assert now_a["url"] not in stack.site("/sitemaps/news.xml").body.decode()
    atom = ET.fromstring(stack.site("/feeds/all/atom.xml").body)
    assert any(t.get("ref", "").endswith(f":{a}") for t in atom.iter(TOMBSTONE))
    assert a not in _feed_ids(stack, "section=news")
    # 5. restore A: back in its place
    assert stack.request("POST", f"/articles/{a}/publish", {}, headers=publisher).status == 200
    assert a in _feed_ids(stack, f"tag={tag}") and a in _site_ids(stack, "/feeds/all/feed.json")
    assert not any(
        t.get("ref", "").endswith(f":{a}")
        for t in ET.fromstring(stack.site("/feeds/all/atom.xml").body).iter(TOMBSTONE)
    )
    # 6. B publishes once, at its time
    published = stack.wait_for(lambda: _published(stack, b), timeout=40)
    assert datetime.now(UTC) >= due - timedelta(seconds=1)
    assert published["published_at"].startswith(due.strftime("%Y-%m-%dT%H:%M:%S"))
    stack.wait_idle()
    assert _feed_ids(stack, f"tag={tag}") == [b, a]
    events = bus_events()
    assert _about(events, a) == ["ArticleUnpublished", "FeedUpdated", "ArticlePublished", "FeedUpdated"]
    assert _about(events, b) == ["ArticleScheduled", "ArticlePublished", "FeedUpdated"]


def test_openapi_document_is_served(stack: Stack) -> None:
    document = stack.request("GET", "/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    assert document["servers"][0]["url"] == "/v1"
    assert set(document["paths"]) >= {"/articles", "/articles/{article_id}", "/feed", "/health", "/robots.txt"}
