"""One article in a partner's format, chosen by name (what ``GET /articles/{id}?format=`` serves)."""

from __future__ import annotations

from typing import Any

from shared.models.article import Article
from shared.render.jsonld import to_news_article_jsonld
from shared.render.ninjs import to_ninjs


def article_document(article: Article, fmt: str, website_url: str, publisher: str) -> tuple[str, dict[str, Any]]:
    """(content type, document) of the article as ninjs 3.1 or schema.org NewsArticle JSON-LD."""
    if fmt == "ninjs":
        return "application/json", to_ninjs(article, site_url=website_url)
    if fmt == "jsonld":
        return "application/ld+json", to_news_article_jsonld(article, publisher, website_url)
    raise ValueError(f"unknown format {fmt!r}")
