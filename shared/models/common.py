"""Reusable annotated types with their validation rules."""

from __future__ import annotations

import html
import re
import unicodedata
from datetime import UTC, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field

# Where an HTML tokenizer would start a tag, end tag, comment or processing instruction: "<" followed
# by a letter, "/", "!" or "?". A "<" at the very end of a value counts too: a page that prints two
# fields side by side could join it with the next field ("<" + "script>").
_TAG_OPEN_RE = re.compile(r"<(?:[A-Za-z/!?]|$)")
# Entity decoding is repeated this many times at most: "&amp;lt;" is one level deeper than "&lt;".
_ENTITY_ROUNDS = 3
_LT_HINT = "a '<' must be followed by a space, a digit or '='"
# A "<" that an HTML tokenizer would take as the start of a tag, comment or processing instruction.
_TAG_START_RE = re.compile(r"<(?=[A-Za-z/!?])")
# U+2060 WORD JOINER: invisible, no line break, and not an ASCII letter, so "<\u2060script>" looks
# like "<script>" to a reader but is text to every HTML parser.
WORD_JOINER = "\u2060"
# RFC 3339 section 5.6 date-time: full date, "T", full time with seconds, optional fraction, offset.
_RFC3339_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$")
# Characters a URL never carries unencoded in our data: quotes, angle brackets, backslash (browsers
# read it as "/"), and the other characters RFC 3986 excludes. Unicode letters stay (IRIs: Cyrillic paths).
_URL_FORBIDDEN_ASCII_RE = re.compile(r"[\x00-\x20\x7f\"'<>\\^`{}|]")
_URL_BAD_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp", "Zs"})
_HOST_LABEL_RE = re.compile(r"^(?!-)[^\W_](?:[^\W_]|-)*(?<!-)$")
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


def markup_problem(value: str) -> str | None:
    """Why ``value`` is not plain text, or None when it is.

    Plain text may contain "<" and "&" ("profits < 5%", "Q&A", "<3"), but nothing an HTML parser would
    read as the start of markup: a "<" before a letter, "/", "!" or "?", or at the end of the value. The
    same holds after entity decoding ("&lt;script&gt;", "&#60;img", "&amp;lt;b&amp;gt;") and after NFKC
    folding (a fullwidth "＜" becomes "<" in any consumer that normalises compatibility characters).
    """
    seen = {value}
    candidates = [value, unicodedata.normalize("NFKC", value)]
    decoded = value
    for _ in range(_ENTITY_ROUNDS):
        decoded = html.unescape(decoded)
        if decoded in seen:
            break
        seen.add(decoded)
        candidates.append(decoded)
    for index, candidate in enumerate(candidates):
        match = _TAG_OPEN_RE.search(candidate)
        if match:
            shown = candidate[match.start() : match.start() + 8]
            how = "" if index == 0 else " once HTML entities are decoded" if index > 1 else " once normalised"
            return f"must be plain text: {shown!r} reads as HTML markup{how} ({_LT_HINT})"
    return None


def inert_text(value: str) -> str:
    """Plain text that reads the same but that no HTML parser can read as markup.

    Text derived from HTML (an excerpt of a body that shows "<script>" as text) or stored before
    input validation refused markup may hold a "<" before a letter, "/", "!" or "?". Every text field
    we publish goes through this, so even a consumer that wrongly renders a text field as HTML gets
    text: a word joiner (invisible) follows such a "<".
    """
    return _TAG_START_RE.sub("<" + WORD_JOINER, value) if "<" in value else value


def _no_markup(value: str) -> str:
    problem = markup_problem(value)
    if problem:
        raise ValueError(problem)
    return value


@lru_cache(maxsize=4096)
def url_problem(value: str) -> str | None:
    """Why ``value`` is not an absolute http(s) URL we publish, or None when it is.

    Refused: other schemes, no host, userinfo ("user@"), a port outside 1-65535, whitespace, control
    or invisible format characters (NUL, bidi overrides), quotes, angle brackets, backslashes and the
    other characters RFC 3986 never allows unencoded. Non-ASCII letters are allowed (IRIs).
    """
    bad = _URL_FORBIDDEN_ASCII_RE.search(value)
    if bad is None and not value.isascii():
        # IRIs (Cyrillic paths) are allowed, invisible and spacing characters are not.
        bad_char = next(
            (ch for ch in value if not ch.isascii() and unicodedata.category(ch) in _URL_BAD_CATEGORIES), None
        )
    else:
        bad_char = bad.group() if bad else None
    if bad_char is not None:
        return f"must not contain {bad_char!r} (percent-encode it)"
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return "must have a valid port (1-65535)"
    if parts.scheme not in ("http", "https"):
        return "must be an absolute http or https URL"
    if "@" in parts.netloc:
        return "must not contain user information ('user@')"
    host = parts.hostname
    if not host:
        return "must be an absolute http or https URL with a host"
    if port == 0:
        return "must have a valid port (1-65535)"
    literal_ip6 = parts.netloc.startswith("[")
    if not literal_ip6 and not all(_HOST_LABEL_RE.match(label) for label in host.rstrip(".").split(".")):
        return "must have a valid host name"
    return None


def _http_url(value: str) -> str:
    problem = url_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _rfc3339_string(value: object) -> object:
    """Accept a date-time only as an RFC 3339 string with an offset (not a number, not a bare date)."""
    if isinstance(value, datetime):
        return value  # built in code, not parsed from a request
    if not isinstance(value, str) or not _RFC3339_RE.match(value):
        raise ValueError("must be an RFC 3339 date-time string with a time zone, e.g. '2026-11-30T14:00:00Z'")
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
Rfc3339DateTime = Annotated[AwareDatetime, BeforeValidator(_rfc3339_string)]
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
