"""schema.org ``NewsArticle`` / ``LiveBlogPosting`` JSON-LD for an article page, served safe to inline.

Follows Google's Article structured-data guidance: ``headline`` kept to 110 characters (the limit
Google long enforced and still advises), ``image`` always present (the lead image, else the site's
default image), authors as ``Person`` objects with the author's page as ``url``, the publisher as an
``Organization`` with its ``logo``, ISO 8601 dates and durations. A live blog is a
``LiveBlogPosting`` whose key developments are its ``liveBlogUpdate`` entries. Correction notes are
``correction`` entries (``CorrectionComment``).

What the API serves is ``render_jsonld``: the JSON with ``<``, ``>``, ``&``, U+2028 and U+2029 written
as ``\\u`` escapes, so the bytes can be pasted inside ``<script type="application/ld+json">`` as they
are (no string in the data can end the block or open a comment) and still parse to the same data.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from shared.models.article import Article, Author, Correction, LeadImage
from shared.models.common import ArticleKind
from shared.models.site import SiteIdentity
from shared.render._common import (
    author_url,
    corrections_in_order,
    drop_empty,
    image_credit_line,
    iso_duration_minutes,
    optional_text,
    plain_text,
    rfc3339,
    safe_url,
    unique_texts,
)

MEDIA_TYPE = "application/ld+json"
HEADLINE_MAX_CHARS = 110
ELLIPSIS = "…"

# Inside <script>, the HTML parser ends the block at "</script" and treats "<!--" specially, whatever
# the JSON means. Escaping these characters as JSON \\u escapes keeps the data identical and inert.
# U+2028/U+2029 are escaped too: older JavaScript engines end a string literal at them.
_SCRIPT_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def _headline(text: str) -> str:
    """At most 110 characters, cut at a word boundary when one is near, with an ellipsis."""
    text = plain_text(text)
    if len(text) <= HEADLINE_MAX_CHARS:
        return text
    cut = text[: HEADLINE_MAX_CHARS - len(ELLIPSIS)]
    space = cut.rfind(" ")
    if space >= HEADLINE_MAX_CHARS // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + ELLIPSIS


def _person(author: Author, site: SiteIdentity) -> dict[str, Any]:
    name = plain_text(author.name)
    return drop_empty(
        {
            "@type": "Person",
            "name": name,
            "url": author_url(name, author.url, site),
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
            "width": image.width,
            "height": image.height,
            "caption": optional_text(image.caption),
            "description": optional_text(image.alt_text),
            "creditText": image_credit_line(image),
            "creator": {"@type": "Person", "name": photographer} if photographer else None,
        }
    )


def _images(article: Article, site: SiteIdentity) -> list[Any]:
    lead = _image(article.lead_image) if article.lead_image else None
    if lead:
        return [lead]
    default = safe_url(site.default_image_url)
    return [{"@type": "ImageObject", "url": default}] if default else []


def _publisher(site: SiteIdentity) -> dict[str, Any]:
    logo = safe_url(site.publisher_logo_url)
    return drop_empty(
        {
            "@type": "Organization",
            "name": plain_text(site.publisher_name),
            "url": safe_url(site.website_url),
            "logo": {"@type": "ImageObject", "url": logo} if logo else None,
        }
    )


def _corrections(corrections: list[Correction]) -> list[dict[str, Any]]:
    return [
        {
            "@type": "CorrectionComment",
            "name": c.kind.value,
            "text": text,
            "datePublished": rfc3339(c.published_at),
        }
        for c in corrections_in_order(corrections)
        if (text := optional_text(c.text))
    ]


def _live_blog_updates(article: Article, url: str | None) -> list[dict[str, Any]]:
    # Key developments carry no time of their own, so no datePublished is claimed for them; each is
    # addressable as a fragment of the page, newest first as the body lists them.
    updates = []
    for index, text in enumerate(unique_texts(article.key_developments), start=1):
        updates.append(
            drop_empty(
                {
                    "@type": "BlogPosting",
                    "@id": f"{url}#update-{index}" if url else None,
                    "headline": _headline(text),
                    "articleBody": text,
                }
            )
        )
    return updates


def to_jsonld(article: Article, site: SiteIdentity) -> dict[str, Any]:
    """The ``NewsArticle`` (or ``LiveBlogPosting``) object as a JSON-ready dict."""
    url = safe_url(article.url)
    live = article.kind is ArticleKind.LIVE_BLOG
    reading = article.reading_time_minutes
    published = rfc3339(article.published_at) if article.published_at else None
    document: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting" if live else "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url} if url else None,
        "url": url,
        "headline": _headline(article.headline),
        "description": optional_text(article.summary),
        "image": _images(article, site),
        "datePublished": published,
        "dateModified": rfc3339(article.updated_at),
        "author": [_person(a, site) for a in article.authors if optional_text(a.name)],
        "publisher": _publisher(site),
        "articleSection": optional_text(article.section),
        "keywords": unique_texts(article.tags),
        "inLanguage": optional_text(article.language),
        "wordCount": article.word_count,
        "timeRequired": iso_duration_minutes(reading) if reading is not None else None,
        "correction": _corrections(article.corrections),
    }
    if live:
        document["coverageStartTime"] = published
        document["liveBlogUpdate"] = _live_blog_updates(article, url)
    return drop_empty(document)


def script_safe_json(document: Mapping[str, Any]) -> str:
    """Compact JSON that no string inside ``document`` can break out of when inlined in HTML."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)


def render_jsonld(article: Article, site: SiteIdentity) -> bytes:
    """The JSON-LD document as the API serves it: UTF-8, already escaped for inlining in a page."""
    return script_safe_json(to_jsonld(article, site)).encode("utf-8")


def jsonld_script(document: Mapping[str, Any]) -> str:
    """A ``<script type="application/ld+json">`` block that no string inside ``document`` can break out of."""
    return f'<script type="application/ld+json">{script_safe_json(document)}</script>'
