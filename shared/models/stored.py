"""Storage models: the raw submission document in S3 and the projections kept in DynamoDB."""

from __future__ import annotations

import hashlib
import json

from pydantic import AwareDatetime, BaseModel

from shared.models.submission import ArticleSubmission


class SanitizedSubmission(ArticleSubmission):
    """A submission after sanitization. The body limit is the input's: sanitizing may lengthen a
    valid body (it adds rel attributes to links), and a stored body must always read back."""

    body_html: str


class StoredSubmission(BaseModel):
    """``submissions/{id}/{revision}-{hash}.json``: what was accepted, after sanitization."""

    id: str
    revision: int
    submitted_at: AwareDatetime
    correlation_id: str
    submitted_by: str | None = None
    content_hash: str
    submission: SanitizedSubmission


def content_hash(submission: SanitizedSubmission) -> str:
    """Stable hash of the sanitized content: equal submissions hash equally whatever key order."""
    canonical = json.dumps(submission.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def submission_key(article_id: str, revision: int, content_hash: str) -> str:
    """Content-addressed within the revision: two requests racing to create one article (the same
    Idempotency-Key, different bodies) write two objects, and only the committed head points at one."""
    return f"submissions/{article_id}/{revision:08d}-{content_hash[:16]}.json"


def document_key(article_id: str, revision: int, document: bytes) -> str:
    """Content-addressed: two deliveries racing to publish one revision write two objects, and the
    head points at the one whose transaction committed. A loser's object is never referenced."""
    return f"articles/{article_id}/{revision:08d}-{hashlib.sha256(document).hexdigest()[:16]}.json"
