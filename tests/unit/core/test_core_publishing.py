"""Enrichment and its commit: published, updated, scheduled, rejected, processed (or skipped)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.errors import RevisionConflict
from shared.models.common import ArticleStatus, CorrectionKind
from shared.service.heads import RECONCILE_GRACE
from shared.service.publishing import Outcome
from shared.store.items import ArticleHead, ChangeType
from shared.store.scheduler import DuePublication
from tests.support.memory import MemoryTable
from tests.support.newsroom import DESK, NOW, PUBLISHER, WEBSITE_URL, Newsroom, concurrently, submission


# --------------------------------------------------------------------------------- first publication
def test_a_first_publication_puts_the_article_in_every_feed_it_belongs_to(newsroom: Newsroom) -> None:
    # GIVEN an accepted article with two tags
    accepted = newsroom.submit(submission(1, tags=["Russia", "Afghanistan"]))
    newsroom.clock.advance(seconds=3)

    # WHEN its revision is enriched
    result = newsroom.process(accepted)

    # THEN it is published, dated by its acceptance, with a claimed slug and a URL on the website
    assert result.outcome is Outcome.PUBLISHED
    head = newsroom.head(accepted)
    assert head.status is ArticleStatus.PUBLISHED
    assert (head.live_revision, head.processed_revision, head.published_at) == (1, 1, NOW)
    assert head.slug == "city-council-approves-railway-plan-number-1"
    assert head.url == f"{WEBSITE_URL}/news/{head.slug}"
    claim = newsroom.table.get_slug_claim(head.slug)
    assert claim is not None and claim.article_id == accepted
    # AND the card feeds show carries the live revision, its enrichment is kept with the head
    assert head.card is not None and (head.card.revision, head.card.url, head.card.published_at) == (1, head.url, NOW)
    assert head.enrichment is not None and head.enrichment.revision == 1 and head.enrichment.word_count > 0
    # AND it is in the main, section and language feeds, and on both tag pages
    assert head.feeds == ["all", "section#news", "lang#en", "tag#russia", "tag#afghanistan"]
    for feed in ("all", "section#news", "lang#en"):
        assert newsroom.feed(feed) == [accepted]
    assert newsroom.page("tag#russia") == newsroom.page("tag#afghanistan") == [accepted]
    # AND the tag entries were written before the head that makes them visible
    calls = newsroom.table.calls
    assert calls.index("put_tag_entries") < calls.index("save_head published")
    # AND no work is left pending
    assert head.pending_at is None and "pending_pk" not in newsroom.table.items[(head.pk, "HEAD")]
    assert head.change.type is ChangeType.PUBLISHED and head.change.correlation_id == "req-editor"


def test_a_backdated_publish_at_orders_and_dates_the_article_by_that_time(newsroom: Newsroom) -> None:
    # GIVEN an article published now, then an archive import dated three days ago
    recent = newsroom.publish(submission(1))
    newsroom.clock.advance(minutes=1)
    backdated = newsroom.publish(submission(2, publish_at=(NOW - timedelta(days=3)).isoformat()))

    # THEN the import is published, dated by its publish_at, and sorts below the older-submitted article
    head = newsroom.head(backdated)
    assert head.status is ArticleStatus.PUBLISHED
    assert head.published_at == NOW - timedelta(days=3)
    assert head.card is not None and head.card.published_at == NOW - timedelta(days=3)
    assert newsroom.feed("all") == [recent, backdated]


def test_an_embargoed_article_is_scheduled_and_in_no_feed(newsroom: Newsroom) -> None:
    # GIVEN an article embargoed for two hours
    planned = NOW + timedelta(hours=2)
    scheduled = newsroom.submit(submission(1, tags=["Russia"], publish_at=planned.isoformat()), editor=PUBLISHER)

    # WHEN it is enriched
    result = newsroom.process(scheduled)

    # THEN it is scheduled: enriched, slug claimed, dated by its time, in no feed
    assert result.outcome is Outcome.SCHEDULED
    head = newsroom.head(scheduled)
    assert head.status is ArticleStatus.SCHEDULED and head.published_at == planned
    assert head.slug is not None and head.card is not None and head.enrichment is not None
    for feed in ("all", "section#news", "lang#en"):
        assert newsroom.feed(feed) == []
    assert newsroom.page("tag#russia") == []
    # AND a one-time schedule names the revision and the time
    assert head.schedule_name == f"article-{scheduled}-r1"
    assert newsroom.schedules.schedules == {
        head.schedule_name: DuePublication(article_id=scheduled, revision=1, publish_at=planned)
    }
    # AND the reconciler will look at it a grace period after its time, in case the schedule never fires
    assert head.pending_at == planned + RECONCILE_GRACE


def test_a_publish_at_within_the_schedule_lead_publishes_now(newsroom: Newsroom) -> None:
    soon = newsroom.publish(submission(1, publish_at=(NOW + timedelta(seconds=1)).isoformat()))

    assert newsroom.head(soon).status is ArticleStatus.PUBLISHED
    assert newsroom.schedules.schedules == {}


# ---------------------------------------------------------------------------------------------- update
def test_an_update_keeps_slug_url_and_place_and_moves_updated_at(newsroom: Newsroom) -> None:
    # GIVEN a published article, and a newer one above it
    first = newsroom.publish(submission(1, tags=["Russia"]))
    newsroom.clock.advance(minutes=5)
    newer = newsroom.publish(submission(2))
    before = newsroom.head(first)

    # WHEN a correction with a new headline is accepted and enriched an hour later
    newsroom.clock.advance(hours=1)
    note = {"kind": "correction", "text": "An earlier version gave the wrong year."}
    newsroom.update(first, submission(1, tags=["Russia"], headline="Council approves a new harbour", correction=note))
    result = newsroom.process(first)

    # THEN the live revision is replaced in place: same slug and URL, same feed time, a new updated_at
    assert result.outcome is Outcome.UPDATED
    head = newsroom.head(first)
    assert (head.live_revision, head.slug, head.url, head.published_at) == (2, before.slug, before.url, NOW)
    assert head.card is not None and head.card.headline == "Council approves a new harbour"
    assert head.card.updated_at == newsroom.clock.now and head.updated_at == newsroom.clock.now
    assert newsroom.feed("all") == [newer, first]
    assert newsroom.table.get_slug_claim("council-approves-a-new-harbour") is None
    # AND the correction is appended, dated when it went live, and on the card
    (correction,) = head.corrections
    assert (correction.kind, correction.text, correction.revision) == (CorrectionKind.CORRECTION, note["text"], 2)
    assert correction.published_at == newsroom.clock.now
    assert head.card.corrections == head.corrections
    # AND the change names what changed and what it replaced
    assert head.change.type is ChangeType.UPDATED
    assert (head.change.previous_revision, head.change.correction) == (1, correction)
    assert head.change.changed_fields == ["headline"]


def test_a_silent_edit_adds_no_correction(newsroom: Newsroom) -> None:
    first = newsroom.publish(submission(1))
    newsroom.update(first, submission(1, summary="A short summary."))
    newsroom.process(first)

    head = newsroom.head(first)
    assert head.live_revision == 2 and head.corrections == []
    assert head.change.changed_fields == ["summary"] and head.change.correction is None


def test_corrections_accumulate_oldest_first(newsroom: Newsroom) -> None:
    first = newsroom.publish(submission(1))
    for n, kind in enumerate(("correction", "clarification"), start=1):
        newsroom.clock.advance(minutes=10)
        newsroom.update(first, submission(1, headline=f"Version {n}", correction={"kind": kind, "text": f"Note {n}"}))
        newsroom.process(first)

    head = newsroom.head(first)
    assert [(c.kind.value, c.revision) for c in head.corrections] == [("correction", 2), ("clarification", 3)]
    assert head.corrections[0].published_at < head.corrections[1].published_at


def test_a_section_or_tag_change_moves_the_article_between_feeds(newsroom: Newsroom) -> None:
    # GIVEN an article in section news, tagged Russia
    moved = newsroom.publish(submission(1, tags=["Russia"]))
    before = newsroom.head(moved)

    # WHEN an update moves it to section world and tag Ukraine
    newsroom.update(moved, submission(1, section="world", tags=["Ukraine"]))
    newsroom.process(moved)

    # THEN it left the old section and tag and joined the new ones, in its old place
    head = newsroom.head(moved)
    assert head.feeds == ["all", "section#world", "lang#en", "tag#ukraine"]
    assert newsroom.feed("section#news") == [] and newsroom.feed("section#world") == [moved]
    assert newsroom.page("tag#russia") == [] and newsroom.page("tag#ukraine") == [moved]
    assert head.feed_sk == before.feed_sk
    # AND its URL stays where it was published
    assert head.url == before.url
    # AND the change says which feeds it was in before, and what changed
    assert head.change.previous_feeds == before.feeds
    assert head.change.changed_fields == ["section", "tags"]


# ---------------------------------------------------------------------------------------------- rejection
def test_a_rejected_first_revision_leaves_the_article_rejected_and_unpublished(newsroom: Newsroom) -> None:
    # GIVEN an accepted revision whose stored body has no text
    rejected = newsroom.submit(submission(1))
    newsroom.empty_body(rejected, 1)

    # WHEN it is enriched
    result = newsroom.process(rejected)

    # THEN it is rejected with a reason, in no feed, with no slug, and nothing left pending
    assert result.outcome is Outcome.REJECTED
    head = newsroom.head(rejected)
    assert head.status is ArticleStatus.REJECTED
    assert (head.rejected_revisions, head.rejection_reasons) == ([1], ["body_html has no readable text"])
    assert (head.live_revision, head.slug, head.card, head.pending_at) == (None, None, None, None)
    assert newsroom.feed("all") == []
    assert head.change.type is ChangeType.REJECTED and head.change.reasons == head.rejection_reasons


def test_a_rejected_later_revision_leaves_the_live_one_in_place(newsroom: Newsroom) -> None:
    # GIVEN a published article and an update whose stored body has no text
    live = newsroom.publish(submission(1))
    card = newsroom.head(live).card
    newsroom.update(live, submission(1, headline="Broken update"))
    newsroom.empty_body(live, 2)

    # WHEN the update is enriched
    result = newsroom.process(live)

    # THEN revision 2 is rejected and revision 1 stays live, in the feed, unchanged
    assert result.outcome is Outcome.REJECTED
    head = newsroom.head(live)
    assert head.status is ArticleStatus.PUBLISHED
    assert (head.live_revision, head.processed_revision, head.rejected_revisions) == (1, 2, [2])
    assert head.card == card
    assert newsroom.feed("all") == [live]


# ------------------------------------------------------------------------------------- order and races
def test_an_enrichment_of_a_superseded_revision_is_skipped(newsroom: Newsroom) -> None:
    # GIVEN revision 1 accepted, then revision 2 before revision 1 was enriched
    article = newsroom.submit(submission(1))
    newsroom.update(article, submission(1, headline="Second thoughts"))
    before = newsroom.head(article)

    # WHEN revision 1's message arrives late THEN nothing is written
    assert newsroom.publishing.process(article, 1).outcome is Outcome.SKIPPED
    assert newsroom.head(article) == before

    # AND revision 2 publishes
    assert newsroom.publishing.process(article, 2).outcome is Outcome.PUBLISHED
    card = newsroom.head(article).card
    assert card is not None and card.headline == "Second thoughts"


def test_an_update_accepted_while_the_previous_revision_is_enriched_is_never_overwritten(newsroom: Newsroom) -> None:
    # GIVEN revision 1 being enriched; revision 2 is accepted just before enrichment commits
    article = newsroom.submit(submission(1))
    newsroom.table.before_save = concurrently(lambda: newsroom.update(article, submission(1, headline="Newer")))

    # WHEN enrichment of revision 1 tries to commit
    result = newsroom.publishing.process(article, 1)

    # THEN it sees the newer revision and gives way: revision 2 stays the newest, waiting for enrichment
    assert result.outcome is Outcome.SKIPPED
    head = newsroom.head(article)
    assert (head.revision, head.processed_revision, head.status) == (2, 0, ArticleStatus.RECEIVED)
    assert head.change.type is ChangeType.SUBMITTED


def test_a_redelivered_message_changes_nothing(newsroom: Newsroom) -> None:
    article = newsroom.publish(submission(1))
    before = newsroom.head(article)

    assert newsroom.publishing.process(article, 1).outcome is Outcome.SKIPPED
    assert newsroom.head(article) == before


def test_a_takedown_during_an_update_is_kept_and_the_update_is_processed_behind_it(newsroom: Newsroom) -> None:
    # GIVEN a published article with an update waiting; the desk takes it down while the update commits
    article = newsroom.publish(submission(1))
    newsroom.update(article, submission(1, headline="Updated"))
    newsroom.table.before_save = concurrently(lambda: newsroom.lifecycle.unpublish(article, "legal", DESK))

    # WHEN enrichment of the update commits (its first attempt loses to the takedown)
    result = newsroom.process(article)

    # THEN it retries on the new state: processed, still taken down, in no feed
    assert result.outcome is Outcome.PROCESSED
    head = newsroom.head(article)
    assert head.status is ArticleStatus.UNPUBLISHED
    assert (head.live_revision, head.processed_revision) == (2, 2)
    assert head.takedown is not None and head.takedown.reason == "legal"
    assert newsroom.feed("all") == []


def test_two_deliveries_of_one_revision_racing_publish_it_once(newsroom: Newsroom) -> None:
    # GIVEN an accepted revision delivered twice; the second delivery commits while the first is on its way
    article = newsroom.submit(submission(1))
    newsroom.table.before_save = concurrently(lambda: newsroom.publishing.process(article, 1))

    # WHEN the first delivery commits
    result = newsroom.publishing.process(article, 1)

    # THEN it finds the revision done and writes nothing: one publication
    assert result.outcome is Outcome.SKIPPED
    head = newsroom.head(article)
    assert (head.status, head.version) == (ArticleStatus.PUBLISHED, 2)
    assert newsroom.table.calls.count("save_head published") == 1


class LostReplyTable(MemoryTable):
    """DynamoDB applied the write but the reply was lost; botocore's retry then fails the condition."""

    def __init__(self) -> None:
        super().__init__()
        self.lose_next_reply = False

    def save_head(self, head: ArticleHead, expected_version: int) -> None:
        super().save_head(head, expected_version)
        if self.lose_next_reply:
            self.lose_next_reply = False
            raise RevisionConflict(f"{head.id} moved past version {expected_version}")


def test_a_commit_whose_reply_was_lost_is_recognised_as_done() -> None:
    # GIVEN a table that loses the reply to the next head write
    newsroom = Newsroom(table=LostReplyTable())
    article = newsroom.submit(submission(1))
    assert isinstance(newsroom.table, LostReplyTable)
    newsroom.table.lose_next_reply = True

    # WHEN enrichment commits
    result = newsroom.process(article)

    # THEN it recognises its own write: published once, one version later
    assert result.outcome is Outcome.PUBLISHED
    head = newsroom.head(article)
    assert (head.status, head.version) == (ArticleStatus.PUBLISHED, 2)


def test_a_missing_head_is_an_error_to_retry(newsroom: Newsroom) -> None:
    with pytest.raises(LookupError):
        newsroom.publishing.process("01JZ0000000000000000000099", 1)


# ------------------------------------------------------------------------ duplicates, related, slugs
def test_a_near_duplicate_is_flagged_and_related_articles_are_found(newsroom: Newsroom) -> None:
    # GIVEN an article about Russia, another one tagged Russia, and one on something else
    original = newsroom.publish(submission(1, tags=["Russia", "Afghanistan"]))
    related = newsroom.publish(submission(2, tags=["Russia"]))
    unrelated = newsroom.publish(submission(3, tags=["Bridges"]))

    # WHEN the same text comes in again under another headline
    copy = newsroom.publish(submission(1, headline="Council approves the same plan", tags=["Russia", "Afghanistan"]))

    # THEN it is flagged as a near-duplicate of the original, and related to the other Russia article
    enrichment = newsroom.head(copy).enrichment
    assert enrichment is not None
    assert enrichment.duplicate_of == original
    assert enrichment.related == [related]
    assert unrelated not in enrichment.related


def test_a_taken_down_article_is_never_a_duplicate_or_related_candidate(newsroom: Newsroom) -> None:
    # GIVEN an article that was taken down
    original = newsroom.publish(submission(1, tags=["Russia"]))
    newsroom.lifecycle.unpublish(original, "legal", DESK)

    # WHEN the same text is published again
    again = newsroom.publish(submission(1, headline="Council approves the plan again", tags=["Russia"]))

    # THEN the taken-down article is neither its original nor related to it
    enrichment = newsroom.head(again).enrichment
    assert enrichment is not None
    assert enrichment.duplicate_of is None and original not in enrichment.related


def test_slug_collisions_are_numbered(newsroom: Newsroom) -> None:
    # GIVEN three different articles with the same headline
    ids = [newsroom.publish(submission(n, headline="Storm hits the coast")) for n in (1, 2, 3)]

    # THEN each has its own slug, numbered from the second on, each claimed by its article
    slugs = [newsroom.head(i).slug for i in ids]
    assert slugs == ["storm-hits-the-coast", "storm-hits-the-coast-2", "storm-hits-the-coast-3"]
    for article, slug in zip(ids, slugs, strict=True):
        assert slug is not None
        claim = newsroom.table.get_slug_claim(slug)
        assert claim is not None and claim.article_id == article


def test_a_canonical_url_is_the_articles_url(newsroom: Newsroom) -> None:
    article = newsroom.publish(submission(1, canonical_url="https://partner.example.com/story"))
    assert newsroom.head(article).url == "https://partner.example.com/story"


# ----------------------------------------------------------------------------------- scheduled updates
def test_a_put_that_moves_publish_at_reschedules(newsroom: Newsroom) -> None:
    # GIVEN an article scheduled for 16:00
    scheduled = newsroom.publish(submission(1, publish_at=(NOW + timedelta(hours=2)).isoformat()))

    # WHEN a publisher moves it to 18:00 and the revision is enriched
    later = NOW + timedelta(hours=4)
    newsroom.update(scheduled, submission(1, publish_at=later.isoformat()), editor=PUBLISHER)
    result = newsroom.process(scheduled)

    # THEN it waits for the new time under a new schedule; the old one is cancelled
    assert result.outcome is Outcome.SCHEDULED
    head = newsroom.head(scheduled)
    assert (head.status, head.published_at, head.schedule_name) == (
        ArticleStatus.SCHEDULED,
        later,
        f"article-{scheduled}-r2",
    )
    assert newsroom.schedules.cancelled == [f"article-{scheduled}-r1"]
    assert list(newsroom.schedules.schedules.values()) == [
        DuePublication(article_id=scheduled, revision=2, publish_at=later)
    ]


def test_a_put_that_lifts_an_embargo_publishes_now_dated_now(newsroom: Newsroom) -> None:
    # GIVEN an article scheduled for two hours ahead
    scheduled = newsroom.publish(submission(1, publish_at=(NOW + timedelta(hours=2)).isoformat()))

    # WHEN a publisher sends it again without publish_at, ten minutes later
    newsroom.clock.advance(minutes=10)
    newsroom.update(scheduled, submission(1), editor=PUBLISHER)
    result = newsroom.process(scheduled)

    # THEN it is published now and dated now (not at the time it no longer waits for), its schedule cancelled
    assert result.outcome is Outcome.PUBLISHED
    head = newsroom.head(scheduled)
    assert head.status is ArticleStatus.PUBLISHED
    assert head.published_at == newsroom.clock.now
    assert head.card is not None and head.card.published_at == newsroom.clock.now
    assert newsroom.feed("all") == [scheduled]
    assert newsroom.schedules.cancelled == [f"article-{scheduled}-r1"] and newsroom.schedules.schedules == {}
