"""SubmissionService against in-memory fakes of the table and the documents bucket."""

from __future__ import annotations

import pytest

from shared.errors import Conflict, InvalidInput
from shared.models.common import ArticleStatus
from shared.models.stored import StoredSubmission, content_hash
from shared.service.submissions import Accepted, SubmissionService


@pytest.fixture
def service(table, buckets, now, id_sequence):
    return SubmissionService(table, buckets, clock=lambda: now, new_id=lambda: next(id_sequence))


def stored_document(buckets, key: str) -> StoredSubmission:
    return StoredSubmission.model_validate(buckets.get_json(key))


def test_an_accepted_submission_stores_the_sanitized_body(service, table, buckets, make_submission, make_id):
    # GIVEN a body with a handler, a script and a javascript: link
    submission = make_submission(
        body_html='<p onclick="steal()">Hello <script>evil()</script>world, '
        '<a href="javascript:alert(1)">click</a>.</p>'
    )

    # WHEN it is submitted
    accepted = service.submit(submission, correlation_id="req-1", submitted_by="cms")

    # THEN a new received article exists and its document holds the sanitized body
    assert accepted == Accepted(make_id(1), 1, ArticleStatus.RECEIVED, created=True)
    head = table.get_head(make_id(1))
    assert head is not None
    document = stored_document(buckets, head["submission_key"])
    assert document.submission.body_html == '<p>Hello world, <a rel="noopener noreferrer">click</a>.</p>'
    assert document.submission.headline == submission.headline


def test_the_head_points_at_the_document_and_records_the_request(
    service, table, buckets, make_submission, make_id, now
):
    # WHEN a submission is accepted
    service.submit(make_submission(), correlation_id="req-1", submitted_by="cms")

    # THEN the head is a received revision 1 whose key, hash and ids match the stored document
    head = table.get_head(make_id(1))
    assert head is not None
    document = stored_document(buckets, head["submission_key"])
    assert head["status"] == "received"
    assert head["revision"] == 1
    assert head["content_hash"] == document.content_hash == content_hash(document.submission)
    assert head["correlation_id"] == document.correlation_id == "req-1"
    assert head["external_id"] == "cms:12345"
    assert head["submitted_at"] == now.isoformat()
    assert (document.id, document.revision, document.submitted_at) == (make_id(1), 1, now)
    assert document.submitted_by == "cms"

    # AND the first revision and the external-id claim are committed with it
    revision = table.get_revision(make_id(1), 1)
    assert revision is not None and revision["submission_key"] == head["submission_key"]
    assert table.get_external("cms:12345") == {
        "pk": "EXTERNAL#cms:12345",
        "sk": "EXTERNAL",
        "article_id": make_id(1),
    }


def test_the_document_is_written_before_the_head(service, journal, make_submission, make_id):
    service.submit(make_submission(), correlation_id="req-1")
    assert journal == [
        f"documents.put_json submissions/{make_id(1)}/00000001.json",
        f"table.create_article {make_id(1)}",
    ]


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert('only script')</script>",
        "<style>p { color: red }</style><iframe src='https://evil.example'>x</iframe>",
        "<p> </p><br><p>&nbsp;</p>",
        "<!-- nothing but a comment -->",
    ],
)
def test_a_body_with_no_readable_text_after_sanitizing_is_rejected_and_nothing_written(
    service, journal, make_submission, body
):
    with pytest.raises(InvalidInput) as caught:
        service.submit(make_submission(body_html=body), correlation_id="req-1")

    (problem,) = caught.value.errors
    assert problem.field == "body_html"
    assert journal == []


def test_resubmitting_the_same_content_with_the_same_external_id_returns_the_existing_article(
    service, journal, make_submission, make_id
):
    # GIVEN an article accepted with an external id
    first = service.submit(make_submission(), correlation_id="req-1")
    writes = list(journal)

    # WHEN the CMS sends it again (a retry)
    again = service.submit(make_submission(), correlation_id="req-2")

    # THEN it gets the same article back, not created, and nothing new is written
    assert again == Accepted(first.article_id, 1, ArticleStatus.RECEIVED, created=False)
    assert journal == writes


def test_content_that_differs_only_before_normalisation_counts_as_the_same(service, journal, make_submission):
    # GIVEN an accepted article
    first = service.submit(make_submission(), correlation_id="req-1")
    writes = list(journal)

    # WHEN it is resent with extra whitespace in the headline and a script that sanitizing removes
    resent = make_submission(
        headline="  Ukraine and partners   agree on air defence package ",
        body_html="<p>Ministers met in <b>Brussels</b> on Thursday.</p><script>x()</script>"
        "<p>They agreed to send more.</p>",
    )
    again = service.submit(resent, correlation_id="req-2")

    # THEN it is recognised as the same content
    assert (again.article_id, again.created) == (first.article_id, False)
    assert journal == writes


def test_the_same_external_id_with_other_content_is_a_conflict(service, journal, make_submission, make_id):
    # GIVEN an accepted article
    service.submit(make_submission(), correlation_id="req-1")
    writes = list(journal)

    # WHEN another submission reuses its external id with a different headline
    with pytest.raises(Conflict) as caught:
        service.submit(make_submission(headline="A correction"), correlation_id="req-2")

    # THEN the conflict names external_id and the existing article, and nothing is written
    (problem,) = caught.value.errors
    assert problem.field == "external_id"
    assert caught.value.status == 409
    assert make_id(1) in caught.value.detail
    assert journal == writes


def test_without_external_id_every_submission_is_a_new_article(service, table, make_submission, make_id):
    first = service.submit(make_submission(external_id=None), correlation_id="req-1")
    second = service.submit(make_submission(external_id=None), correlation_id="req-2")
    assert (first.article_id, second.article_id) == (make_id(1), make_id(2))
    assert first.created and second.created
    assert table.get_head(make_id(2)) is not None


def test_losing_the_race_for_an_external_id_with_the_same_content_returns_the_winner(
    table, buckets, now, make_submission, make_id
):
    # GIVEN two API instances receiving the same submission at once
    ours = SubmissionService(table, buckets, clock=lambda: now, new_id=lambda: make_id(1))
    theirs = SubmissionService(table, buckets, clock=lambda: now, new_id=lambda: make_id(2))
    # ... the other one commits after we checked the external id but before our commit
    table.before_create = lambda: theirs.submit(make_submission(), correlation_id="req-theirs")

    # WHEN ours commits
    accepted = ours.submit(make_submission(), correlation_id="req-ours")

    # THEN ours answers with their article, as if it had come second
    assert accepted == Accepted(make_id(2), 1, ArticleStatus.RECEIVED, created=False)
    assert table.get_head(make_id(1)) is None


def test_losing_the_race_for_an_external_id_with_other_content_is_a_conflict(
    table, buckets, now, make_submission, make_id
):
    ours = SubmissionService(table, buckets, clock=lambda: now, new_id=lambda: make_id(1))
    theirs = SubmissionService(table, buckets, clock=lambda: now, new_id=lambda: make_id(2))
    table.before_create = lambda: theirs.submit(make_submission(headline="Theirs"), correlation_id="req-2")

    with pytest.raises(Conflict) as caught:
        ours.submit(make_submission(), correlation_id="req-1")

    assert caught.value.errors[0].field == "external_id"
    assert table.get_head(make_id(1)) is None
