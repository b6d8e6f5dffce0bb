"""The outbox relay: committed head and manifest changes -> domain events; and the bus envelope parser."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.models.common import ArticleKind
from shared.models.events import (
    EVENT_VERSION,
    ArticlePublished,
    ArticleRejected,
    ArticleSubmitted,
    Envelope,
    FeedUpdated,
    parse_bus_message,
)
from shared.service.relay import announce, events_for_change
from shared.store.bus import EventPublishError

ARTICLE_ID = "01JZ0000000000000000000042"
SUBMITTED = "2025-07-03T09:00:00+00:00"
PUBLISHED = "2025-07-03T09:01:30+00:00"


def received_head(revision: int = 1, **overrides: Any) -> dict[str, Any]:
    """A head item as the stream delivers it after SubmissionService + ArticleTable.create_article."""
    head = {
        "pk": f"ARTICLE#{ARTICLE_ID}",
        "sk": "HEAD",
        "entity": "article",
        "id": ARTICLE_ID,
        "revision": revision,
        "status": "received",
        "submitted_at": SUBMITTED,
        "updated_at": SUBMITTED,
        "submission_key": f"submissions/{ARTICLE_ID}/{revision:08d}.json",
        "content_hash": "ab" * 32,
        "correlation_id": "req-123",
        "external_id": "cms:12345",
        "headline": "Ukraine and partners agree on air defence package",
        "section": "news",
    }
    return head | overrides


def published_head(revision: int = 1, **overrides: Any) -> dict[str, Any]:
    """The same head after PublishingService committed it (head_updates + slug)."""
    head = received_head(revision) | {
        "status": "published",
        "document_key": f"articles/{ARTICLE_ID}/{revision:08d}.json",
        "published_at": SUBMITTED,
        "updated_at": PUBLISHED,
        "url": "https://news.example.org/news/ukraine-air-defence",
        "slug": "ukraine-air-defence",
        "language": "en",
        "kind": "article",
        "tags": ["Ukraine", "Defence"],
        "feeds": ["all", "section#news", "lang#en", "tag#ukraine", "tag#defence"],
        "feed_sort": f"2025-07-03T09:00:00.000000Z#{ARTICLE_ID}",
    }
    return head | overrides


def rejected_head(**overrides: Any) -> dict[str, Any]:
    head = received_head() | {
        "status": "rejected",
        "rejection_reasons": ["body_html has no readable text"],
        "updated_at": PUBLISHED,
    }
    return head | overrides


def manifest(version: int, etag: str = "e" * 64) -> dict[str, Any]:
    return {
        "pk": "FEEDMETA#section#news",
        "sk": "HEAD",
        "feed": "section#news",
        "version": version,
        "etag": etag,
        "item_count": 50,
        "built_at": "2025-07-03T09:02:00+00:00",
        "files": {
            "json_feed": "https://cdn.example.org/feeds/section/news/feed.json",
            "rss": "https://cdn.example.org/feeds/section/news/rss.xml",
            "atom": "https://cdn.example.org/feeds/section/news/atom.xml",
        },
    }


def only_event(new: dict[str, Any] | None, old: dict[str, Any] | None):
    events = events_for_change(new, old)
    assert len(events) == 1, events
    return events[0]


def test_a_new_received_head_announces_article_submitted():
    # WHEN a head is inserted (no old image)
    event = only_event(received_head(), None)

    # THEN it is ArticleSubmitted and its detail is the typed envelope
    assert event.detail_type == "ArticleSubmitted"
    envelope = Envelope[ArticleSubmitted].model_validate_json(event.detail)
    assert envelope.data == ArticleSubmitted(
        article_id=ARTICLE_ID,
        revision=1,
        submitted_at=datetime(2025, 7, 3, 9, 0, tzinfo=UTC),
        external_id="cms:12345",
    )
    assert envelope.metadata.correlation_id == "req-123"
    assert envelope.metadata.event_version == EVENT_VERSION
    assert envelope.metadata.occurred_at == datetime(2025, 7, 3, 9, 0, tzinfo=UTC)


def test_a_submission_without_external_id_announces_none():
    head = received_head()
    del head["external_id"]  # None attributes are not stored
    envelope = Envelope[ArticleSubmitted].model_validate_json(only_event(head, None).detail)
    assert envelope.data.external_id is None


def test_received_to_published_announces_article_published_with_its_feeds():
    # WHEN the head moves from received to published
    event = only_event(published_head(), received_head())

    # THEN ArticlePublished carries what consumers need, feeds included
    assert event.detail_type == "ArticlePublished"
    envelope = Envelope[ArticlePublished].model_validate_json(event.detail)
    data = envelope.data
    assert data.article_id == ARTICLE_ID
    assert data.revision == 1
    assert data.feeds == ["all", "section#news", "lang#en", "tag#ukraine", "tag#defence"]
    assert (data.slug, data.section, data.language) == ("ukraine-air-defence", "news", "en")
    assert data.url == "https://news.example.org/news/ukraine-air-defence"
    assert data.kind is ArticleKind.ARTICLE
    assert data.tags == ["Ukraine", "Defence"]
    assert data.duplicate_of is None
    assert data.updated_at == datetime(2025, 7, 3, 9, 1, 30, tzinfo=UTC)
    assert envelope.metadata.occurred_at == data.updated_at
    assert envelope.metadata.correlation_id == "req-123"


def test_a_duplicate_is_announced_with_the_original():
    head = published_head(duplicate_of="01JZ0000000000000000000007")
    envelope = Envelope[ArticlePublished].model_validate_json(only_event(head, received_head()).detail)
    assert envelope.data.duplicate_of == "01JZ0000000000000000000007"


def test_received_to_rejected_announces_article_rejected_with_reasons():
    event = only_event(rejected_head(), received_head())
    assert event.detail_type == "ArticleRejected"
    envelope = Envelope[ArticleRejected].model_validate_json(event.detail)
    assert envelope.data == ArticleRejected(
        article_id=ARTICLE_ID, revision=1, reasons=["body_html has no readable text"]
    )


@pytest.mark.parametrize(
    ("new", "old"),
    [
        (received_head(updated_at=PUBLISHED), received_head()),
        (published_head(headline="Edited"), published_head()),
        (rejected_head(updated_at="2025-07-04T00:00:00+00:00"), rejected_head()),
    ],
)
def test_a_change_that_keeps_status_and_revision_announces_nothing(new, old):
    assert events_for_change(new, old) == []


def test_a_removal_announces_nothing():
    assert events_for_change(None, published_head()) == []


def test_a_new_revision_is_announced_as_submitted_again():
    event = only_event(received_head(revision=2), published_head(revision=1))
    envelope = Envelope[ArticleSubmitted].model_validate_json(event.detail)
    assert envelope.data.revision == 2


@pytest.mark.parametrize(
    "item",
    [
        {"pk": f"ARTICLE#{ARTICLE_ID}", "sk": "REV#00000001", "entity": "revision", "id": ARTICLE_ID},
        {"pk": "EXTERNAL#cms:12345", "sk": "EXTERNAL", "article_id": ARTICLE_ID},
        {"pk": "SLUG#ukraine-air-defence", "sk": "SLUG", "article_id": ARTICLE_ID},
        {"pk": "FEED#all", "sk": f"2025-07-03T09:00:00.000000Z#{ARTICLE_ID}", "id": ARTICLE_ID, "card": "{}"},
        {"pk": "FINGERPRINT#abc", "sk": "FINGERPRINT", "article_id": ARTICLE_ID},
    ],
)
def test_other_items_announce_nothing(item):
    assert events_for_change(item, None) == []


# ---------------------------------------------------------------------------------------- feeds


def test_a_manifest_version_bump_announces_feed_updated():
    event = only_event(manifest(2, etag="f" * 64), manifest(1))
    assert event.detail_type == "FeedUpdated"
    envelope = Envelope[FeedUpdated].model_validate_json(event.detail)
    assert envelope.data.feed == "section#news"
    assert envelope.data.version == 2
    assert envelope.data.etag == "f" * 64
    assert envelope.data.item_count == 50
    assert envelope.data.files["rss"] == "https://cdn.example.org/feeds/section/news/rss.xml"


def test_the_first_manifest_announces_feed_updated():
    assert only_event(manifest(1), None).detail_type == "FeedUpdated"


def test_a_manifest_rewrite_with_the_same_version_announces_nothing():
    assert events_for_change(manifest(3), manifest(3)) == []


# ------------------------------------------------------------------------------------ event ids


def event_id(event) -> str:
    return json.loads(event.detail)["metadata"]["event_id"]


def test_a_redelivered_change_gives_an_identical_event():
    # WHEN the same stream record is processed twice
    first = events_for_change(published_head(), received_head())
    second = events_for_change(published_head(), received_head())

    # THEN the events are identical, id included
    assert first == second
    assert event_id(first[0]) == event_id(second[0])


def test_event_ids_differ_between_revisions_transitions_and_articles():
    ids = [
        event_id(only_event(received_head(revision=1), None)),
        event_id(only_event(received_head(revision=2), published_head(revision=1))),
        event_id(only_event(published_head(revision=1), received_head(revision=1))),
        event_id(only_event(published_head(revision=2), received_head(revision=2))),
        event_id(only_event(rejected_head(), received_head())),
        event_id(
            only_event(received_head(id="01JZ0000000000000000000043", pk="ARTICLE#01JZ0000000000000000000043"), None)
        ),
        event_id(only_event(manifest(1), None)),
        event_id(only_event(manifest(2), manifest(1))),
    ]
    assert len(set(ids)) == len(ids)


# -------------------------------------------------------------------------------- bus envelope


def sqs_body(event, detail_type: str | None = None) -> str:
    """What an EventBridge rule delivers to SQS: the whole event, detail as an object."""
    return json.dumps(
        {
            "version": "0",
            "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
            "detail-type": detail_type or event.detail_type,
            "source": "newsroom.pipeline",
            "time": "2025-07-03T09:01:31Z",
            "detail": json.loads(event.detail),
        }
    )


def test_parse_bus_message_returns_the_typed_envelope():
    event = only_event(published_head(), received_head())
    envelope = parse_bus_message(sqs_body(event), ArticlePublished)
    assert isinstance(envelope.data, ArticlePublished)
    assert envelope.data.article_id == ARTICLE_ID
    assert envelope.metadata.event_id == event_id(event)


@pytest.mark.parametrize("detail_type", ["ArticlePublished", "FeedUpdated", "articlesubmitted"])
def test_parse_bus_message_with_the_wrong_detail_type_raises(detail_type):
    event = only_event(received_head(), None)
    with pytest.raises(ValueError, match="expected ArticleSubmitted"):
        parse_bus_message(sqs_body(event, detail_type=detail_type), ArticleSubmitted)


def test_parse_bus_message_without_a_detail_type_raises():
    with pytest.raises(ValueError, match="expected ArticleSubmitted"):
        parse_bus_message(json.dumps({"detail": {}}), ArticleSubmitted)


class FakeBus:
    """EventBridge at the boundary: records calls, refuses the events whose detail-type it is told to."""

    def __init__(self, refuse: str | None = None) -> None:
        self.calls: list[list[Any]] = []
        self.refuse = refuse

    def publish(self, events):
        self.calls.append(list(events))
        refused = [(e, "InternalFailure: try again") for e in events if e.detail_type == self.refuse]
        if refused:
            raise EventPublishError(refused)


def test_a_batch_of_changes_is_published_in_one_call():
    # GIVEN three changes of one stream batch, two of which announce something
    changes = {
        "100": (received_head(), None),
        "101": (published_head(), received_head()),
        "102": (manifest(2), manifest(2)),
    }
    bus = FakeBus()
    # WHEN the batch is announced
    by_change, failed = announce(changes, bus)
    # THEN both events go out together and nothing failed
    assert [[e.detail_type for e in call] for call in bus.calls] == [["ArticleSubmitted", "ArticlePublished"]]
    assert [len(by_change[k]) for k in ("100", "101", "102")] == [1, 1, 0]
    assert failed == set()


def test_only_the_changes_whose_events_were_refused_are_failed():
    changes = {"100": (received_head(), None), "101": (published_head(), received_head())}
    _, failed = announce(changes, FakeBus(refuse="ArticlePublished"))
    assert failed == {"101"}


def test_a_batch_with_nothing_to_announce_makes_no_call():
    bus = FakeBus()
    assert announce({"7": (manifest(1), manifest(1))}, bus) == ({"7": []}, set())
    assert bus.calls == []
