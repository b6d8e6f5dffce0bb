"""Response bodies of the HTTP API (request bodies are in shared.models.submission)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from shared.models.common import ArticleStatus


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
