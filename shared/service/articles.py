"""Reading articles: the head from DynamoDB, the revision's document from S3.

Anonymous readers see only what is published (the live revision); a taken-down article is gone (410)
and anything else does not exist for them (404). The newsroom, with its credentials, reads every state
and every revision. "Read more" links are checked on read, so a related article taken down after this
one was enriched is never linked again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from shared.errors import Gone, NotFound
from shared.ids import is_article_id
from shared.models.api import RevisionCorrection, RevisionSummary
from shared.models.article import Article
from shared.models.common import ArticleStatus
from shared.models.stored import StoredSubmission
from shared.service.assembly import authors, lead_image
from shared.store.items import ArticleHead, RevisionItem, revision_record
from shared.store.table import FeedCandidate


class ReaderTable(Protocol):
    def get_head(self, article_id: str) -> ArticleHead | None: ...
    def get_revision(self, article_id: str, revision: int) -> RevisionItem | None: ...
    def list_revisions(self, article_id: str) -> list[RevisionItem]: ...
    def feed_candidates(self, article_ids: list[str]) -> dict[str, FeedCandidate]: ...


class DocumentReader(Protocol):
    def get_json(self, key: str) -> Any: ...


@dataclass(frozen=True)
class ArticleView:
    article: Article
    etag: str  # the revision, quoted (RFC 9110 entity tag)
    public: bool  # may be cached by shared caches


def etag(revision: int) -> str:
    return f'"{revision}"'


class ArticleReader:
    def __init__(self, table: ReaderTable, documents: DocumentReader) -> None:
        self._table = table
        self._documents = documents

    def get(self, article_id: str, *, editorial: bool, revision: int | None = None) -> ArticleView:
        head = self._table.get_head(article_id) if is_article_id(article_id) else None
        if head is None:
            raise NotFound(f"article {article_id} does not exist")
        if not editorial:
            if head.status is ArticleStatus.UNPUBLISHED:
                raise Gone(f"article {article_id} was taken down")
            if head.status is not ArticleStatus.PUBLISHED or head.live_revision is None:
                raise NotFound(f"article {article_id} does not exist")
            return ArticleView(self._live(head), etag(head.live_revision), public=True)
        if revision is not None:
            return ArticleView(self._revision(head, revision), etag(head.revision), public=False)
        return ArticleView(self._latest(head), etag(head.revision), public=False)

    def revisions(self, article_id: str) -> list[RevisionSummary]:
        head = self._table.get_head(article_id) if is_article_id(article_id) else None
        if head is None:
            raise NotFound(f"article {article_id} does not exist")
        return [
            RevisionSummary(
                revision=item.revision,
                accepted_at=item.accepted_at,
                submitted_by=item.submitted_by,
                content_hash=item.content_hash,
                status=revision_status(head, item.revision),
                correction=_correction(head, item),
            )
            for item in _records(head, self._table.list_revisions(article_id))
        ]

    # -------------------------------------------------------------------------------------- assembly
    def _live(self, head: ArticleHead) -> Article:
        assert head.live_submission_key is not None and head.live_revision is not None
        article = self._assemble(head, head.live_submission_key, head.live_revision)
        related = article.related
        if related:
            live = self._table.feed_candidates(related)
            related = [a for a in related if a in live and live[a].status is ArticleStatus.PUBLISHED]
        return article.model_copy(update={"related": related})

    def _latest(self, head: ArticleHead) -> Article:
        return self._assemble(head, head.submission_key, head.revision)

    def _revision(self, head: ArticleHead, revision: int) -> Article:
        item = revision_record(head) if revision == head.revision else self._table.get_revision(head.id, revision)
        if item is None:
            raise NotFound(f"article {head.id} has no revision {revision}")
        return self._assemble(head, item.submission_key, revision, revision_status(head, revision))

    def _assemble(self, head: ArticleHead, key: str, revision: int, revision_state: str | None = None) -> Article:
        stored = StoredSubmission.model_validate(self._documents.get_json(key))
        sub = stored.submission
        enrichment = head.enrichment if head.enrichment and head.enrichment.revision == revision else None
        card = head.card if head.card and head.card.revision == revision else None
        values: dict[str, Any] = {
            "id": head.id,
            "revision": revision,
            "status": head.status,
            "revision_status": revision_state,
            "headline": sub.headline,
            "body_html": sub.body_html,
            "summary": sub.summary,
            "authors": authors(sub),
            "lead_image": lead_image(sub),
            "section": sub.section,
            "tags": sub.tags,
            "language": sub.language or (enrichment.language if enrichment else "en"),
            "kind": sub.kind,
            "canonical_url": sub.canonical_url,
            "external_id": head.external_id,
            "url": head.url,
            "slug": head.slug,
            "submitted_at": stored.submitted_at,
            "published_at": head.published_at if head.live_revision is not None else None,
            "updated_at": card.updated_at if card else head.updated_at,
            "rejection_reasons": head.rejection_reasons if revision in head.rejected_revisions else [],
            "corrections": [c for c in head.corrections if c.revision <= revision],
            "live_revision": head.live_revision,
            "publish_at": sub.publish_at,
            "unpublished_at": head.takedown.at if head.takedown else None,
            "unpublish_reason": head.takedown.reason if head.takedown else None,
        }
        if enrichment is not None:
            values.update(
                summary=enrichment.summary,
                language=enrichment.language,
                word_count=enrichment.word_count,
                reading_time_minutes=enrichment.reading_time_minutes,
                entities=enrichment.entities,
                topics=enrichment.topics,
                quotes=enrichment.quotes,
                key_developments=enrichment.key_developments,
                dates=enrichment.dates,
                detected_language=enrichment.detected_language,
                warnings=enrichment.warnings,
                fingerprint=enrichment.fingerprint,
                duplicate_of=enrichment.duplicate_of,
                related=enrichment.related,
            )
        return Article.model_validate(values)


def _records(head: ArticleHead, superseded: list[RevisionItem]) -> list[RevisionItem]:
    """Every revision's record, oldest first: the superseded ones' items and the newest one's from the head."""
    records = {item.revision: item for item in superseded if item.revision < head.revision}
    records[head.revision] = revision_record(head)
    return [records[n] for n in sorted(records)]


def revision_status(head: ArticleHead, revision: int) -> str:
    """What became of one revision: pending, rejected, superseded, or the article's state if it is live."""
    if revision in head.rejected_revisions:
        return "rejected"
    if revision > head.processed_revision:
        return "pending"
    if revision == head.live_revision:
        return head.status.value
    return "superseded"


def _correction(head: ArticleHead, item: RevisionItem) -> RevisionCorrection | None:
    published = next((c for c in head.corrections if c.revision == item.revision), None)
    if published is not None:
        return RevisionCorrection(kind=published.kind, text=published.text, published_at=published.published_at)
    if item.correction_kind is not None and item.correction_text is not None:
        return RevisionCorrection(kind=item.correction_kind, text=item.correction_text)
    return None
