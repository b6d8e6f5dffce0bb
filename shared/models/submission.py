"""What editors and the CMS send: the body of ``POST /articles``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.models.common import (
    ArticleKind,
    CorrectionKind,
    ExternalId,
    Headline,
    HttpUrlStr,
    LanguageTag,
    LongText,
    PersonName,
    Rfc3339DateTime,
    SectionName,
    ShortText,
    Summary,
    TagName,
    utcnow,
)

MAX_BODY_HTML_CHARS = 200_000
# Archive imports may backdate; anything older is a typo (and would break the feed's time order).
EARLIEST_PUBLISH_AT = datetime(1900, 1, 1, tzinfo=UTC)
# An embargo is hours or days; a year ahead is the limit (further is a typo, and schedules must be kept).
MAX_EMBARGO = timedelta(days=366)


class AuthorIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: PersonName
    role: ShortText | None = None
    bio: LongText | None = None
    avatar_url: HttpUrlStr | None = None
    url: HttpUrlStr | None = Field(default=None, description="The author's page on the website.")


class LeadImageIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    url: HttpUrlStr
    caption: LongText | None = None
    credit: ShortText | None = Field(default=None, examples=["Sefa Karacan/Anadolu via Getty Images"])
    alt_text: ShortText | None = None
    width: Annotated[int, Field(ge=1, le=20_000)] | None = Field(default=None, description="Pixels.")
    height: Annotated[int, Field(ge=1, le=20_000)] | None = Field(default=None, description="Pixels.")


class CorrectionIn(BaseModel):
    """A note for readers that comes with an update (``PUT``); an update without one is a silent edit."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: CorrectionKind
    text: Annotated[LongText, Field(min_length=1)]


class ArticleSubmission(BaseModel):
    """An article as submitted. Unknown fields are rejected so that a typo never goes unnoticed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    headline: Headline
    body_html: Annotated[str, Field(min_length=1, max_length=MAX_BODY_HTML_CHARS)]
    summary: Summary | None = None
    authors: Annotated[list[AuthorIn], Field(min_length=1, max_length=20)]
    lead_image: LeadImageIn | None = None
    section: SectionName
    tags: Annotated[list[TagName], Field(max_length=20)] = []
    language: LanguageTag | None = Field(
        default=None, description="BCP 47 tag; detected from the text when omitted (falls back to 'en')."
    )
    kind: ArticleKind = ArticleKind.ARTICLE
    publish_at: Rfc3339DateTime | None = Field(
        default=None,
        description="When the article counts as published. A past value backdates it (archive imports: "
        "published now, dated and ordered by this time); a future one schedules it (embargo; publisher role).",
    )
    canonical_url: HttpUrlStr | None = None
    external_id: ExternalId | None = Field(
        default=None, description="The sender's own id; resending the same content with it is a no-op."
    )
    correction: CorrectionIn | None = Field(
        default=None, description="Only with PUT: a correction, clarification or update note published with it."
    )

    @field_validator("tags")
    @classmethod
    def _unique_tags(cls, tags: list[str]) -> list[str]:
        seen: dict[str, str] = {}
        for tag in tags:
            seen.setdefault(tag.casefold(), tag)
        return list(seen.values())

    @field_validator("publish_at")
    @classmethod
    def _publishable_time(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return value
        if value < EARLIEST_PUBLISH_AT:
            raise ValueError(f"must not be before {EARLIEST_PUBLISH_AT.date().isoformat()} (a mistyped year?)")
        if value > utcnow() + MAX_EMBARGO:
            raise ValueError(f"must not be more than {MAX_EMBARGO.days} days ahead (a mistyped year?)")
        return value
