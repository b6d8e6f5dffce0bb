"""Reading one article: the head from DynamoDB, the document from S3."""

from __future__ import annotations

from typing import Any, Protocol

from shared.enrichment.credits import parse_credit
from shared.errors import NotFound
from shared.ids import is_article_id
from shared.models.article import Article, Author, LeadImage
from shared.models.common import ArticleStatus
from shared.models.stored import SanitizedSubmission, StoredSubmission


class HeadReader(Protocol):
    def get_head(self, article_id: str) -> dict[str, Any] | None: ...


class DocumentReader(Protocol):
    def get_json(self, key: str) -> Any: ...


def lead_image(submission: SanitizedSubmission) -> LeadImage | None:
    image = submission.lead_image
    if image is None:
        return None
    parts = parse_credit(image.credit)
    return LeadImage(
        url=image.url,
        caption=image.caption,
        credit=image.credit,
        alt_text=image.alt_text,
        photographer=parts.photographer,
        agency=parts.agency,
        distributor=parts.distributor,
    )


def authors(submission: SanitizedSubmission) -> list[Author]:
    return [Author(**a.model_dump()) for a in submission.authors]


class ArticleReader:
    def __init__(self, table: HeadReader, documents: DocumentReader) -> None:
        self._table = table
        self._documents = documents

    def get(self, article_id: str) -> Article:
        head = self._table.get_head(article_id) if is_article_id(article_id) else None
        if head is None:
            raise NotFound(f"article {article_id} does not exist")
        if head.get("document_key"):
            return Article.model_validate(self._documents.get_json(head["document_key"]))
        stored = StoredSubmission.model_validate(self._documents.get_json(head["submission_key"]))
        sub = stored.submission
        return Article(
            id=stored.id,
            revision=stored.revision,
            status=ArticleStatus(head["status"]),
            headline=sub.headline,
            body_html=sub.body_html,
            summary=sub.summary,
            authors=authors(sub),
            lead_image=lead_image(sub),
            section=sub.section,
            tags=sub.tags,
            language=sub.language or "en",
            kind=sub.kind,
            canonical_url=sub.canonical_url,
            external_id=sub.external_id,
            submitted_at=stored.submitted_at,
            updated_at=head["updated_at"],
            rejection_reasons=head.get("rejection_reasons", []),
        )
