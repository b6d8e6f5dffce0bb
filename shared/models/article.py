"""The article as the pipeline stores and serves it (domain and output model)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, BeforeValidator, Field

from shared.models.common import ArticleKind, ArticleStatus, CorrectionKind


class Author(BaseModel):
    name: str
    role: str | None = None
    bio: str | None = None
    avatar_url: str | None = None
    url: str | None = Field(default=None, description="The author's page on the website.")


def _byline(value: object) -> object:
    return {"name": value} if isinstance(value, str) else value


class Byline(BaseModel):
    """An author as feeds carry it: name and, when known, the author's page."""

    name: str
    url: str | None = None


class Correction(BaseModel):
    """A dated note published with the article when an update corrects, clarifies or updates it."""

    kind: CorrectionKind
    text: str
    revision: Annotated[int, Field(ge=2, description="The revision that carried the note.")]
    published_at: AwareDatetime = Field(description="When the corrected revision went live.")


class LeadImage(BaseModel):
    url: str
    caption: str | None = None
    credit: str | None = None
    alt_text: str | None = None
    width: int | None = None
    height: int | None = None
    photographer: str | None = Field(default=None, description="Parsed from credit, e.g. 'Sefa Karacan'.")
    agency: str | None = Field(default=None, description="Parsed from credit, e.g. 'Anadolu'.")
    distributor: str | None = Field(default=None, description="Parsed from credit, e.g. 'Getty Images'.")


class Entity(BaseModel):
    name: str
    mentions: Annotated[int, Field(ge=1)]


class Entities(BaseModel):
    people: list[Entity] = []
    places: list[Entity] = []
    organizations: list[Entity] = []


class Topic(BaseModel):
    name: str
    derived: bool = Field(description="True when the pipeline derived it; editor tags are never derived.")
    code: str | None = Field(
        default=None, description="IPTC Media Topic QCode of a taxonomy topic, e.g. 'medtop:11000000' (politics)."
    )


class Quote(BaseModel):
    text: str
    speaker: str | None = None


class MentionedDate(BaseModel):
    text: str = Field(description="As written, e.g. 'July 3'.")
    value: str = Field(description="ISO 8601: a date (2025-07-03), a month (2021-08) or a year (2021).")


class Analysis(BaseModel):
    """What enrichment derives from the text itself (pure, offline, deterministic)."""

    entities: Entities = Entities()
    topics: list[Topic] = []
    quotes: list[Quote] = []
    key_developments: list[str] = []
    dates: list[MentionedDate] = []
    detected_language: str | None = None
    warnings: list[str] = []


class Article(BaseModel):
    """One revision of an article, with its enrichment. Stored as JSON in S3, served by the API."""

    id: str
    revision: Annotated[int, Field(ge=1)]
    status: ArticleStatus
    headline: str
    body_html: str
    summary: str | None = None
    authors: list[Author]
    lead_image: LeadImage | None = None
    section: str
    tags: list[str] = []
    language: str
    kind: ArticleKind = ArticleKind.ARTICLE
    canonical_url: str | None = None
    external_id: str | None = None
    url: str | None = Field(default=None, description="Public link: canonical_url, or the website's own.")
    slug: str | None = None
    word_count: int | None = None
    reading_time_minutes: int | None = None
    submitted_at: AwareDatetime
    published_at: AwareDatetime | None = None
    updated_at: AwareDatetime
    rejection_reasons: list[str] = []
    corrections: list[Correction] = Field(default=[], description="Oldest first.")
    # Editorial state (present for the CMS; anonymous readers only ever see published articles).
    live_revision: int | None = Field(default=None, description="The revision readers see or would see.")
    revision_status: str | None = Field(
        default=None, description="With ?revision=N: pending, rejected, superseded, or the article's state."
    )
    publish_at: AwareDatetime | None = Field(default=None, description="Requested publication time (embargo).")
    unpublished_at: AwareDatetime | None = None
    unpublish_reason: str | None = None
    # Enrichment (see shared.enrichment): present once the article is published.
    entities: Entities | None = None
    topics: list[Topic] = []
    quotes: list[Quote] = []
    key_developments: list[str] = []
    dates: list[MentionedDate] = []
    detected_language: str | None = None
    warnings: list[str] = []
    fingerprint: str | None = None
    duplicate_of: str | None = None
    related: list[str] = []


class ArticleCard(BaseModel):
    """The projection of an article that feeds carry (one feed-index item in DynamoDB)."""

    id: str
    revision: int
    headline: str
    slug: str
    summary: str | None = None
    url: str
    section: str
    tags: list[str] = []
    language: str
    kind: ArticleKind = ArticleKind.ARTICLE
    authors: list[Annotated[Byline, BeforeValidator(_byline)]] = []
    reading_time_minutes: int
    word_count: int
    published_at: datetime
    updated_at: datetime
    lead_image: LeadImage | None = None
    corrections: list[Correction] = Field(default=[], description="Oldest first; shown with the item in feeds.")
