"""ArticleReader against in-memory fakes: heads from the table, documents from the bucket."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.errors import NotFound
from shared.models.article import Article
from shared.models.common import ArticleKind, ArticleStatus
from shared.models.stored import SanitizedSubmission, StoredSubmission, content_hash, submission_key
from shared.models.submission import MAX_BODY_HTML_CHARS
from shared.service.articles import ArticleReader
from shared.service.submissions import SubmissionService


@pytest.fixture
def reader(table, buckets):
    return ArticleReader(table, buckets)


@pytest.fixture
def store_received(table, buckets, now):
    """Seed a received article exactly as SubmissionService leaves it: document + head."""

    def store(article_id: str, submission, **head_overrides):
        key = submission_key(article_id, 1)
        submission = SanitizedSubmission.model_validate(submission.model_dump())
        document = StoredSubmission(
            id=article_id,
            revision=1,
            submitted_at=now,
            correlation_id="req-1",
            content_hash=content_hash(submission),
            submission=submission,
        )
        buckets.put_json(key, document.model_dump(mode="json"))
        head = {
            "entity": "article",
            "id": article_id,
            "revision": 1,
            "status": "received",
            "submitted_at": now.isoformat(),
            "updated_at": now.isoformat(),
            "submission_key": key,
            "content_hash": document.content_hash,
        } | head_overrides
        table.create_article(head, {"entity": "revision", "id": article_id, "revision": 1}, None)

    return store


def test_an_unknown_id_is_not_found(reader, make_id):
    with pytest.raises(NotFound) as caught:
        reader.get(make_id(99))
    assert caught.value.status == 404
    assert make_id(99) in caught.value.detail


@pytest.mark.parametrize(
    "article_id", ["not-an-id", "../../etc/passwd", "01jz0000000000000000000001", "", "01JZ" + "0" * 23]
)
def test_a_malformed_id_is_not_found_without_a_lookup(reader, table, article_id):
    with pytest.raises(NotFound):
        reader.get(article_id)
    assert table.head_lookups == []


def test_a_received_article_is_built_from_its_submission(reader, store_received, make_submission, make_id, now):
    # GIVEN a received article whose lead image has a full credit line
    store_received(make_id(1), make_submission(tags=["Ukraine", "ukraine", "Defence"]))

    # WHEN it is read
    article = reader.get(make_id(1))

    # THEN it carries the submission, with the credit split into its parts
    assert article.id == make_id(1)
    assert article.status is ArticleStatus.RECEIVED
    assert article.revision == 1
    assert article.headline == "Ukraine and partners agree on air defence package"
    assert article.tags == ["Ukraine", "Defence"]
    assert article.kind is ArticleKind.ARTICLE
    assert article.language == "en"
    assert article.external_id == "cms:12345"
    assert [a.name for a in article.authors] == ["Olena Kovalenko"]
    assert article.authors[0].avatar_url == "https://img.example.org/authors/ok.jpg"
    image = article.lead_image
    assert image is not None
    assert image.credit == "Sefa Karacan/Anadolu via Getty Images"
    assert (image.photographer, image.agency, image.distributor) == (
        "Sefa Karacan",
        "Anadolu",
        "Getty Images",
    )
    assert article.submitted_at == now
    assert article.updated_at == now
    # not published yet: nothing derived
    assert (article.slug, article.url, article.published_at, article.word_count) == (None, None, None, None)


def test_a_received_article_without_language_defaults_to_english(reader, store_received, make_submission, make_id):
    store_received(make_id(1), make_submission(language=None))
    assert reader.get(make_id(1)).language == "en"


def test_an_unparseable_credit_is_kept_without_parts(reader, store_received, make_submission, make_id):
    image = {"url": "https://img.example.org/a.jpg", "credit": "Handout"}
    store_received(make_id(1), make_submission(lead_image=image))
    lead = reader.get(make_id(1)).lead_image
    assert lead is not None
    assert (lead.credit, lead.photographer, lead.agency, lead.distributor) == ("Handout", None, None, None)


def test_a_rejected_article_carries_its_reasons(reader, store_received, make_submission, make_id, now):
    later = (now + timedelta(minutes=2)).isoformat()
    store_received(
        make_id(1),
        make_submission(),
        status="rejected",
        rejection_reasons=["body_html has no readable text"],
        updated_at=later,
    )
    article = reader.get(make_id(1))
    assert article.status is ArticleStatus.REJECTED
    assert article.rejection_reasons == ["body_html has no readable text"]
    assert article.updated_at == now + timedelta(minutes=2)


def test_a_published_article_is_read_from_its_enriched_document(reader, table, buckets, make_id, now):
    # GIVEN a head that points at an enriched document
    published = Article(
        id=make_id(1),
        revision=2,
        status=ArticleStatus.PUBLISHED,
        headline="Published",
        body_html="<p>Text</p>",
        authors=[],
        section="news",
        language="uk",
        slug="published",
        url="https://news.example.org/news/published",
        word_count=1,
        submitted_at=now,
        published_at=now,
        updated_at=now,
    )
    buckets.put_json("articles/x/00000002.json", published.model_dump(mode="json"))
    head = {
        "id": make_id(1),
        "revision": 2,
        "status": "published",
        "document_key": "articles/x/00000002.json",
    }
    table.create_article(head, {"revision": 2}, None)

    # THEN that document is what is served
    assert reader.get(make_id(1)) == published


def test_a_body_at_the_size_limit_can_be_read_back_after_sanitizing(
    table, buckets, now, reader, make_submission, make_id
):
    # GIVEN a body at the input limit whose sanitized form is longer (each link gains a rel attribute)
    paragraph = '<p>See <a href="https://example.org/r">this</a>.</p>'
    body = paragraph * (MAX_BODY_HTML_CHARS // len(paragraph))
    assert len(body) <= MAX_BODY_HTML_CHARS
    service = SubmissionService(table, buckets, clock=lambda: now, new_id=lambda: make_id(1))
    service.submit(make_submission(body_html=body), correlation_id="req-1")

    # WHEN the accepted article is read
    article = reader.get(make_id(1))

    # THEN it is served with the sanitized body that was stored
    assert article.body_html.count('rel="noopener noreferrer"') == body.count("<a ")
