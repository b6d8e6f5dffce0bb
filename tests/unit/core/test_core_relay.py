"""The outbox relay: the events of each committed head change, with ids stable across redelivery."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from shared.service.relay import WORK, Routed, announce, event_id, events_for, events_for_change
from tests.support.memory import MemoryBus
from tests.support.newsroom import DESK, NOW, PUBLISHER, SITE_BASE_URL, Newsroom, feed_files, submission


def only(events: list[tuple[str, dict[str, Any]]], detail_type: str) -> dict[str, Any]:
    (found,) = [envelope for kind, envelope in events if kind == detail_type]
    return found


def test_an_accepted_revision_is_announced_once_per_revision(newsroom: Newsroom) -> None:
    # GIVEN an accepted article
    article = newsroom.submit(submission(1, external_id="wire:7"))

    # WHEN the relay reads its head (twice: a redelivered stream record)
    first, again = newsroom.events(article), newsroom.events(article)

    # THEN it announces ArticleSubmitted with an id derived from the revision, the same both times
    assert [kind for kind, _ in first] == ["ArticleSubmitted"]
    assert first == again
    message = first[0][1]
    assert message["metadata"] == {
        "event_id": event_id(f"ARTICLE#{article}|r1|ArticleSubmitted"),
        "event_version": "1",
        "correlation_id": "req-editor",
        "occurred_at": "2026-11-30T14:00:00Z",
    }
    assert message["data"] == {
        "article_id": article,
        "revision": 1,
        "submitted_at": "2026-11-30T14:00:00Z",
        "external_id": "wire:7",
    }


def test_a_first_publication_announces_the_article_and_every_feed_it_entered(newsroom: Newsroom) -> None:
    article = newsroom.publish(submission(1, tags=["Russia"]))
    head = newsroom.head(article)

    events = newsroom.events(article)

    assert [kind for kind, _ in events] == ["ArticlePublished", "FeedUpdated"]
    published = only(events, "ArticlePublished")
    assert published["metadata"]["event_id"] == event_id(f"ARTICLE#{article}|v2|ArticlePublished")
    assert published["data"]["article_id"] == article and published["data"]["revision"] == 1
    assert (published["data"]["url"], published["data"]["slug"]) == (head.url, head.slug)
    assert published["data"]["feeds"] == ["all", "section#news", "lang#en", "tag#russia"]
    assert published["data"]["restored"] is False
    feeds = only(events, "FeedUpdated")
    assert feeds["metadata"]["event_version"] == "2"
    assert feeds["data"]["change"] == "published"
    assert [f["feed"] for f in feeds["data"]["feeds"]] == ["all", "section#news", "lang#en", "tag#russia"]
    assert feeds["data"]["feeds"][3] == {
        "feed": "tag#russia",
        "json_feed": f"{SITE_BASE_URL}/feeds/tag/russia/feed.json",
        "rss": f"{SITE_BASE_URL}/feeds/tag/russia/rss.xml",
        "atom": f"{SITE_BASE_URL}/feeds/tag/russia/atom.xml",
    }


def test_event_ids_differ_between_changes_and_types(newsroom: Newsroom) -> None:
    article = newsroom.publish(submission(1))
    published = [e["metadata"]["event_id"] for _, e in newsroom.events(article)]
    newsroom.update(article, submission(1, headline="Second"))
    newsroom.process(article)
    updated = [e["metadata"]["event_id"] for _, e in newsroom.events(article)]

    assert len({*published, *updated}) == 4


def test_an_update_names_changed_fields_correction_and_the_feeds_it_left(newsroom: Newsroom) -> None:
    # GIVEN a published article moved from tag Russia to tag Ukraine with a correction
    article = newsroom.publish(submission(1, tags=["Russia"]))
    newsroom.clock.advance(minutes=30)
    note = {"kind": "clarification", "text": "The plan covers the old harbour only."}
    newsroom.update(article, submission(1, tags=["Ukraine"], correction=note))
    newsroom.process(article)

    events = newsroom.events(article)

    assert [kind for kind, _ in events] == ["ArticleUpdated", "FeedUpdated"]
    data = only(events, "ArticleUpdated")["data"]
    assert (data["revision"], data["previous_revision"], data["changed_fields"]) == (2, 1, ["tags"])
    assert data["correction"] == {
        "kind": "clarification",
        "text": note["text"],
        "revision": 2,
        "published_at": "2026-11-30T14:30:00Z",
    }
    assert data["previous_feeds"] == ["all", "section#news", "lang#en", "tag#russia"]
    assert data["feeds"] == ["all", "section#news", "lang#en", "tag#ukraine"]
    assert (data["published_at"], data["updated_at"]) == ("2026-11-30T14:00:00Z", "2026-11-30T14:30:00Z")
    # AND the feed event lists the feeds it is in and the one it left
    touched = [f["feed"] for f in only(events, "FeedUpdated")["data"]["feeds"]]
    assert touched == ["all", "section#news", "lang#en", "tag#ukraine", "tag#russia"]


def test_a_scheduled_article_is_announced_without_touching_feeds(newsroom: Newsroom) -> None:
    planned = NOW + timedelta(hours=2)
    article = newsroom.publish(submission(1, publish_at=planned.isoformat()), editor=PUBLISHER)

    events = newsroom.events(article)

    assert [kind for kind, _ in events] == ["ArticleScheduled"]
    data = events[0][1]["data"]
    assert (data["revision"], data["publish_at"]) == (1, "2026-11-30T16:00:00Z")
    assert data["url"] == newsroom.head(article).url


def test_a_takedown_announces_the_removal_and_the_feeds_it_left(newsroom: Newsroom) -> None:
    article = newsroom.publish(submission(1, tags=["Russia"]))
    newsroom.clock.advance(hours=1)
    newsroom.lifecycle.unpublish(article, "Legal request", DESK)

    events = newsroom.events(article)

    assert [kind for kind, _ in events] == ["ArticleUnpublished", "FeedUpdated"]
    unpublished = only(events, "ArticleUnpublished")
    assert unpublished["metadata"]["correlation_id"] == "req-desk"
    assert unpublished["data"]["reason"] == "Legal request"
    assert unpublished["data"]["unpublished_at"] == "2026-11-30T15:00:00Z"
    assert unpublished["data"]["feeds"] == ["all", "section#news", "lang#en", "tag#russia"]
    feeds = only(events, "FeedUpdated")["data"]
    assert feeds["change"] == "unpublished"
    assert [f["feed"] for f in feeds["feeds"]] == ["all", "section#news", "lang#en", "tag#russia"]


def test_a_takedown_of_a_scheduled_article_touches_no_feed(newsroom: Newsroom) -> None:
    article = newsroom.publish(submission(1, publish_at=(NOW + timedelta(hours=2)).isoformat()), editor=PUBLISHER)
    newsroom.lifecycle.unpublish(article, "Pulled", DESK)

    events = newsroom.events(article)

    assert [kind for kind, _ in events] == ["ArticleUnpublished"]
    assert events[0][1]["data"]["feeds"] == []


def test_a_restore_is_announced_as_a_publication_marked_restored(newsroom: Newsroom) -> None:
    article = newsroom.publish(submission(1))
    newsroom.lifecycle.unpublish(article, "Checking", DESK)
    newsroom.lifecycle.publish(article, DESK)

    events = newsroom.events(article)

    assert [kind for kind, _ in events] == ["ArticlePublished", "FeedUpdated"]
    assert only(events, "ArticlePublished")["data"]["restored"] is True


def test_a_rejection_is_announced_with_its_reasons(newsroom: Newsroom) -> None:
    article = newsroom.submit(submission(1))
    newsroom.empty_body(article, 1)
    newsroom.process(article)

    events = newsroom.events(article)

    assert [kind for kind, _ in events] == ["ArticleRejected"]
    assert events[0][1]["data"] == {"article_id": article, "revision": 1, "reasons": ["body_html has no readable text"]}


def test_processing_behind_a_takedown_announces_nothing(newsroom: Newsroom) -> None:
    article = newsroom.publish(submission(1))
    newsroom.lifecycle.unpublish(article, "Legal", DESK)
    newsroom.update(article, submission(1, headline="Fixed while down"))
    newsroom.process(article)

    assert newsroom.events(article) == []


def test_only_a_write_that_moved_the_version_announces_anything(newsroom: Newsroom) -> None:
    article = newsroom.publish(submission(1))
    head = newsroom.head(article)
    bookkeeping = head.model_copy(update={"pending_attempts": 3})

    assert events_for_change(bookkeeping, head, feed_files) == []  # the reconciler's own write
    assert events_for_change(None, head, feed_files) == []  # an item removed (TTL)
    assert events_for_change(head, None, feed_files) == events_for(head, feed_files)  # an insert


def test_a_batch_reports_only_the_changes_whose_events_were_refused(newsroom: Newsroom) -> None:
    # GIVEN a batch with an accepted revision and a publication, and a bus that refuses FeedUpdated
    received = newsroom.submit(submission(1))
    published = newsroom.publish(submission(2))
    changes = {"seq-1": (newsroom.head(received), None), "seq-2": (newsroom.head(published), None)}
    newsroom.bus.refuse = {"FeedUpdated"}

    # WHEN the relay announces the batch
    by_change, refused = announce(changes, newsroom.bus, feed_files)

    # THEN only the publication's record is reported; the other events went out
    assert refused == {"seq-2"}
    assert [e.detail_type for e in by_change["seq-1"]] == ["ArticleSubmitted"]
    assert [e.detail_type for e in newsroom.bus.published] == ["ArticleSubmitted", "ArticlePublished"]


def test_accepted_revisions_go_to_the_enrich_queue_and_the_rest_to_the_bus(newsroom: Newsroom) -> None:
    # GIVEN the relay's routing: the stack's own work to its queue, everything else on the bus; and a
    # queue that refuses for now
    received = newsroom.submit(submission(1))
    published = newsroom.publish(submission(2))
    queue, bus = MemoryBus(refuse={"ArticleSubmitted"}), MemoryBus()
    routed = Routed(bus, dict.fromkeys(WORK, queue))
    changes = {"seq-1": (newsroom.head(received), None), "seq-2": (newsroom.head(published), None)}

    # WHEN a batch with an accepted revision and a publication is announced
    by_change, refused = announce(changes, routed, feed_files)

    # THEN the publication's events went on the bus, and only the record the queue refused is reported
    assert [e.detail_type for e in bus.published] == ["ArticlePublished", "FeedUpdated"]
    assert (queue.published, refused) == ([], {"seq-1"})
    assert [e.detail_type for e in by_change["seq-1"]] == ["ArticleSubmitted"]

    # AND once the queue takes work again, the retried record's event goes there and nowhere else
    queue.refuse = set()
    _, refused = announce({"seq-1": changes["seq-1"]}, routed, feed_files)
    assert refused == set() and [e.detail_type for e in queue.published] == ["ArticleSubmitted"]
    assert [e.detail_type for e in bus.published] == ["ArticlePublished", "FeedUpdated"]


def test_a_batch_of_bookkeeping_changes_announces_and_reports_nothing(newsroom: Newsroom) -> None:
    head = newsroom.head(newsroom.publish(submission(1)))

    by_change, refused = announce({"seq-1": (head, head)}, newsroom.bus, feed_files)

    assert (by_change, refused, newsroom.bus.published) == ({"seq-1": []}, set(), [])
