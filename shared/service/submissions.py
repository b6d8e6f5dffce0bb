"""Accepting an article: sanitize, store the document, commit the head. Events follow from the commit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from shared.enrichment.text import html_to_text, word_count
from shared.errors import Conflict, InvalidInput, RevisionConflict
from shared.ids import new_article_id
from shared.models.common import ArticleStatus, utcnow
from shared.models.stored import SanitizedSubmission, StoredSubmission, content_hash, submission_key
from shared.models.submission import ArticleSubmission
from shared.sanitize import sanitize_html


class SubmissionTable(Protocol):
    def create_article(self, head: dict[str, Any], revision: dict[str, Any], external_id: str | None) -> None: ...
    def get_external(self, external_id: str) -> dict[str, Any] | None: ...
    def get_head(self, article_id: str) -> dict[str, Any] | None: ...


class DocumentWriter(Protocol):
    def put_json(self, key: str, document: Any) -> None: ...


@dataclass(frozen=True)
class Accepted:
    article_id: str
    revision: int
    status: ArticleStatus
    created: bool  # False when an identical resubmission returned the existing article


class SubmissionService:
    def __init__(
        self,
        table: SubmissionTable,
        documents: DocumentWriter,
        website_url: str | None = None,
        clock: Callable[[], datetime] = utcnow,
        new_id: Callable[[], str] = new_article_id,
    ) -> None:
        self._table = table
        self._documents = documents
        self._website_url = website_url
        self._clock = clock
        self._new_id = new_id

    def submit(
        self, submission: ArticleSubmission, *, correlation_id: str, submitted_by: str | None = None
    ) -> Accepted:
        clean = self._sanitized(submission)
        digest = content_hash(clean)
        if clean.external_id is not None:
            existing = self._existing(clean.external_id, digest)
            if existing is not None:
                return existing
        article_id = self._new_id()
        now = self._clock()
        stored = StoredSubmission(
            id=article_id,
            revision=1,
            submitted_at=now,
            correlation_id=correlation_id,
            submitted_by=submitted_by,
            content_hash=digest,
            submission=clean,
        )
        key = submission_key(article_id, 1)
        # The document goes first: the head that points at it commits after, and only the commit
        # is announced. A failed commit leaves an unreferenced object, never a dangling reference.
        self._documents.put_json(key, stored.model_dump(mode="json"))
        head = {
            "entity": "article",
            "id": article_id,
            "revision": 1,
            "status": ArticleStatus.RECEIVED.value,
            "submitted_at": now.isoformat(),
            "updated_at": now.isoformat(),
            "submission_key": key,
            "content_hash": digest,
            "correlation_id": correlation_id,
            "external_id": clean.external_id,
            "headline": clean.headline,
            "section": clean.section,
        }
        revision = {
            "entity": "revision",
            "id": article_id,
            "revision": 1,
            "submitted_at": now.isoformat(),
            "submitted_by": submitted_by,
            "content_hash": digest,
            "submission_key": key,
        }
        try:
            self._table.create_article(head, revision, clean.external_id)
        except RevisionConflict:
            if clean.external_id is None:
                raise
            # Lost a race for the external id: answer as if we had come second.
            existing = self._existing(clean.external_id, digest)
            if existing is None:
                raise
            return existing
        return Accepted(article_id, 1, ArticleStatus.RECEIVED, created=True)

    def _sanitized(self, submission: ArticleSubmission) -> SanitizedSubmission:
        body = sanitize_html(submission.body_html, self._website_url)
        if word_count(html_to_text(body)) == 0:
            raise InvalidInput("body_html", "has no readable text once unsafe markup is removed")
        return SanitizedSubmission.model_validate({**submission.model_dump(), "body_html": body})

    def _existing(self, external_id: str, digest: str) -> Accepted | None:
        claim = self._table.get_external(external_id)
        if claim is None:
            return None
        head = self._table.get_head(claim["article_id"])
        if head is None:  # claim without head cannot be committed by create_article
            raise Conflict(f"external_id {external_id!r} is being processed", "external_id")
        if head["content_hash"] != digest:
            raise Conflict(
                f"external_id {external_id!r} already belongs to article {head['id']} with other content; "
                "corrections are not supported through POST",
                "external_id",
            )
        return Accepted(head["id"], head["revision"], ArticleStatus(head["status"]), created=False)
