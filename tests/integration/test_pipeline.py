"""The asynchronous path against moto: stream relay -> EventBridge -> SQS -> enrich -> feeds."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shared.store.bus import EventPublishError
from tests.integration.conftest import SETTINGS, FakeContext, Pump, Resources, call_api, handler_module
from tests.support.articles import seed_style_article, short_article
from tests.support.ninjs import ninjs_validator


def _submit(article: dict[str, Any]) -> str:
    status, _, body = call_api("POST", "/articles", article)
    assert status == 202, body
    return body["id"]


def _site_json(aws: Resources, key: str) -> Any:
    return json.loads(aws.s3.get_object(Bucket=SETTINGS.site_bucket, Key=key)["Body"].read())


def test_a_submitted_article_is_published_enriched_and_in_the_feeds(aws: Resources, pump: Pump) -> None:
    # GIVEN a ~300-word article submitted through the API
    article_id = _submit(seed_style_article())
    # WHEN the pipeline runs to rest
    pump.run()
    # THEN the article is published with its enrichment
    status, _, article = call_api("GET", f"/articles/{article_id}")
    assert status == 200
    assert article["status"] == "published"
    assert article["reading_time_minutes"] == 2
    assert article["slug"] == "russia-becomes-first-country-to-recognize-afghanistans-taliban-government"
    assert article["summary"].startswith("Russia on July 3 became the first country")
    assert article["published_at"] and article["updated_at"]
    assert article["lead_image"]["agency"] == "Anadolu"
    people = {p["name"] for p in article["entities"]["people"]}
    assert {"Vladimir Putin", "Sergey Lavrov"} <= people
    # AND it heads the paginated feed and its section feed
    _, _, page = call_api("GET", "/feed")
    assert [item["id"] for item in page["items"]] == [article_id]
    _, _, section = call_api("GET", "/feed", query={"section": "news"})
    assert section["items"][0]["id"] == article_id
    # AND the static JSON Feed of the main feed lists it
    feed = _site_json(aws, "feeds/all/feed.json")
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert [item["title"] for item in feed["items"]] == [article["headline"]]
    assert "feeds/all/rss.xml" in aws.object_keys(SETTINGS.site_bucket)
    # AND every feed it is in has its files, tag feeds included, where the API's links point
    _, _, tagged = call_api("GET", "/feed", query={"tag": "Russia"})
    assert [item["id"] for item in tagged["items"]] == [article_id]
    assert tagged["links"]["json_feed"].endswith("/feeds/tag/russia/feed.json")
    assert _site_json(aws, "feeds/tag/russia/feed.json")["items"][0]["title"] == article["headline"]


def test_the_relay_announces_each_committed_change_once(aws: Resources, pump: Pump) -> None:
    # GIVEN one article through the whole pipeline
    _submit(seed_style_article())
    pump.run()
    # THEN the relay saw the submission, the publication and the feed manifests
    detail_types = []
    for record in pump.relayed:
        image = record["dynamodb"].get("NewImage", {})
        if image.get("entity", {}).get("S") == "article":
            detail_types.append(image["status"]["S"])
        elif image.get("pk", {}).get("S", "").startswith("FEEDMETA#"):
            detail_types.append(image["feed"]["S"])
    assert detail_types[:2] == ["received", "published"]
    assert {"all", "section#news", "lang#en"} <= set(detail_types[2:])


def test_redelivering_every_message_changes_nothing(aws: Resources, pump: Pump) -> None:
    # GIVEN an article through the whole pipeline
    article_id = _submit(seed_style_article())
    pump.run()
    items_before = sorted(json.dumps(i, sort_keys=True) for i in aws.table_items())
    feed_before = aws.s3.get_object(Bucket=SETTINGS.site_bucket, Key="feeds/all/feed.json")["Body"].read()
    # WHEN the stream records are relayed again (at-least-once delivery) and everything reruns
    handler_module("relay").handler({"Records": pump.relayed}, FakeContext())
    pump.run()
    # THEN the table and the feed files are unchanged
    assert sorted(json.dumps(i, sort_keys=True) for i in aws.table_items()) == items_before
    assert aws.s3.get_object(Bucket=SETTINGS.site_bucket, Key="feeds/all/feed.json")["Body"].read() == feed_before
    assert call_api("GET", f"/articles/{article_id}")[2]["revision"] == 1


def test_same_headline_gets_a_numbered_slug(aws: Resources, pump: Pump) -> None:
    first = _submit(short_article(1, headline="Kyiv metro reopens"))
    pump.run()
    second = _submit(short_article(2, headline="Kyiv metro reopens"))
    pump.run()
    assert call_api("GET", f"/articles/{first}")[2]["slug"] == "kyiv-metro-reopens"
    assert call_api("GET", f"/articles/{second}")[2]["slug"] == "kyiv-metro-reopens-2"


def test_resent_wire_copy_with_small_edits_is_flagged_as_duplicate(aws: Resources, pump: Pump) -> None:
    # GIVEN a published article
    original = _submit(seed_style_article())
    pump.run()
    # WHEN the same copy arrives again with a word changed and no external id
    edited = seed_style_article()
    edited["body_html"] = edited["body_html"].replace("formally recognize", "officially recognize")
    copy = _submit(edited)
    pump.run()
    # THEN the copy is published but flagged as a duplicate of the original
    assert call_api("GET", f"/articles/{copy}")[2]["duplicate_of"] == original
    assert call_api("GET", f"/articles/{original}")[2]["duplicate_of"] is None


def test_feed_pages_have_no_repeats_or_gaps_when_articles_arrive_between_pages(aws: Resources, pump: Pump) -> None:
    # GIVEN 25 published articles with distinct publication times
    ids = [_submit(short_article(n, publish_at=f"2026-01-01T10:{n:02d}:00Z")) for n in range(25)]
    pump.run(rounds=20)
    # WHEN the feed is read 10 at a time, with a new article published after the first page
    _, _, first = call_api("GET", "/feed", query={"limit": "10"})
    _submit(short_article(99))
    pump.run()
    _, _, second = call_api("GET", "/feed", query={"limit": "10", "cursor": first["next_cursor"]})
    _, _, third = call_api("GET", "/feed", query={"limit": "10", "cursor": second["next_cursor"]})
    # THEN the three pages hold the 25 first articles newest first, exactly once each
    seen = [item["id"] for page in (first, second, third) for item in page["items"]]
    assert seen == list(reversed(ids))
    assert third["next_cursor"] is None


def test_a_message_for_an_unknown_article_fails_only_its_own_record(aws: Resources, pump: Pump) -> None:
    # GIVEN a batch with one good and one broken ArticleSubmitted message
    article_id = _submit(seed_style_article())
    pump.relay()
    good = aws.sqs.receive_message(QueueUrl=aws.enrich_queue)["Messages"][0]
    broken = json.loads(good["Body"])
    broken["detail"]["data"]["article_id"] = "01ARZ3NDEKTSV4RRFFQ69G5FAV"
    event = {
        "Records": [
            {"messageId": "good", "receiptHandle": "r1", "body": good["Body"], "attributes": {},
             "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
             "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:enrich", "awsRegion": "us-east-1"},
            {"messageId": "broken", "receiptHandle": "r2", "body": json.dumps(broken), "attributes": {},
             "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
             "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:enrich", "awsRegion": "us-east-1"},
        ]
    }  # fmt: skip
    # WHEN the enrich function handles the batch
    result = handler_module("enrich").handler(event, FakeContext())
    # THEN only the broken record is reported failed, and the good article is published
    assert result == {"batchItemFailures": [{"itemIdentifier": "broken"}]}
    assert call_api("GET", f"/articles/{article_id}")[2]["status"] == "published"


def test_a_published_article_is_served_as_valid_ninjs_and_json_ld(aws: Resources, pump: Pump) -> None:
    # GIVEN a published article
    article_id = _submit(seed_style_article())
    pump.run()
    # WHEN partners ask for it as ninjs and as JSON-LD
    status, _, ninjs = call_api("GET", f"/articles/{article_id}", query={"format": "ninjs"})
    _, ld_headers, jsonld = call_api("GET", f"/articles/{article_id}", query={"format": "jsonld"})
    # THEN the ninjs document validates against the official IPTC 3.1 schema
    assert status == 200
    errors = [e.message for e in ninjs_validator().iter_errors(ninjs)]
    assert errors == []
    assert ninjs["headlines"][0]["value"] == seed_style_article()["headline"]
    # AND the JSON-LD is a NewsArticle with the article's reading time
    assert ld_headers["content-type"] == "application/ld+json"
    assert jsonld["@type"] == "NewsArticle"
    assert jsonld["timeRequired"] == "PT2M"
    assert call_api("GET", f"/articles/{article_id}", query={"format": "pdf"})[0] == 422


def test_related_articles_share_entities_and_topics(aws: Resources, pump: Pump) -> None:
    # GIVEN an article about Russia and the Taliban, and one about a city council
    taliban = _submit(seed_style_article())
    council = _submit(short_article(5))
    pump.run()
    # WHEN another article on Russia and Afghanistan is published
    follow_up = _submit(
        short_article(
            6,
            headline="Taliban delegation visits Moscow after Russia's recognition",
            body_html="<p>A Taliban delegation arrived in Moscow on Tuesday, days after Russia recognized the "
            "Taliban government of Afghanistan. Foreign Minister Sergey Lavrov met the delegation, and President "
            "Vladimir Putin is expected to receive its leader, TASS reported.</p>",
        )
    )
    pump.run()
    # THEN "Read more" points to the earlier Russia/Taliban article and not to the council story
    related = call_api("GET", f"/articles/{follow_up}")[2]["related"]
    assert taliban in related
    assert council not in related


def test_ukrainian_article_without_declared_language_is_detected_and_timed_at_its_rate(
    aws: Resources, pump: Pump
) -> None:
    # GIVEN a Ukrainian article of 200 words submitted without a language
    sentence = "Київ готується до зими, енергетики відновили підстанції та лінії електропередач у місті. "
    article_id = _submit(short_article(7, headline="Київ готується до зими", body_html=f"<p>{sentence * 16}</p>"))
    pump.run()
    # THEN it is published as Ukrainian, with its slug romanized and its own reading rate
    article = call_api("GET", f"/articles/{article_id}")[2]
    assert article["language"] == "uk"
    assert article["word_count"] == 192
    assert article["reading_time_minutes"] == 2  # 192 words at 184 wpm; English would read in 1
    assert article["slug"] == "kyiv-hotuietsia-do-zymy"
    _, _, uk_feed = call_api("GET", "/feed", query={"language": "uk"})
    assert [item["id"] for item in uk_feed["items"]] == [article_id]


def test_the_relay_reports_only_records_whose_events_the_bus_refused(
    aws: Resources, pump: Pump, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN two submissions on the stream, and a bus that refuses the second one's event
    _submit(seed_style_article())
    second = _submit(short_article(3))
    event = pump.stream_event()
    relay = handler_module("relay")

    class RefusingBus:
        def publish(self, events):
            refused = [(e, "InternalFailure") for e in events if second in e.detail]
            if refused:
                raise EventPublishError(refused)

    monkeypatch.setattr(relay, "_bus", RefusingBus)
    # WHEN the relay handles the batch
    result = relay.handler(event, FakeContext())
    # THEN only the second record is reported, by its sequence number, for Lambda to retry from
    second_record = next(r for r in event["Records"] if second in str(r["dynamodb"]["Keys"]))
    assert result == {"batchItemFailures": [{"itemIdentifier": second_record["dynamodb"]["SequenceNumber"]}]}
