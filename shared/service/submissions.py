"""Accepting revisions: a new article (POST) or a new revision of one (PUT). Events follow from the commit.

Both store the sanitized submission in S3 first and then commit (a new head, with its ``external_id``
claim if any; or the new head and the record of the revision it supersedes), so a crash in between
leaves an unreferenced object, never a head pointing at nothing. Exactly once:

* POST with ``Idempotency-Key``: the article's id is derived from the principal and the key, so the
  head's own ``attribute_not_exists`` is the claim. The same key and body replays the first answer,
  another body is a 422, and a concurrent twin loses the conditional write and replays.
* POST with ``external_id``: the same content returns the existing article; other content is a 409
  (corrections go through PUT).
* PUT: conditional on the revision the client read (``If-Match``); two PUTs on one revision, one wins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from shared.enrichment.text import html_to_text, word_count
from shared.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    RevisionConflict,
    UnprocessableRequest,
)
from shared.ids import is_article_id, keyed_article_id, new_article_id
from shared.models.api import AcceptedArticle, ArticleLinks
from shared.models.common import ArticleStatus, utcnow
from shared.models.stored import SanitizedSubmission, StoredSubmission, content_hash, submission_key
from shared.models.submission import ArticleSubmission
from shared.sanitize import sanitize_html
from shared.service.heads import COMMIT_ATTEMPTS, change, pending_at
from shared.store.items import ArticleHead, ChangeType, ExternalClaim, RevisionItem, revision_record
from shared.store.table import ClaimTaken


class SubmissionTable(Protocol):
    def get_head(self, article_id: str) -> ArticleHead | None: ...
    def get_external_claim(self, external_id: str) -> ExternalClaim | None: ...
    def get_revision(self, article_id: str, revision: int) -> RevisionItem | None: ...
    def create(self, head: ArticleHead, *, external: ExternalClaim | None = None) -> None: ...
    def accept_revision(self, head: ArticleHead, superseded: RevisionItem, expected_version: int) -> None: ...


class DocumentWriter(Protocol):
    def put_json(self, key: str, document: object) -> None: ...


class InProgress(DomainError):
    """A request for the same external_id is being processed (as the IETF idempotency draft's 409)."""

    def __init__(self, external_id: str) -> None:
        super().__init__(
            detail=f"a request with external_id {external_id!r} is still being processed; retry shortly",
            status=409,
            title="Conflict",
        )


@dataclass(frozen=True)
class Editor:
    """Who is writing: the principal recorded with each revision, and what their role allows."""

    principal: str
    may_schedule: bool
    correlation_id: str


@dataclass(frozen=True)
class Accepted:
    body: AcceptedArticle
    status_code: int  # 202 for a new revision, 200 when nothing new was accepted
    replayed: bool = False  # the first answer to this Idempotency-Key, returned again


class SubmissionService:
    def __init__(
        self,
        table: SubmissionTable,
        documents: DocumentWriter,
        website_url: str,
        clock: Callable[[], datetime] = utcnow,
        new_id: Callable[[], str] = new_article_id,
    ) -> None:
        self._table = table
        self._documents = documents
        self._website_url = website_url
        self._clock = clock
        self._new_id = new_id

    # ------------------------------------------------------------------------------------------ POST
    def submit(self, submission: ArticleSubmission, editor: Editor, idempotency_key: str | None = None) -> Accepted:
        if submission.correction is not None:
            raise InvalidInput("correction", "only applies to an update (PUT /articles/{id})")
        clean = self._sanitized(submission)
        now = self._clock()
        self._check_schedule(clean, editor, now)
        digest = content_hash(clean)
        keyed = idempotency_key is not None
        if idempotency_key is not None:
            article_id = keyed_article_id(editor.principal, idempotency_key)
            existing = self._table.get_head(article_id)
            if existing is not None:
                return self._replay(existing, digest)
        else:
            article_id = self._new_id()
        if clean.external_id is not None:
            same = self._same_external(clean.external_id, digest)
            if same is not None:
                return same
        stored, head = self._first_revision(article_id, clean, digest, editor, now)
        external = ExternalClaim(external_id=clean.external_id, article_id=article_id) if clean.external_id else None
        # The document goes first: the head that points at it commits after, and only the commit is
        # announced. A failed commit leaves an unreferenced object, never a dangling reference.
        self._documents.put_json(head.submission_key, stored.model_dump(mode="json"))
        try:
            self._table.create(head, external=external)
        except ClaimTaken as lost:
            return self._after_lost_create(lost, head, digest, keyed=keyed)
        return Accepted(_accepted_body(head), 202)

    def _after_lost_create(self, lost: ClaimTaken, head: ArticleHead, digest: str, *, keyed: bool) -> Accepted:
        """Someone committed first: a concurrent twin (answer as if we came second) or our own resend."""
        if lost.what == "external_id" and head.external_id is not None:
            existing = self._same_external(head.external_id, digest)
            if existing is None:
                raise InProgress(head.external_id)
            return existing
        current = self._table.get_head(head.id)
        if current is not None and current.change.write_id == head.change.write_id:
            return Accepted(_accepted_body(head), 202)  # our own write, resent after a lost reply
        if current is not None and keyed:
            return self._replay(current, digest)  # a twin with the same Idempotency-Key won
        raise RevisionConflict(f"article id {head.id} already exists")

    def _replay(self, head: ArticleHead, digest: str) -> Accepted:
        """The first answer to an Idempotency-Key, if this is the request it was given for (else 422)."""
        first = head if head.revision == 1 else self._table.get_revision(head.id, 1)
        if first is None or first.content_hash != digest:
            raise UnprocessableRequest(
                "this Idempotency-Key was used with a different request body; use a new key for a new request",
                "idempotency-key",
                "idempotency_key_reused",
            )
        body = AcceptedArticle(
            id=head.id, revision=1, status=ArticleStatus.RECEIVED, links=ArticleLinks(self=f"/articles/{head.id}")
        )
        return Accepted(body, 202, replayed=True)

    def _first_revision(
        self, article_id: str, clean: SanitizedSubmission, digest: str, editor: Editor, now: datetime
    ) -> tuple[StoredSubmission, ArticleHead]:
        stored, fields = _revision(article_id, 1, clean, digest, editor, now)
        head = ArticleHead(
            id=article_id,
            version=1,
            status=ArticleStatus.RECEIVED,
            submitted_at=now,
            external_id=clean.external_id,
            **fields,
        )
        return stored, head.model_copy(update={"pending_at": pending_at(head, now)})

    def _same_external(self, external_id: str, digest: str) -> Accepted | None:
        claim = self._table.get_external_claim(external_id)
        if claim is None:
            return None
        head = self._table.get_head(claim.article_id)
        if head is None:  # the claim commits with its head: this cannot be, but never answer wrongly
            raise InProgress(external_id)
        if head.content_hash != digest:
            raise Conflict(
                f"external_id {external_id!r} already belongs to article {head.id} with other content; "
                f"send changes with PUT /articles/{head.id} and If-Match",
                "external_id",
            )
        return Accepted(_accepted_body(head), 200)

    # ------------------------------------------------------------------------------------------- PUT
    def update(self, article_id: str, submission: ArticleSubmission, editor: Editor, if_match: int | None) -> Accepted:
        if if_match is None:
            raise PreconditionRequired("send If-Match with the ETag (revision) of the article you are changing")
        clean = self._sanitized(submission)
        digest = content_hash(clean)
        for _ in range(COMMIT_ATTEMPTS):
            head = self._head(article_id)
            if head.revision != if_match:
                raise PreconditionFailed(
                    f"revision {if_match} is not the current revision of {article_id}; the current one is "
                    f'{head.revision} (ETag "{head.revision}")',
                    head.revision,
                )
            now = self._clock()
            self._check_update(head, clean, editor, now)
            if digest == head.content_hash:
                return Accepted(_accepted_body(head), 200)  # nothing changed: no new revision
            new, stored = self._next_revision(head, clean, digest, editor, now)
            self._documents.put_json(new.submission_key, stored.model_dump(mode="json"))
            try:
                self._table.accept_revision(new, revision_record(head), expected_version=head.version)
            except RevisionConflict:
                current = self._table.get_head(article_id)
                if current is not None and current.change.write_id == new.change.write_id:
                    return Accepted(_accepted_body(new), 202)
                continue  # the head moved (enrichment, a takedown, a concurrent PUT): look again
            return Accepted(_accepted_body(new), 202)
        raise RevisionConflict(f"{article_id} kept changing; retry")

    def _next_revision(
        self, head: ArticleHead, clean: SanitizedSubmission, digest: str, editor: Editor, now: datetime
    ) -> tuple[ArticleHead, StoredSubmission]:
        stored, fields = _revision(head.id, head.revision + 1, clean, digest, editor, now)
        new = ArticleHead.model_validate({**head.model_dump(), "version": head.version + 1, **fields})
        return new.model_copy(update={"pending_at": pending_at(new, now, keep=head.pending_at)}), stored

    def _check_update(self, head: ArticleHead, clean: SanitizedSubmission, editor: Editor, now: datetime) -> None:
        if clean.external_id is not None and clean.external_id != head.external_id:
            raise Conflict("external_id is set when an article is created and cannot change", "external_id")
        future = clean.publish_at is not None and clean.publish_at > now
        if future and head.status in (ArticleStatus.PUBLISHED, ArticleStatus.UNPUBLISHED):
            raise InvalidInput("publish_at", "cannot be in the future: the article has already been published")
        if clean.publish_at != head.publish_at:  # keeping an existing schedule is not scheduling
            self._check_schedule(clean, editor, now)
            embargoed = head.publish_at is not None and head.publish_at > now
            if embargoed and not editor.may_schedule:  # lifting or advancing it publishes early
                raise Forbidden("changing the publication time of an embargoed article needs the publisher role")

    # ------------------------------------------------------------------------------------------ common
    def _head(self, article_id: str) -> ArticleHead:
        head = self._table.get_head(article_id) if is_article_id(article_id) else None
        if head is None:
            raise NotFound(f"article {article_id} does not exist")
        return head

    @staticmethod
    def _check_schedule(clean: SanitizedSubmission, editor: Editor, now: datetime) -> None:
        if clean.publish_at is not None and clean.publish_at > now and not editor.may_schedule:
            raise Forbidden("scheduling a publication (publish_at in the future) needs the publisher role")

    def _sanitized(self, submission: ArticleSubmission) -> SanitizedSubmission:
        body = sanitize_html(submission.body_html, self._website_url)
        if word_count(html_to_text(body)) == 0:
            raise InvalidInput("body_html", "has no readable text once unsafe markup is removed")
        return SanitizedSubmission.model_validate({**submission.model_dump(), "body_html": body})


def _revision(  # noqa: PLR0917 - the parts of one accepted revision
    article_id: str, number: int, clean: SanitizedSubmission, digest: str, editor: Editor, now: datetime
) -> tuple[StoredSubmission, dict[str, Any]]:
    """Revision ``number`` as stored in S3, and the head fields any accepted revision sets."""
    stored = StoredSubmission(
        id=article_id,
        revision=number,
        submitted_at=now,
        correlation_id=editor.correlation_id,
        submitted_by=editor.principal,
        content_hash=digest,
        submission=clean,
    )
    fields: dict[str, Any] = {
        "revision": number,
        "accepted_at": now,
        "updated_at": now,
        "submission_key": submission_key(article_id, number, digest),
        "content_hash": digest,
        "correlation_id": editor.correlation_id,
        "submitted_by": editor.principal,
        "correction_kind": clean.correction.kind if clean.correction else None,
        "correction_text": clean.correction.text if clean.correction else None,
        "headline": clean.headline,
        "section": clean.section,
        "kind": clean.kind,
        "publish_at": clean.publish_at,
        "change": change(ChangeType.SUBMITTED, number, now, editor.correlation_id, editor.principal),
    }
    return stored, fields


def _accepted_body(head: ArticleHead) -> AcceptedArticle:
    return AcceptedArticle(
        id=head.id, revision=head.revision, status=head.status, links=ArticleLinks(self=f"/articles/{head.id}")
    )
