"""Takedown, restore, publish-now and the scheduled publication: one conditional head write each."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.errors import Conflict, Gone, NotFound
from shared.models.common import ArticleStatus
from shared.service.lifecycle import Transition
from shared.store.items import ChangeType
from shared.store.scheduler import DuePublication
from tests.support.newsroom import DESK, NOW, PUBLISHER, Newsroom, article_id, concurrently, submission

PLANNED = NOW + timedelta(hours=2)


def scheduled_article(newsroom: Newsroom, n: int = 1, **overrides: object) -> str:
    return newsroom.publish(submission(n, publish_at=PLANNED.isoformat(), **overrides))


# ---------------------------------------------------------------------------------------------- takedown
def test_a_takedown_takes_a_published_article_out_of_every_feed(newsroom: Newsroom) -> None:
    # GIVEN two published articles tagged Russia
    kept = newsroom.publish(submission(1, tags=["Russia"]))
    newsroom.clock.advance(minutes=1)
    removed = newsroom.publish(submission(2, tags=["Russia"]))
    feeds = newsroom.head(removed).feeds
    newsroom.clock.advance(minutes=30)

    # WHEN the desk takes one down
    applied = newsroom.lifecycle.unpublish(removed, "Legal request", DESK)

    # THEN it is unpublished, and gone from the main, section and language feeds and the tag page
    assert applied.transition is Transition.DONE
    head = newsroom.head(removed)
    assert head.status is ArticleStatus.UNPUBLISHED
    for feed in ("all", "section#news", "lang#en"):
        assert newsroom.feed(feed) == [kept]
    assert newsroom.page("tag#russia") == [kept]
    # AND the takedown is recorded and listed for the Atom tombstones of the feeds it left
    assert head.takedown is not None
    assert (head.takedown.reason, head.takedown.at, head.takedown.by) == ("Legal request", newsroom.clock.now, "pat")
    assert head.takedown.was_published
    (removal,) = newsroom.table.removals(NOW)
    assert (removal.article_id, removal.reason, removal.feeds) == (removed, "Legal request", feeds)
    # AND the change names the feeds it left
    assert head.change.type is ChangeType.UNPUBLISHED
    assert (head.change.previous_feeds, head.change.reasons) == (feeds, ["Legal request"])
    # AND readers get 410
    with pytest.raises(Gone):
        newsroom.reader.get(removed, editorial=False)


def test_a_takedown_of_a_scheduled_article_cancels_its_schedule(newsroom: Newsroom) -> None:
    # GIVEN an embargoed article with its schedule
    scheduled = scheduled_article(newsroom)
    name = newsroom.head(scheduled).schedule_name

    # WHEN it is taken down before its time
    newsroom.lifecycle.unpublish(scheduled, "Embargo broken elsewhere", DESK)

    # THEN the schedule is cancelled; the article was never public, so it leaves no tombstone
    head = newsroom.head(scheduled)
    assert head.status is ArticleStatus.UNPUBLISHED and head.schedule_name is None
    assert newsroom.schedules.cancelled == [name] and newsroom.schedules.schedules == {}
    assert head.takedown is not None and not head.takedown.was_published
    assert head.change.previous_feeds == [] and newsroom.table.removals(NOW) == []
    # AND the reconciler has nothing left to do for it
    assert head.pending_at is None


def test_a_redelivered_takedown_changes_nothing(newsroom: Newsroom) -> None:
    article = newsroom.publish(submission(1))
    newsroom.lifecycle.unpublish(article, "Legal request", DESK)
    before = newsroom.head(article)

    newsroom.clock.advance(minutes=1)
    applied = newsroom.lifecycle.unpublish(article, "Legal request", DESK)

    assert applied.transition is Transition.ALREADY
    assert newsroom.head(article) == before


def test_an_article_not_yet_enriched_cannot_be_taken_down(newsroom: Newsroom) -> None:
    received = newsroom.submit(submission(1))

    with pytest.raises(Conflict) as refused:
        newsroom.lifecycle.unpublish(received, "Too early", DESK)

    assert refused.value.status == 409 and "received" in refused.value.detail
    assert newsroom.head(received).version == 1


def test_a_takedown_of_an_unknown_article_is_a_404(newsroom: Newsroom) -> None:
    with pytest.raises(NotFound):
        newsroom.lifecycle.unpublish(article_id(5), "reason", DESK)
    with pytest.raises(NotFound):
        newsroom.lifecycle.publish("../etc", DESK)


# ---------------------------------------------------------------------------------------------- restore
def test_a_restore_puts_the_article_back_in_its_place(newsroom: Newsroom) -> None:
    # GIVEN three articles a minute apart; the middle one taken down, then restored an hour later
    older = newsroom.publish(submission(1, tags=["Russia"]))
    newsroom.clock.advance(minutes=1)
    middle = newsroom.publish(submission(2, tags=["Russia"]))
    newsroom.clock.advance(minutes=1)
    newer = newsroom.publish(submission(3, tags=["Russia"]))
    before = newsroom.head(middle)
    newsroom.lifecycle.unpublish(middle, "Checking a fact", DESK)
    newsroom.clock.advance(hours=1)

    applied = newsroom.lifecycle.publish(middle, DESK)

    # THEN it is published again at its old place in every feed, tag pages included
    assert applied.transition is Transition.DONE
    head = newsroom.head(middle)
    assert head.status is ArticleStatus.PUBLISHED and head.takedown is None
    assert (head.published_at, head.feed_sk) == (before.published_at, before.feed_sk)
    for feed in ("all", "section#news", "lang#en"):
        assert newsroom.feed(feed) == [newer, middle, older]
    assert newsroom.page("tag#russia") == [newer, middle, older]
    # AND it is announced as a restore, and no longer listed as removed
    assert head.change.type is ChangeType.PUBLISHED and head.change.restored
    assert newsroom.table.removals(NOW) == []


def test_publishing_a_published_article_changes_nothing(newsroom: Newsroom) -> None:
    article = newsroom.publish(submission(1))
    before = newsroom.head(article)

    assert newsroom.lifecycle.publish(article, DESK).transition is Transition.ALREADY
    assert newsroom.head(article) == before


@pytest.mark.parametrize("rejected", [False, True])
def test_an_article_without_an_enriched_revision_cannot_be_published(newsroom: Newsroom, rejected: bool) -> None:
    article = newsroom.submit(submission(1))
    if rejected:
        newsroom.empty_body(article, 1)
        newsroom.process(article)

    with pytest.raises(Conflict):
        newsroom.lifecycle.publish(article, DESK)


# ---------------------------------------------------------------------------------------------- publish now
def test_publish_now_puts_a_scheduled_article_on_top_with_new_tag_entries(newsroom: Newsroom) -> None:
    # GIVEN an article scheduled for later, and one published meanwhile
    scheduled = scheduled_article(newsroom, 1, tags=["Russia"])
    planned_entries = sorted(sk for pk, sk in newsroom.table.items if pk == "TAG#russia")
    newsroom.clock.advance(minutes=5)
    other = newsroom.publish(submission(2, tags=["Russia"]))
    newsroom.clock.advance(minutes=5)

    # WHEN the desk publishes the scheduled article now
    applied = newsroom.lifecycle.publish(scheduled, DESK)

    # THEN it is published, dated now, on top of every feed and of the tag page
    assert applied.transition is Transition.DONE
    head = newsroom.head(scheduled)
    assert head.status is ArticleStatus.PUBLISHED and head.published_at == newsroom.clock.now
    assert head.card is not None and head.card.published_at == newsroom.clock.now
    assert newsroom.feed("all") == [scheduled, other]
    assert newsroom.page("tag#russia") == [scheduled, other]
    # AND its tag entry for the planned time was left behind (readers skip it), a new one written
    assert head.feed_sk is not None and head.feed_sk not in planned_entries
    assert ("TAG#russia", head.feed_sk) in newsroom.table.items
    # AND its schedule is cancelled; it is a publication, not a restore
    assert newsroom.schedules.cancelled == [f"article-{scheduled}-r1"] and newsroom.schedules.schedules == {}
    assert not head.change.restored and head.pending_at is None


# ------------------------------------------------------------------------------------ scheduled publication
def test_a_due_schedule_publishes_the_article_dated_by_its_time(newsroom: Newsroom) -> None:
    scheduled = scheduled_article(newsroom, 1, tags=["Russia"])
    newsroom.clock.now = PLANNED + timedelta(seconds=2)

    applied = newsroom.lifecycle.publish_due(
        DuePublication(article_id=scheduled, revision=1, publish_at=PLANNED), "schedule-1"
    )

    assert applied is not None and applied.transition is Transition.DONE
    head = newsroom.head(scheduled)
    assert (head.status, head.published_at, head.schedule_name) == (ArticleStatus.PUBLISHED, PLANNED, None)
    assert head.change.correlation_id == "schedule-1"
    assert newsroom.feed("all") == [scheduled] and newsroom.page("tag#russia") == [scheduled]
    assert head.pending_at is None


def test_a_schedule_that_fires_twice_publishes_once(newsroom: Newsroom) -> None:
    scheduled = scheduled_article(newsroom)
    due = DuePublication(article_id=scheduled, revision=1, publish_at=PLANNED)
    newsroom.clock.now = PLANNED
    first = newsroom.lifecycle.publish_due(due, "fire-1")
    after_first = newsroom.head(scheduled)

    newsroom.clock.advance(seconds=30)
    second = newsroom.lifecycle.publish_due(due, "fire-2")

    assert first is not None and first.transition is Transition.DONE
    assert second is not None and second.transition is Transition.NOTHING
    assert newsroom.head(scheduled) == after_first


def test_a_schedule_for_a_moved_publish_at_does_nothing(newsroom: Newsroom) -> None:
    # GIVEN an article rescheduled from 16:00 to 18:00 (revision 2)
    scheduled = scheduled_article(newsroom)
    later = NOW + timedelta(hours=4)
    newsroom.update(scheduled, submission(1, publish_at=later.isoformat()), editor=PUBLISHER)
    newsroom.process(scheduled)
    before = newsroom.head(scheduled)

    # WHEN the 16:00 schedule fires anyway (deleted too late)
    newsroom.clock.now = PLANNED
    applied = newsroom.lifecycle.publish_due(
        DuePublication(article_id=scheduled, revision=1, publish_at=PLANNED), "old-schedule"
    )

    # THEN nothing happens: it still waits for 18:00
    assert applied is not None and applied.transition is Transition.NOTHING
    assert newsroom.head(scheduled) == before and before.status is ArticleStatus.SCHEDULED


def test_a_schedule_for_a_taken_down_article_does_nothing(newsroom: Newsroom) -> None:
    scheduled = scheduled_article(newsroom)
    newsroom.lifecycle.unpublish(scheduled, "Pulled", DESK)
    before = newsroom.head(scheduled)
    newsroom.clock.now = PLANNED

    applied = newsroom.lifecycle.publish_due(
        DuePublication(article_id=scheduled, revision=1, publish_at=PLANNED), "late-schedule"
    )

    assert applied is not None and applied.transition is Transition.NOTHING
    assert newsroom.head(scheduled) == before and newsroom.feed("all") == []


def test_a_schedule_for_an_unknown_article_does_nothing(newsroom: Newsroom) -> None:
    due = DuePublication(article_id=article_id(7), revision=1, publish_at=PLANNED)
    assert newsroom.lifecycle.publish_due(due, "stray") is None


# ---------------------------------------------------------------------------------------------- races
def test_two_takedowns_racing_write_once(newsroom: Newsroom) -> None:
    # GIVEN a published article; a second takedown commits while the first is on its way
    article = newsroom.publish(submission(1))
    version = newsroom.head(article).version
    newsroom.table.before_save = concurrently(lambda: newsroom.lifecycle.unpublish(article, "Second desk", DESK))

    # WHEN the first takedown commits
    applied = newsroom.lifecycle.unpublish(article, "First desk", DESK)

    # THEN it finds the article already down: one write, the other desk's
    assert applied.transition is Transition.ALREADY
    head = newsroom.head(article)
    assert head.version == version + 1
    assert head.takedown is not None and head.takedown.reason == "Second desk"


def test_a_schedule_firing_while_the_desk_takes_the_article_down_publishes_nothing(newsroom: Newsroom) -> None:
    # GIVEN a scheduled article; the desk takes it down just as its schedule fires
    scheduled = scheduled_article(newsroom)
    newsroom.clock.now = PLANNED
    newsroom.table.before_save = concurrently(lambda: newsroom.lifecycle.unpublish(scheduled, "Pulled", DESK))

    # WHEN the scheduled publication commits
    applied = newsroom.lifecycle.publish_due(
        DuePublication(article_id=scheduled, revision=1, publish_at=PLANNED), "schedule"
    )

    # THEN it gives way: the article stays down and in no feed
    assert applied is not None and applied.transition is Transition.NOTHING
    assert newsroom.head(scheduled).status is ArticleStatus.UNPUBLISHED
    assert newsroom.feed("all") == []
