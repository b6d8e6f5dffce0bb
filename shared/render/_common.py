"""Helpers every renderer shares: text cleaning, dates, URLs, identifiers and item order."""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from email.utils import format_datetime
from functools import lru_cache
from urllib.parse import quote, urlsplit

from shared.enrichment.slug import slugify, transliterate
from shared.models.article import ArticleCard, Correction, LeadImage
from shared.models.common import inert_text, url_problem
from shared.models.site import SLUG_PLACEHOLDER, SiteIdentity

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


def plain_text(value: str) -> str:
    """A plain-text field as published: ``clean_text``, trimmed, and inert if rendered as HTML by mistake."""
    return inert_text(clean_text(value).strip())


def optional_text(value: str | None) -> str | None:
    """``plain_text`` that maps None, empty and whitespace-only values to None (the field is omitted)."""
    if value is None:
        return None
    return plain_text(value) or None


def unique_texts(values: Iterable[str]) -> list[str]:
    """Cleaned, non-empty values without case-insensitive duplicates, first spelling and order kept."""
    seen: dict[str, str] = {}
    for value in values:
        cleaned = optional_text(value)
        if cleaned is not None:
            seen.setdefault(cleaned.casefold(), cleaned)
    return list(seen.values())


def safe_url(value: str | None) -> str | None:
    """The URL if it is an absolute http(s) URL that input validation would accept, else None.

    Defence in depth: a ``javascript:`` or ``data:`` link, a quote that ends an attribute or a hidden
    userinfo must never reach a reader's screen even if a record slipped past input validation.
    """
    if not value:
        return None
    value = clean_text(value).strip()
    return value if url_problem(value) is None else None


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


# Labels of correction notes in the languages the newsroom publishes; anything else reads English.
_CORRECTION_LABELS = {
    "en": {"correction": "Correction", "clarification": "Clarification", "update": "Update"},
    "uk": {"correction": "Виправлення", "clarification": "Уточнення", "update": "Оновлення"},
}


def correction_label(correction: Correction, language: str | None) -> str:
    """The note's kind as readers see it, in the item's language (``Correction``, ``Виправлення``)."""
    primary = (language or "en").split("-", 1)[0].lower()
    return _CORRECTION_LABELS.get(primary, _CORRECTION_LABELS["en"])[correction.kind.value]


def corrections_in_order(corrections: Sequence[Correction]) -> list[Correction]:
    """Oldest first, one note per revision: the order readers follow, independent of storage order."""
    unique = {c.revision: c for c in corrections}
    return sorted(unique.values(), key=lambda c: (utc(c.published_at), c.revision))


def corrections_html(corrections: Sequence[Correction], language: str | None) -> str:
    """Each note as a paragraph: ``<p><strong>Correction</strong> (<time>…</time>): text</p>``, escaped."""
    parts = []
    for correction in corrections_in_order(corrections):
        text = optional_text(correction.text)
        if not text:
            continue
        when = rfc3339(correction.published_at)
        label = html.escape(correction_label(correction, language))
        parts.append(
            f'<p class="correction"><strong>{label}</strong> (<time datetime="{when}">{when[:10]}</time>): '
            f"{html.escape(text)}</p>"
        )
    return "".join(parts)


def corrections_text(corrections: Sequence[Correction], language: str | None) -> str:
    """The same notes as plain text, one paragraph each: ``Correction (2026-11-30): text``."""
    lines = []
    for correction in corrections_in_order(corrections):
        text = optional_text(correction.text)
        if text:
            when = rfc3339(correction.published_at)[:10]
            lines.append(f"{correction_label(correction, language)} ({when}): {text}")
    return "\n\n".join(lines)


def item_text(card: ArticleCard) -> str:
    """What a feed item says in plain text: the summary (the headline if there is none)."""
    return optional_text(card.summary) or plain_text(card.headline)


def item_html(card: ArticleCard) -> str:
    """The item's content as HTML: the summary as an escaped paragraph, then any correction notes.

    Built only from escaped plain text, so it can carry no markup of its own; the caption never goes
    here (readers would show it as the article's text).
    """
    return f"<p>{html.escape(item_text(card))}</p>{corrections_html(card.corrections, card.language)}"


def item_plain_text(card: ArticleCard) -> str:
    """``item_html`` as plain text (JSON Feed ``content_text``)."""
    notes = corrections_text(card.corrections, card.language)
    return f"{item_text(card)}\n\n{notes}" if notes else item_text(card)


def author_url(name: str, url: str | None, site: SiteIdentity | None) -> str | None:
    """The author's page: the submitted one, else the site's pattern with the name's slug, else None."""
    given = safe_url(url)
    if given or site is None or not site.author_url_pattern:
        return given
    return _author_page(clean_text(name), site.author_url_pattern)


@lru_cache(maxsize=2048)
def _author_page(name: str, pattern: str) -> str | None:
    # slugify never returns an empty slug (it falls back to a placeholder word): a name that has
    # nothing to romanize has no page rather than somebody else's.
    latin = unicodedata.normalize("NFKD", transliterate(name)).encode("ascii", "ignore").decode()
    if not any(ch.isalnum() for ch in latin):
        return None
    return safe_url(pattern.replace(SLUG_PLACEHOLDER, slugify(name)))


def image_size(image: LeadImage) -> dict[str, str | None]:
    """``width``/``height`` attributes (strings) when both are known and positive, else nothing."""
    if image.width and image.height and image.width > 0 and image.height > 0:
        return {"width": str(image.width), "height": str(image.height)}
    return {}


def same_host(url: str, other: str) -> bool:
    """Whether two absolute URLs name the same host (case-insensitive, default ports ignored)."""
    a, b = urlsplit(url), urlsplit(other)
    return (a.hostname or "").lower() == (b.hostname or "").lower() and _port(a.scheme, a.port) == _port(
        b.scheme, b.port
    )


def _port(scheme: str, port: int | None) -> int:
    return port if port is not None else {"http": 80, "https": 443}.get(scheme.lower(), 0)
