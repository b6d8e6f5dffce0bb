"""Reusable annotated types with their validation rules."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BeforeValidator, Field

_TAG_RE = re.compile(r"<[A-Za-z/!?][^>]*>")
_LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_SECTION_RE = r"^[a-z0-9][a-z0-9-]{0,39}$"
_EXTERNAL_ID_RE = r"^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,199}$"


def utcnow() -> datetime:
    """The one clock of the domain: timezone-aware UTC, never naive."""
    return datetime.now(UTC)


def _clean_text(value: object) -> object:
    """Normalise plain text: NFC, no control characters, collapsed whitespace."""
    if not isinstance(value, str):
        return value
    value = unicodedata.normalize("NFC", value)
    value = "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return " ".join(value.split())


def _no_markup(value: str) -> str:
    if _TAG_RE.search(value):
        raise ValueError("must be plain text, not HTML")
    return value


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https"):
        raise ValueError("must be an absolute http or https URL")
    if not parts.hostname or any(ch.isspace() for ch in value):
        raise ValueError("must be an absolute http or https URL with a host")
    return value


def _language(value: str) -> str:
    if not _LANGUAGE_RE.match(value):
        raise ValueError("must be a BCP 47 language tag such as 'en' or 'uk'")
    primary, *rest = value.split("-")
    return "-".join([primary.lower(), *(_subtag_case(p) for p in rest)])


def _subtag_case(subtag: str) -> str:
    """RFC 5646 conventions: regions upper case (GB), scripts title case (Hant), the rest lower."""
    if len(subtag) == 2 or (len(subtag) == 3 and subtag.isdigit()):
        return subtag.upper()
    if len(subtag) == 4 and subtag.isalpha():
        return subtag.title()
    return subtag.lower()


Headline = Annotated[str, Field(min_length=1, max_length=300), BeforeValidator(_clean_text), AfterValidator(_no_markup)]
Summary = Annotated[str, Field(min_length=1, max_length=1000), BeforeValidator(_clean_text), AfterValidator(_no_markup)]
PersonName = Annotated[
    str, Field(min_length=1, max_length=200), BeforeValidator(_clean_text), AfterValidator(_no_markup)
]
ShortText = Annotated[str, Field(max_length=300), BeforeValidator(_clean_text), AfterValidator(_no_markup)]
LongText = Annotated[str, Field(max_length=3000), BeforeValidator(_clean_text), AfterValidator(_no_markup)]
TagName = Annotated[str, Field(min_length=1, max_length=64), BeforeValidator(_clean_text), AfterValidator(_no_markup)]
HttpUrlStr = Annotated[str, Field(max_length=2048), AfterValidator(_http_url)]
LanguageTag = Annotated[str, Field(max_length=35), AfterValidator(_language)]
SectionName = Annotated[str, Field(pattern=_SECTION_RE, examples=["news"])]
ExternalId = Annotated[str, Field(pattern=_EXTERNAL_ID_RE)]


class ArticleKind(StrEnum):
    ARTICLE = "article"
    LIVE_BLOG = "live_blog"
    OPINION = "opinion"
    ANALYSIS = "analysis"


class ArticleStatus(StrEnum):
    """An article's public state. Only ``published`` is visible to anonymous readers."""

    RECEIVED = "received"  # accepted, not enriched yet (never published)
    SCHEDULED = "scheduled"  # enriched, waiting for its publish_at (embargo)
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"  # taken down; revisions kept, readers get 410
    REJECTED = "rejected"  # its only revisions failed checks; never published


class CorrectionKind(StrEnum):
    """How an update is labelled for readers (a silent edit has no correction at all)."""

    CORRECTION = "correction"
    CLARIFICATION = "clarification"
    UPDATE = "update"
