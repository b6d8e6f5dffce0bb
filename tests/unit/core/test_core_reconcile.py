"""The reconciler: stranded revisions re-announced with the relay's event id, late schedules published."""

from __future__ import annotations

import json
from datetime import timedelta

from shared.models.common import ArticleStatus
from shared.service.heads import RECONCILE_GRACE
from shared.service.reconcile import FIRST_RETRY
from shared.service.relay import events_for, events_for_change
from shared.store.scheduler import DuePublication
from tests.support.newsroom import NOW, PUBLISHER, Newsroom, feed_files, submission

GRACE = RECONCILE_GRACE


def announced(newsroom: Newsroom, detail_type: str) -> list[dict[str, object]]:
    return newsroom.bus.of_type(detail_type)


def test_nothing_is_re_announced_within_the_grace_period(newsroom: Newsroom) -> None:
    newsroom.submit(submission(1))
    newsroom.clock.advance(seconds=59)

    sweep = newsroom.reconciler.sweep("sweep-1")

    assert (sweep.reannounced, sweep.published, sweep.cleared) == ([], [], [])
    assert newsroom.bus.published == []


def test_a_stranded_revision_is_re_announced_with_the_relays_event_id_and_backs_off(newsroom: Newsroom) -> None:
    # GIVEN a revision accepted, whose announcement never led to enrichment (events refused, say)
    stranded = newsroom.submit(submission(1))
    relayed = events_for(newsroom.head(stranded), feed_files)
    before = newsroom.head(stranded)

    # WHEN the reconciler sweeps after the grace period
    newsroom.clock.now = NOW + GRACE
    sweep = newsroom.reconciler.sweep("sweep-1")

    # THEN it re-announces the revision with exactly the event the relay published
    assert sweep.reannounced == [stranded]
    assert [e.detail for e in newsroom.bus.published] == [relayed[0].detail]
    (message,) = announced(newsroom, "ArticleSubmitted")
    assert message["data"] == {"article_id": stranded, "revision": 1, "submitted_at": "2026-11-30T14:00:00Z",
                               "external_id": None}  # fmt: skip
    # AND looks again after the first retry interval, without touching the head's version (nothing to announce)
    head = newsroom.head(stranded)
    assert (head.pending_at, head.pending_attempts) == (newsroom.clock.now + FIRST_RETRY, 1)
    assert head.version == before.version
    assert events_for_change(head, before, feed_files) == []

    # WHEN it sweeps again before then THEN nothing is sent
    newsroom.clock.now += FIRST_RETRY - timedelta(seconds=1)
    assert newsroom.reconciler.sweep("sweep-2").reannounced == []
    # WHEN it is due again THEN the same event goes out and the next wait doubles
    newsroom.clock.advance(seconds=1)
    assert newsroom.reconciler.sweep("sweep-3").reannounced == [stranded]
    assert [e.detail for e in newsroom.bus.published] == [relayed[0].detail] * 2
    head = newsroom.head(stranded)
    assert (head.pending_at, head.pending_attempts) == (newsroom.clock.now + 2 * FIRST_RETRY, 2)


def test_a_re_announced_revision_once_enriched_is_no_longer_pending(newsroom: Newsroom) -> None:
    stranded = newsroom.submit(submission(1))
    newsroom.clock.now = NOW + GRACE
    newsroom.reconciler.sweep("sweep-1")

    newsroom.process(stranded)  # the re-announcement reached enrichment

    head = newsroom.head(stranded)
    assert head.status is ArticleStatus.PUBLISHED and head.pending_at is None
    newsroom.clock.advance(hours=2)
    assert newsroom.reconciler.sweep("sweep-2").reannounced == []


def test_the_backoff_of_one_stranded_revision_does_not_carry_over_to_the_next(newsroom: Newsroom) -> None:
    # GIVEN a revision re-announced three times before it was enriched
    article = newsroom.submit(submission(1))
    for _ in range(3):
        newsroom.clock.now = newsroom.head(article).pending_at or newsroom.clock.now
        newsroom.reconciler.sweep("sweep")
    newsroom.process(article)

    # WHEN a later revision is stranded too
    newsroom.clock.advance(hours=1)
    newsroom.update(article, submission(1, headline="Later revision"))
    newsroom.clock.now += GRACE
    newsroom.reconciler.sweep("sweep")

    # THEN its first retry waits a minute, like any first retry
    head = newsroom.head(article)
    assert (head.pending_attempts, head.pending_at) == (1, newsroom.clock.now + FIRST_RETRY)


def test_a_scheduled_article_whose_schedule_never_fired_is_published_late(newsroom: Newsroom) -> None:
    # GIVEN an article scheduled for 16:00 whose schedule never fires
    planned = NOW + timedelta(hours=2)
    scheduled = newsroom.publish(submission(1, publish_at=planned.isoformat()), editor=PUBLISHER)

    # WHEN the reconciler sweeps before the grace period after its time THEN it waits
    newsroom.clock.now = planned + timedelta(seconds=30)
    assert newsroom.reconciler.sweep("sweep-1").published == []

    # WHEN it sweeps after it THEN it publishes it, dated by its planned time
    newsroom.clock.now = planned + GRACE
    sweep = newsroom.reconciler.sweep("sweep-2")
    assert sweep.published == [scheduled]
    head = newsroom.head(scheduled)
    assert (head.status, head.published_at, head.pending_at) == (ArticleStatus.PUBLISHED, planned, None)
    assert newsroom.feed("all") == [scheduled]


def test_a_stale_mark_is_cleared_without_bumping_the_version(newsroom: Newsroom) -> None:
    # GIVEN a published article whose head still carries a pending mark (nothing is left to do)
    article = newsroom.publish(submission(1))
    head = newsroom.head(article)
    newsroom.table.put_head(head.model_copy(update={"pending_at": NOW}))

    # WHEN the reconciler sweeps
    newsroom.clock.advance(seconds=1)
    sweep = newsroom.reconciler.sweep("sweep-1")

    # THEN it drops the mark, leaves the version alone and announces nothing
    assert sweep.cleared == [article]
    item = newsroom.table.items[(head.pk, "HEAD")]
    assert "pending_at" not in item and "pending_pk" not in item
    assert newsroom.head(article).version == head.version
    assert newsroom.bus.published == []


def test_fired_schedules_are_published_once(newsroom: Newsroom) -> None:
    planned = NOW + timedelta(hours=2)
    first = newsroom.publish(submission(1, publish_at=planned.isoformat()), editor=PUBLISHER)
    second = newsroom.publish(submission(2, publish_at=planned.isoformat()), editor=PUBLISHER)
    due = [DuePublication(article_id=a, revision=1, publish_at=planned) for a in (first, second)]
    newsroom.clock.now = planned

    assert newsroom.reconciler.publish_due(due, "batch-1") == [first, second]
    assert newsroom.reconciler.publish_due(due, "batch-2") == []
    assert newsroom.feed("all") == [second, first]


def test_a_refused_re_announcement_blocks_nothing_else_and_is_tried_at_the_next_sweep(newsroom: Newsroom) -> None:
    # GIVEN a stranded revision, then a scheduled article whose schedule never fired
    stranded = newsroom.submit(submission(1))
    scheduled = newsroom.submit(submission(2, publish_at=(NOW + timedelta(seconds=10)).isoformat()), editor=PUBLISHER)
    newsroom.process(scheduled)
    # AND an outage of the bus
    newsroom.bus.refuse = {"ArticleSubmitted"}
    newsroom.clock.now = NOW + timedelta(seconds=10) + GRACE

    # WHEN the reconciler sweeps
    sweep = newsroom.reconciler.sweep("sweep-1")

    # THEN the scheduled article is published all the same, and the refused one is reported
    assert (sweep.published, sweep.reannounced, sweep.failed) == ([scheduled], [], [stranded])
    # AND its mark is not pushed back: the next sweep tries again
    head = newsroom.head(stranded)
    assert (head.pending_at, head.pending_attempts) == (NOW + GRACE, 0)
    newsroom.bus.refuse = set()
    assert newsroom.reconciler.sweep("sweep-2").reannounced == [stranded]
    assert json.loads(newsroom.bus.published[0].detail)["data"]["article_id"] == stranded
