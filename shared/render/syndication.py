"""One article in a partner's format, chosen by name (what ``GET /articles/{id}?format=`` serves)."""

from __future__ import annotations

from shared.models.article import Article
from shared.models.site import SiteIdentity

# format name -> media type of the bytes ``render_article`` returns (also for the OpenAPI document).
ARTICLE_MEDIA_TYPES = {"ninjs": "application/json", "jsonld": "application/ld+json"}


def render_article(article: Article, fmt: str, site: SiteIdentity) -> tuple[str, bytes]:
    """(media type, body) of the article as ninjs 3.1 or schema.org JSON-LD, ready to serve.

    The JSON-LD bytes are already escaped for inlining in HTML (see ``shared.render.jsonld``). The
    renderers are imported here, on first use, so a cold start that serves plain JSON never loads them.
    """
    if fmt == "ninjs":
        from shared.render.ninjs import render_ninjs  # noqa: PLC0415 - off the cold-start path

        return ARTICLE_MEDIA_TYPES[fmt], render_ninjs(article, site)
    if fmt == "jsonld":
        from shared.render.jsonld import render_jsonld  # noqa: PLC0415 - off the cold-start path

        return ARTICLE_MEDIA_TYPES[fmt], render_jsonld(article, site)
    raise ValueError(f"unknown format {fmt!r}")
