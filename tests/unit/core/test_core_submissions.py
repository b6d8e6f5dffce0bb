"""Accepting revisions: POST (new article, Idempotency-Key, external_id) and PUT (If-Match)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    UnprocessableRequest,
)
from shared.models.common import ArticleStatus
from shared.models.stored import content_hash
from shared.service.heads import RECONCILE_GRACE
from shared.store.items import ChangeType
from tests.support.newsroom import EDITOR, NOW, PUBLISHER, Newsroom, article_id, concurrently, submission


def heads(newsroom: Newsroom) -> list[str]:
    return sorted(pk for pk, sk in newsroom.table.items if sk == "HEAD")


# ------------------------------------------------------------------------------------------------ POST
def test_a_post_stores_the_document_then_commits_a_head_holding_its_revision(newsroom: Newsroom) -> None:
    # GIVEN a submission whose body carries a script
    sub = submission(1, body_html="<p>The council voted to renovate the harbour.</p><script>alert(1)</script>")

    # WHEN an editor posts it
    document_first: list[bool] = []
    newsroom.table.before_create = lambda: document_first.append(
        any(k.startswith(f"submissions/{article_id(1)}/00000001-") for k in newsroom.documents.objects)
    )
    accepted = newsroom.submissions.submit(sub, EDITOR)

    # THEN it is accepted as revision 1 of a new article, still to be enriched
    assert accepted.status_code == 202 and not accepted.replayed
    assert (accepted.body.id, accepted.body.revision, accepted.body.status) == (article_id(1), 1, "received")
    assert accepted.body.links.self == f"/articles/{article_id(1)}"
    # AND the head says so, and marks the work pending for the reconciler a grace period later
    head = newsroom.head(article_id(1))
    assert (head.version, head.revision, head.processed_revision, head.status) == (1, 1, 0, ArticleStatus.RECEIVED)
    assert (head.submitted_at, head.submitted_by, head.correlation_id) == (NOW, "dana", "req-editor")
    assert head.change.type is ChangeType.SUBMITTED and head.change.revision == 1
    stored = newsroom.table.items[(head.pk, "HEAD")]
    assert (stored["pending_pk"], stored["pending_at"]) == ("pending", (NOW + RECONCILE_GRACE).isoformat())
    # AND the head and the document (its key addressed by the content) agree on the sanitized content
    document = newsroom.document(head.id, 1)
    assert "<script>" not in document.submission.body_html and "harbour" in document.submission.body_html
    assert document.content_hash == head.content_hash == content_hash(document.submission)
    assert head.submission_key == f"submissions/{head.id}/00000001-{head.content_hash[:16]}.json"
    # AND the head is the only item: it holds the first revision's record until a later one supersedes it
    assert list(newsroom.table.items) == [(head.pk, "HEAD")]
    # AND the table was written once, after the document it points at
    assert newsroom.table.calls.count("create") == 1 and document_first == [True]


def test_a_body_with_no_readable_text_once_sanitized_is_refused_and_nothing_is_written(newsroom: Newsroom) -> None:
    with pytest.raises(InvalidInput) as refused:
        newsroom.submissions.submit(submission(1, body_html="<script>only a script</script>"), EDITOR)

    assert refused.value.errors[0].field == "body_html"
    assert newsroom.table.items == {} and newsroom.documents.objects == {}


def test_a_correction_is_refused_on_post(newsroom: Newsroom) -> None:
    # GIVEN a new article that carries a correction note
    sub = submission(1, correction={"kind": "correction", "text": "An earlier version misspelled the name."})

    # WHEN it is posted THEN it is a 422 naming the field, and nothing is stored
    with pytest.raises(InvalidInput) as refused:
        newsroom.submissions.submit(sub, EDITOR)
    assert refused.value.status == 422 and refused.value.errors[0].field == "correction"
    assert newsroom.table.items == {} and newsroom.documents.objects == {}


def test_a_future_publish_at_needs_the_right_to_schedule(newsroom: Newsroom) -> None:
    # GIVEN an embargoed article
    sub = submission(1, publish_at=(NOW + timedelta(hours=2)).isoformat())

    # WHEN an editor without the publisher role posts it THEN it is forbidden and nothing is stored
    with pytest.raises(Forbidden) as refused:
        newsroom.submissions.submit(sub, EDITOR)
    assert refused.value.status == 403 and "publisher" in refused.value.detail
    assert newsroom.table.items == {}

    # WHEN a publisher posts it THEN it is accepted with its publication time
    accepted = newsroom.submissions.submit(sub, PUBLISHER)
    assert accepted.status_code == 202
    assert newsroom.head(accepted.body.id).publish_at == NOW + timedelta(hours=2)


def test_a_past_publish_at_needs_no_special_role(newsroom: Newsroom) -> None:
    accepted = newsroom.submissions.submit(submission(1, publish_at=(NOW - timedelta(days=3)).isoformat()), EDITOR)
    assert accepted.status_code == 202


def test_the_same_idempotency_key_and_body_replays_the_first_answer(newsroom: Newsroom) -> None:
    # GIVEN a POST accepted with an Idempotency-Key
    first = newsroom.submissions.submit(submission(1), EDITOR, "key-1")

    # WHEN the client retries it (the same body, later)
    newsroom.clock.advance(minutes=5)
    again = newsroom.submissions.submit(submission(1), EDITOR, "key-1")

    # THEN the first answer comes back, marked as a replay, and there is still one article
    assert again.replayed and not first.replayed
    assert (again.status_code, again.body) == (first.status_code, first.body)
    assert heads(newsroom) == [f"ARTICLE#{first.body.id}"]


def test_a_replay_answers_as_the_first_time_after_the_article_moved_on(newsroom: Newsroom) -> None:
    # GIVEN a POST with a key, published and then corrected (revision 2)
    first = newsroom.submissions.submit(submission(1), EDITOR, "key-1")
    newsroom.process(first.body.id)
    newsroom.update(first.body.id, submission(1, headline="A corrected headline"))

    # WHEN the CMS resends the original POST
    again = newsroom.submissions.submit(submission(1), EDITOR, "key-1")

    # THEN it gets the first answer (revision 1, received), checked against revision 1's record
    assert again.replayed and (again.status_code, again.body) == (first.status_code, first.body)
    # AND another body under that key is still refused
    with pytest.raises(UnprocessableRequest):
        newsroom.submissions.submit(submission(2), EDITOR, "key-1")


def test_the_same_idempotency_key_with_another_body_is_a_422(newsroom: Newsroom) -> None:
    newsroom.submissions.submit(submission(1), EDITOR, "key-1")

    with pytest.raises(UnprocessableRequest) as refused:
        newsroom.submissions.submit(submission(2), EDITOR, "key-1")

    assert refused.value.status == 422 and refused.value.errors[0].field == "idempotency-key"
    assert len(heads(newsroom)) == 1


def test_idempotency_keys_belong_to_their_principal(newsroom: Newsroom) -> None:
    # GIVEN a key used by one editor
    first = newsroom.submissions.submit(submission(1), EDITOR, "key-1")

    # WHEN another principal sends the same key with the same body
    other = newsroom.submissions.submit(submission(1), PUBLISHER, "key-1")

    # THEN it is a request of its own: a second article
    assert not other.replayed and other.body.id != first.body.id and len(heads(newsroom)) == 2


def test_a_concurrent_twin_with_the_same_key_gets_a_replay_not_a_second_article(newsroom: Newsroom) -> None:
    # GIVEN a twin of the request (same key, same body) that commits while ours is on its way
    twin: list[str] = []
    newsroom.table.before_create = lambda: twin.append(
        newsroom.submissions.submit(submission(1), EDITOR, "key-1").body.id
    )

    # WHEN ours commits after it
    ours = newsroom.submissions.submit(submission(1), EDITOR, "key-1")

    # THEN ours answers with the twin's article, as a replay, and only one article exists
    assert ours.replayed and ours.body.id == twin[0]
    assert heads(newsroom) == [f"ARTICLE#{twin[0]}"]


def test_a_concurrent_request_with_the_same_key_and_another_body_is_a_422(newsroom: Newsroom) -> None:
    newsroom.table.before_create = concurrently(lambda: newsroom.submissions.submit(submission(2), EDITOR, "key-1"))

    with pytest.raises(UnprocessableRequest):
        newsroom.submissions.submit(submission(1), EDITOR, "key-1")
    assert len(heads(newsroom)) == 1


def test_the_same_external_id_and_content_returns_the_existing_article(newsroom: Newsroom) -> None:
    # GIVEN an article created with an external_id
    first = newsroom.submissions.submit(submission(1, external_id="wire:42"), EDITOR)

    # WHEN the sender resends the same content
    again = newsroom.submissions.submit(submission(1, external_id="wire:42"), EDITOR)

    # THEN it is a 200 with the existing article, and nothing new is written
    assert (again.status_code, again.body.id, again.body.revision) == (200, first.body.id, 1)
    assert heads(newsroom) == [f"ARTICLE#{first.body.id}"]
    assert newsroom.table.calls.count("create") == 1


def test_the_same_external_id_with_other_content_is_a_409_naming_put(newsroom: Newsroom) -> None:
    first = newsroom.submissions.submit(submission(1, external_id="wire:42"), EDITOR)

    with pytest.raises(Conflict) as refused:
        newsroom.submissions.submit(submission(2, external_id="wire:42"), EDITOR)

    assert refused.value.status == 409 and refused.value.errors[0].field == "external_id"
    assert f"PUT /articles/{first.body.id}" in refused.value.detail
    assert len(heads(newsroom)) == 1


def test_a_concurrent_twin_with_the_same_external_id_gets_the_existing_article(newsroom: Newsroom) -> None:
    twin: list[str] = []
    newsroom.table.before_create = lambda: twin.append(
        newsroom.submissions.submit(submission(1, external_id="wire:42"), EDITOR).body.id
    )

    ours = newsroom.submissions.submit(submission(1, external_id="wire:42"), EDITOR)

    assert (ours.status_code, ours.body.id) == (200, twin[0])
    assert heads(newsroom) == [f"ARTICLE#{twin[0]}"]


# ------------------------------------------------------------------------------------------------- PUT
def test_a_put_without_if_match_is_a_428_and_changes_nothing(newsroom: Newsroom) -> None:
    published = newsroom.publish(submission(1))
    before = newsroom.head(published)

    with pytest.raises(PreconditionRequired) as refused:
        newsroom.submissions.update(published, submission(1, headline="New headline"), EDITOR, None)

    assert refused.value.status == 428 and refused.value.errors[0].field == "if-match"
    assert newsroom.head(published) == before


def test_a_stale_if_match_is_a_412_naming_the_current_revision(newsroom: Newsroom) -> None:
    # GIVEN an article at revision 2
    published = newsroom.publish(submission(1))
    newsroom.update(published, submission(1, headline="Second version"))

    # WHEN a client sends a change based on revision 1
    with pytest.raises(PreconditionFailed) as refused:
        newsroom.update(published, submission(1, headline="Third version"), if_match=1)

    # THEN it is refused naming revision 2, and nothing changes
    assert refused.value.status == 412 and refused.value.current_revision == 2
    assert '"2"' in refused.value.detail
    assert newsroom.head(published).revision == 2
    assert newsroom.table.get_revision(published, 3) is None


def test_a_put_on_an_unknown_article_is_a_404(newsroom: Newsroom) -> None:
    with pytest.raises(NotFound):
        newsroom.submissions.update(article_id(9), submission(1), EDITOR, 1)
    with pytest.raises(NotFound):
        newsroom.submissions.update("not-an-id", submission(1), EDITOR, 1)


def test_a_put_of_identical_content_answers_200_without_a_new_revision(newsroom: Newsroom) -> None:
    published = newsroom.publish(submission(1))
    before = newsroom.head(published)

    accepted = newsroom.update(published, submission(1))

    assert (accepted.status_code, accepted.body.revision) == (200, 1)
    assert newsroom.head(published) == before
    assert newsroom.table.get_revision(published, 2) is None


def test_an_accepted_put_adds_a_revision_and_keeps_the_earlier_one(newsroom: Newsroom) -> None:
    # GIVEN a published article
    published = newsroom.publish(submission(1))
    newsroom.clock.advance(minutes=10)

    # WHEN an editor sends a corrected version
    note = {"kind": "correction", "text": "An earlier version gave the wrong year."}
    accepted = newsroom.update(published, submission(1, headline="Council approves harbour plan", correction=note))

    # THEN revision 2 is accepted and waits for enrichment; the article stays published meanwhile
    assert (accepted.status_code, accepted.body.revision, accepted.body.status) == (202, 2, "published")
    head = newsroom.head(published)
    assert (head.revision, head.processed_revision, head.live_revision) == (2, 1, 1)
    assert head.status is ArticleStatus.PUBLISHED and head.headline == "Council approves harbour plan"
    assert head.pending_at == newsroom.clock.now + RECONCILE_GRACE
    # AND both revisions and both documents are kept: revision 1's record became an item, and the head
    # holds revision 2's, with its note
    assert newsroom.table.get_revision(published, 1) is not None
    assert newsroom.table.get_revision(published, 2) is None
    first, second = newsroom.reader.revisions(published)
    assert (first.revision, second.revision) == (1, 2)
    assert first.correction is None and second.correction is not None
    assert (second.correction.kind, second.correction.text) == ("correction", note["text"])
    assert newsroom.document(published, 1).submission.headline != newsroom.document(published, 2).submission.headline


def test_two_puts_on_one_revision_exactly_one_wins(newsroom: Newsroom) -> None:
    # GIVEN two editors who both read revision 1; the other one commits while ours is on its way
    published = newsroom.publish(submission(1))
    theirs = submission(1, headline="Their version")
    newsroom.table.before_save = concurrently(lambda: newsroom.update(published, theirs, if_match=1))

    # WHEN ours commits after theirs THEN ours is a 412 naming their revision
    with pytest.raises(PreconditionFailed) as refused:
        newsroom.update(published, submission(1, headline="Our version"), if_match=1)
    assert refused.value.current_revision == 2

    # AND exactly one revision 2 exists: theirs
    assert [r.revision for r in newsroom.reader.revisions(published)] == [1, 2]
    assert newsroom.head(published).headline == "Their version"
    assert newsroom.document(published, 2).submission.headline == "Their version"


def test_a_future_publish_at_on_a_published_article_is_a_422(newsroom: Newsroom) -> None:
    published = newsroom.publish(submission(1))

    with pytest.raises(InvalidInput) as refused:
        newsroom.update(published, submission(1, publish_at=(NOW + timedelta(hours=1)).isoformat()), editor=PUBLISHER)

    assert refused.value.errors[0].field == "publish_at"
    assert newsroom.head(published).revision == 1


def test_the_external_id_cannot_change(newsroom: Newsroom) -> None:
    created = newsroom.publish(submission(1, external_id="wire:1"))

    with pytest.raises(Conflict) as refused:
        newsroom.update(created, submission(1, external_id="wire:2", headline="Other"))

    assert refused.value.errors[0].field == "external_id"
    assert newsroom.head(created).revision == 1


def test_moving_an_embargo_needs_the_right_to_schedule_but_keeping_it_does_not(newsroom: Newsroom) -> None:
    # GIVEN a scheduled article
    planned = (NOW + timedelta(hours=2)).isoformat()
    scheduled = newsroom.publish(submission(1, publish_at=planned))
    assert newsroom.head(scheduled).status is ArticleStatus.SCHEDULED

    # WHEN an editor moves its time THEN it is forbidden
    with pytest.raises(Forbidden):
        newsroom.update(scheduled, submission(1, publish_at=(NOW + timedelta(hours=3)).isoformat()))

    # WHEN an editor fixes a typo keeping the time THEN it is accepted
    accepted = newsroom.update(scheduled, submission(1, publish_at=planned, headline="Typo fixed"))
    assert accepted.status_code == 202


def test_lifting_or_advancing_an_embargo_needs_the_right_to_schedule(newsroom: Newsroom) -> None:
    # GIVEN an article embargoed until 16:00 by a publisher
    scheduled = newsroom.publish(submission(1, publish_at=(NOW + timedelta(hours=2)).isoformat()), editor=PUBLISHER)

    # WHEN an editor sends it without publish_at, or with an earlier time
    # THEN it is forbidden: that would publish it before its time
    for earlier in (None, (NOW - timedelta(minutes=1)).isoformat(), (NOW + timedelta(hours=1)).isoformat()):
        with pytest.raises(Forbidden):
            newsroom.update(scheduled, submission(1, publish_at=earlier, headline="Early"))
    assert newsroom.head(scheduled).revision == 1

    # WHEN a publisher does it THEN it is accepted
    assert newsroom.update(scheduled, submission(1, headline="Now"), editor=PUBLISHER).status_code == 202
