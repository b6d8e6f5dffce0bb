"""Reading articles: anonymous readers see the live revision only; the newsroom sees every state."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from shared.errors import Gone, NotFound
from shared.models.common import ArticleStatus
from tests.support.newsroom import DESK, NOW, PUBLISHER, Newsroom, article_id, submission


# ------------------------------------------------------------------------------------------ anonymous
def test_an_anonymous_reader_gets_the_live_revision_with_its_etag(newsroom: Newsroom) -> None:
    # GIVEN a published article with an update accepted but not enriched yet
    article = newsroom.publish(submission(1, tags=["Russia"]))
    newsroom.clock.advance(minutes=5)
    newsroom.update(article, submission(1, headline="Not live yet"))

    # WHEN an anonymous reader asks for it
    view = newsroom.reader.get(article, editorial=False)

    # THEN they get revision 1 with its enrichment, cacheable, tagged with the live revision
    assert (view.etag, view.public) == ('"1"', True)
    assert view.article.revision == 1 and view.article.headline == "City council approves railway plan number 1"
    assert view.article.status is ArticleStatus.PUBLISHED
    assert (view.article.published_at, view.article.updated_at) == (NOW, NOW)
    assert view.article.word_count is not None and view.article.word_count > 0
    assert view.article.url == newsroom.head(article).url and view.article.tags == ["Russia"]


def test_a_taken_down_article_is_gone_for_anonymous_readers(newsroom: Newsroom) -> None:
    article = newsroom.publish(submission(1))
    newsroom.lifecycle.unpublish(article, "Legal", DESK)

    with pytest.raises(Gone) as gone:
        newsroom.reader.get(article, editorial=False)
    assert gone.value.status == 410


def _received(newsroom: Newsroom) -> str:
    return newsroom.submit(submission(1))


def _scheduled(newsroom: Newsroom) -> str:
    return newsroom.publish(submission(1, publish_at=(NOW + timedelta(hours=2)).isoformat()), editor=PUBLISHER)


def _rejected(newsroom: Newsroom) -> str:
    article = newsroom.submit(submission(1))
    newsroom.empty_body(article, 1)
    newsroom.process(article)
    return article


@pytest.mark.parametrize("make", [_received, _scheduled, _rejected], ids=["received", "scheduled", "rejected"])
def test_unpublished_states_do_not_exist_for_anonymous_readers(
    newsroom: Newsroom, make: Callable[[Newsroom], str]
) -> None:
    article = make(newsroom)

    with pytest.raises(NotFound) as missing:
        newsroom.reader.get(article, editorial=False)
    assert missing.value.status == 404


@pytest.mark.parametrize("wanted", [article_id(99), "not-an-id", "01jz0000000000000000000001"])
def test_an_unknown_or_malformed_id_is_a_404(newsroom: Newsroom, wanted: str) -> None:
    newsroom.publish(submission(1))
    with pytest.raises(NotFound):
        newsroom.reader.get(wanted, editorial=True)


# ------------------------------------------------------------------------------------------ editorial
def test_the_newsroom_reads_the_newest_revision_of_every_state(newsroom: Newsroom) -> None:
    # GIVEN an article in each state
    received = _received(newsroom)
    scheduled = newsroom.publish(submission(2, publish_at=(NOW + timedelta(hours=2)).isoformat()), editor=PUBLISHER)
    rejected = newsroom.submit(submission(3))
    newsroom.empty_body(rejected, 1)
    newsroom.process(rejected)
    taken_down = newsroom.publish(submission(4))
    newsroom.lifecycle.unpublish(taken_down, "Legal request", DESK)

    # WHEN the newsroom reads them THEN each answers, private, with its state and what it is waiting for
    views = {a: newsroom.reader.get(a, editorial=True) for a in (received, scheduled, rejected, taken_down)}
    assert all(not v.public and v.etag == '"1"' for v in views.values())
    assert views[received].article.status is ArticleStatus.RECEIVED
    assert views[received].article.word_count is None  # not enriched yet
    assert views[scheduled].article.status is ArticleStatus.SCHEDULED
    assert views[scheduled].article.publish_at == NOW + timedelta(hours=2)
    assert views[rejected].article.status is ArticleStatus.REJECTED
    assert views[rejected].article.rejection_reasons == ["body_html has no readable text"]
    assert views[taken_down].article.status is ArticleStatus.UNPUBLISHED
    assert views[taken_down].article.unpublish_reason == "Legal request"


def test_the_newsroom_reads_the_pending_revision_and_any_past_one(newsroom: Newsroom) -> None:
    # GIVEN a published article with revision 2 live and revision 3 pending
    article = newsroom.publish(submission(1))
    newsroom.update(article, submission(1, headline="Second"))
    newsroom.process(article)
    newsroom.update(article, submission(1, headline="Third"))

    # WHEN the newsroom reads it, and revision 1
    newest = newsroom.reader.get(article, editorial=True)
    first = newsroom.reader.get(article, editorial=True, revision=1)
    live = newsroom.reader.get(article, editorial=True, revision=2)

    # THEN the newest is revision 3 (ETag 3, for If-Match), and the others say what became of them
    assert (newest.article.revision, newest.article.headline, newest.etag) == (3, "Third", '"3"')
    assert (first.article.revision, first.article.revision_status) == (1, "superseded")
    assert (live.article.revision, live.article.headline, live.article.revision_status) == (2, "Second", "published")
    with pytest.raises(NotFound):
        newsroom.reader.get(article, editorial=True, revision=4)


def test_the_revision_list_gives_each_revisions_fate_and_correction(newsroom: Newsroom) -> None:
    # GIVEN revision 1 published, 2 a live correction, 3 rejected, 4 pending with a note
    article = newsroom.publish(submission(1))
    newsroom.clock.advance(minutes=10)
    newsroom.update(article, submission(1, headline="Fixed", correction={"kind": "correction", "text": "Fixed."}))
    newsroom.process(article)
    newsroom.update(article, submission(1, headline="Broken"))
    newsroom.empty_body(article, 3)
    newsroom.process(article)
    newsroom.update(article, submission(1, headline="Later", correction={"kind": "update", "text": "More."}))

    # WHEN the newsroom lists the revisions
    revisions = newsroom.reader.revisions(article)

    # THEN each has its status, who sent it and when, and its note (dated once live)
    assert [(r.revision, r.status) for r in revisions] == [
        (1, "superseded"),
        (2, "published"),
        (3, "rejected"),
        (4, "pending"),
    ]
    assert all(r.submitted_by == "dana" for r in revisions[1:]) and revisions[0].submitted_by == "pat"
    assert revisions[0].correction is None and revisions[2].correction is None
    assert revisions[1].correction is not None
    assert (revisions[1].correction.kind, revisions[1].correction.published_at) == (
        "correction",
        NOW + timedelta(minutes=10),
    )
    assert revisions[3].correction is not None
    assert (revisions[3].correction.kind, revisions[3].correction.published_at) == ("update", None)
    assert revisions[1].accepted_at == NOW + timedelta(minutes=10)
    with pytest.raises(NotFound):
        newsroom.reader.revisions(article_id(42))


def test_a_corrected_article_shows_its_corrections_to_readers(newsroom: Newsroom) -> None:
    article = newsroom.publish(submission(1))
    newsroom.update(article, submission(1, correction={"kind": "correction", "text": "Fixed the date."}, summary="S"))
    newsroom.process(article)

    view = newsroom.reader.get(article, editorial=False)

    assert [(c.revision, c.text) for c in view.article.corrections] == [(2, "Fixed the date.")]
    assert view.etag == '"2"'


def test_read_more_links_to_articles_taken_down_later_are_dropped_on_read(newsroom: Newsroom) -> None:
    # GIVEN B published with "Read more" links to A and C
    a = newsroom.publish(submission(1, tags=["Russia"]))
    c = newsroom.publish(submission(3, tags=["Russia"]))
    b = newsroom.publish(submission(2, tags=["Russia"]))
    assert set(newsroom.reader.get(b, editorial=False).article.related) == {a, c}

    # WHEN A is taken down
    newsroom.lifecycle.unpublish(a, "Legal", DESK)

    # THEN B's readers no longer see a link to it
    assert newsroom.reader.get(b, editorial=False).article.related == [c]
