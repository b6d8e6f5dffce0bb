"""Helpers every renderer shares: text cleaning, dates, URLs, identifiers and item order."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import quote, urlsplit

from shared.models.article import ArticleCard, LeadImage

# Characters XML 1.0 forbids (C0 controls except tab/LF/CR, lone surrogates, U+FFFE/U+FFFF), plus the
# C1 controls and DEL, which XML allows but which are never meaningful in news text. JSON could carry
# them, but every format strips the same set so that one article reads the same everywhere.
_UNSAFE_CHARS = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# A tag URI (RFC 4151) needs a date on which the authority owned its domain name. Fixing it keeps every
# identifier stable for ever, which is the only property readers rely on.
TAG_URI_DATE = "2025"

# Image media types by file extension. A fixed table, not ``mimetypes``: that module reads the host's
# /etc/mime.types, so its answer (and our output bytes) could differ between machines.
_IMAGE_TYPES = {
    "avif": "image/avif",
    "gif": "image/gif",
    "jpeg": "image/jpeg",
    "jpg": "image/jpeg",
    "png": "image/png",
    "svg": "image/svg+xml",
    "webp": "image/webp",
}


def clean_text(value: str) -> str:
    """Text safe for any output syntax: unsafe characters dropped, line ends normalised to LF."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _UNSAFE_CHARS.sub("", value)


def optional_text(value: str | None) -> str | None:
    """``clean_text`` that maps None, empty and whitespace-only values to None (the field is omitted)."""
    if value is None:
        return None
    cleaned = clean_text(value).strip()
    return cleaned or None


def unique_texts(values: Iterable[str]) -> list[str]:
    """Cleaned, non-empty values without case-insensitive duplicates, first spelling and order kept."""
    seen: dict[str, str] = {}
    for value in values:
        cleaned = optional_text(value)
        if cleaned is not None:
            seen.setdefault(cleaned.casefold(), cleaned)
    return list(seen.values())


def safe_url(value: str | None) -> str | None:
    """The URL if it is an absolute http(s) URL, else None.

    Defence in depth: a ``javascript:`` or ``data:`` link must never reach a reader's screen even if
    a record slipped past input validation.
    """
    if not value:
        return None
    value = clean_text(value).strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if any(ch.isspace() or ch in '<>"' for ch in value):
        return None
    return value


def utc(value: datetime) -> datetime:
    """The instant in UTC, whole seconds. A naive datetime is taken to be UTC already."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0)


def rfc3339(value: datetime) -> str:
    """RFC 3339 / W3C datetime in UTC with a ``Z``: one spelling for JSON Feed, Atom, ninjs, sitemaps."""
    return utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc822(value: datetime) -> str:
    """RFC 822 date (with a four-digit year, as RFC 1123) for RSS; English names whatever the locale."""
    return format_datetime(utc(value), usegmt=True)


def iso_duration_minutes(minutes: int) -> str:
    """ISO 8601 duration of whole minutes, e.g. ``PT2M`` (schema.org ``timeRequired``)."""
    return f"PT{max(minutes, 0)}M"


def host_of(url: str) -> str:
    """Lower-case host of a URL, the authority of the tag URIs we mint."""
    host = urlsplit(url).hostname
    if not host:
        raise ValueError(f"not an absolute URL with a host: {url!r}")
    return host.lower()


def tag_uri(site_url: str, specific: str) -> str:
    """A permanent ``tag:`` URI (RFC 4151) owned by the site's host, e.g. ``tag:news.example.org,2025:x``."""
    return f"tag:{host_of(site_url)},{TAG_URI_DATE}:{quote(clean_text(specific), safe='/:-._~')}"


def article_uri(article_id: str, site_url: str) -> str:
    """The permanent identifier of an article: Atom ``id``, tombstone ``ref`` and ninjs ``uri`` agree."""
    return tag_uri(site_url, f"article:{article_id}")


def feed_uri(feed_name: str, site_url: str) -> str:
    """The permanent identifier of a feed, independent of where its files are served from."""
    return tag_uri(site_url, f"feed:{feed_name}")


def image_media_type(url: str) -> str | None:
    """Media type guessed from the image URL's extension, or None when unknown."""
    path = urlsplit(url).path
    _, dot, extension = path.rpartition(".")
    return _IMAGE_TYPES.get(extension.lower()) if dot else None


def feed_order(cards: Sequence[ArticleCard]) -> list[ArticleCard]:
    """Cards newest first, one per article id (the highest revision wins).

    Feed order carries meaning, but ties and duplicates from merged queries must not change the bytes:
    the order is fully determined by (published_at, id), never by the order the store returned.
    """
    latest: dict[str, ArticleCard] = {}
    for card in cards:
        kept = latest.get(card.id)
        if kept is None or (card.revision, utc(card.updated_at)) > (kept.revision, utc(kept.updated_at)):
            latest[card.id] = card
    return sorted(latest.values(), key=lambda c: (utc(c.published_at), c.id), reverse=True)


def image_credit_line(image: LeadImage) -> str | None:
    """The credit as it must be shown, e.g. ``Sefa Karacan/Anadolu via Getty Images``."""
    credit = optional_text(image.credit)
    if credit:
        return credit
    parts = [optional_text(p) for p in (image.photographer, image.agency)]
    line = "/".join(p for p in parts if p)
    distributor = optional_text(image.distributor)
    if distributor:
        line = f"{line} via {distributor}" if line else distributor
    return line or None


def json_bytes(document: object) -> bytes:
    """Compact UTF-8 JSON with non-ASCII kept as is (Cyrillic stays readable and small)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def drop_empty(document: dict[str, object]) -> dict[str, object]:
    """The mapping without None values, empty strings and empty lists or dicts (omitted, not null)."""
    return {key: value for key, value in document.items() if value not in (None, "", [], {})}
