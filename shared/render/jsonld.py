"""schema.org ``NewsArticle`` JSON-LD for an article page, and a script block that is safe to inline.

Follows Google's Article structured-data guidance: ``headline`` kept to 110 characters (the limit
Google long enforced and still advises), authors as ``Person`` objects, ISO 8601 dates and durations.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from shared.models.article import Article, Author, LeadImage
from shared.render._common import (
    clean_text,
    drop_empty,
    image_credit_line,
    iso_duration_minutes,
    optional_text,
    rfc3339,
    safe_url,
    unique_texts,
)

HEADLINE_MAX_CHARS = 110
ELLIPSIS = "…"

# Inside <script>, the HTML parser ends the block at "</script" and treats "<!--" specially, whatever
# the JSON means. Escaping these characters as JSON \\u escapes keeps the data identical and inert.
_SCRIPT_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def _headline(text: str) -> str:
    """At most 110 characters, cut at a word boundary when one is near, with an ellipsis."""
    text = clean_text(text).strip()
    if len(text) <= HEADLINE_MAX_CHARS:
        return text
    cut = text[: HEADLINE_MAX_CHARS - len(ELLIPSIS)]
    space = cut.rfind(" ")
    if space >= HEADLINE_MAX_CHARS // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + ELLIPSIS


def _person(author: Author) -> dict[str, Any]:
    return drop_empty(
        {
            "@type": "Person",
            "name": clean_text(author.name).strip(),
            "jobTitle": optional_text(author.role),
            "description": optional_text(author.bio),
            "image": safe_url(author.avatar_url),
        }
    )


def _image(image: LeadImage) -> dict[str, Any] | None:
    url = safe_url(image.url)
    if url is None:
        return None
    photographer = optional_text(image.photographer)
    return drop_empty(
        {
            "@type": "ImageObject",
            "url": url,
            "caption": optional_text(image.caption),
            "description": optional_text(image.alt_text),
            "creditText": image_credit_line(image),
            "creator": {"@type": "Person", "name": photographer} if photographer else None,
        }
    )


def to_news_article_jsonld(
    article: Article,
    publisher_name: str,
    publisher_url: str,
    *,
    publisher_logo_url: str | None = None,
) -> dict[str, Any]:
    """The ``NewsArticle`` object (a JSON-ready dict); pass it to ``jsonld_script`` to embed it."""
    url = safe_url(article.url)
    logo = safe_url(publisher_logo_url)
    publisher = drop_empty(
        {
            "@type": "Organization",
            "name": clean_text(publisher_name).strip(),
            "url": safe_url(publisher_url),
            "logo": {"@type": "ImageObject", "url": logo} if logo else None,
        }
    )
    image = _image(article.lead_image) if article.lead_image else None
    authors = [_person(a) for a in article.authors if optional_text(a.name)]
    reading = article.reading_time_minutes
    return drop_empty(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "mainEntityOfPage": {"@type": "WebPage", "@id": url} if url else None,
            "url": url,
            "headline": _headline(article.headline),
            "description": optional_text(article.summary),
            "image": [image] if image else [],
            "datePublished": rfc3339(article.published_at) if article.published_at else None,
            "dateModified": rfc3339(article.updated_at),
            "author": authors,
            "publisher": publisher,
            "articleSection": optional_text(article.section),
            "keywords": unique_texts(article.tags),
            "inLanguage": optional_text(article.language),
            "wordCount": article.word_count,
            "timeRequired": iso_duration_minutes(reading) if reading is not None else None,
        }
    )


def jsonld_script(obj: Mapping[str, Any]) -> str:
    """A ``<script type="application/ld+json">`` block that no string inside ``obj`` can break out of."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)
    return f'<script type="application/ld+json">{text}</script>'
