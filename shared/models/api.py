"""Response bodies of the HTTP API (request bodies are in shared.models.submission)."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field

from shared.models.common import ArticleStatus, CorrectionKind


class ArticleLinks(BaseModel):
    self: str = Field(description="Where to read the article (GET).")


class AcceptedArticle(BaseModel):
    id: str
    revision: int
    status: ArticleStatus
    links: ArticleLinks


class ProblemField(BaseModel):
    field: str = Field(description="Dotted path of the offending field, e.g. 'lead_image.url'.")
    message: str
    type: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[ProblemField] = []


class Health(BaseModel):
    status: str = "ok"
    version: str


class RevisionCorrection(BaseModel):
    kind: CorrectionKind
    text: str
    published_at: AwareDatetime | None = Field(default=None, description="When it went live; null if it never did.")


class RevisionSummary(BaseModel):
    revision: int
    accepted_at: AwareDatetime
    submitted_by: str | None = Field(description="Who sent it (the token's user, or the API key's id).")
    content_hash: str = Field(description="SHA-256 of the sanitized submission.")
    status: Literal["pending", "rejected", "superseded", "received", "scheduled", "published", "unpublished"] = Field(
        description="What became of this revision: the article's state if it is the live one."
    )
    correction: RevisionCorrection | None = None


class RevisionList(BaseModel):
    items: list[RevisionSummary]


class TakedownRequest(BaseModel):
    """The body of ``DELETE /articles/{id}``."""

    model_config = {"extra": "forbid", "str_strip_whitespace": True}

    reason: str = Field(min_length=1, max_length=1000, description="Why it comes down (kept for the legal record).")


class PublishRequest(BaseModel):
    """The body of ``POST /articles/{id}/publish``: empty for now."""

    model_config = {"extra": "forbid"}
