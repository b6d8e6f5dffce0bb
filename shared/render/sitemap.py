"""Google News sitemap and sitemap index (sitemaps.org protocol 0.9).

Google News asks for articles of the last two days only, at most 1,000 ``<url>`` elements per file,
and for a publication language given as an ISO 639 code (``zh-cn``/``zh-tw`` being the exceptions).
The caller passes ``now`` so the function stays pure and testable.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from shared.models.article import ArticleCard
from shared.render._common import clean_text, feed_order, rfc3339, safe_url, utc
from shared.render._xml import NEWS_SITEMAP_NS, SITEMAP_NS, root, sub, to_bytes

NEWS_WINDOW = timedelta(days=2)
MAX_NEWS_URLS = 1000
MAX_SITEMAPS_PER_INDEX = 50_000
_CHINESE = {"zh-cn", "zh-tw"}


def news_language(language: str) -> str:
    """Google News language code: the ISO 639 primary subtag, except ``zh-cn`` and ``zh-tw``."""
    tag = clean_text(language).strip().lower().replace("_", "-")
    if tag in _CHINESE or tag.startswith(("zh-hans", "zh-hant")):
        return {"zh-hans": "zh-cn", "zh-hant": "zh-tw"}.get(tag[:7], tag[:5])
    return tag.split("-", 1)[0]


def render_news_sitemap(cards: Sequence[ArticleCard], publication_name: str, *, now: datetime) -> bytes:
    """The News sitemap of articles published within two days before ``now`` (newest first, ≤1000).

    Articles dated after ``now`` are left out too: they are not public yet. Naive datetimes are UTC.
    """
    now = utc(now)
    since = now - NEWS_WINDOW
    recent = [c for c in feed_order(cards) if since <= utc(c.published_at) <= now and safe_url(c.url)]
    urlset = root("urlset", {"xmlns": SITEMAP_NS, "xmlns:news": NEWS_SITEMAP_NS})
    name = clean_text(publication_name).strip()
    for card in recent[:MAX_NEWS_URLS]:
        url = sub(urlset, "url")
        sub(url, "loc", safe_url(card.url))
        news = sub(url, "news:news")
        publication = sub(news, "news:publication")
        sub(publication, "news:name", name)
        sub(publication, "news:language", news_language(card.language))
        sub(news, "news:publication_date", rfc3339(card.published_at))
        sub(news, "news:title", clean_text(card.headline))
    return to_bytes(urlset)


def render_sitemap_index(sitemap_urls: Sequence[str], lastmod: datetime | None = None) -> bytes:
    """A sitemap index listing each sitemap once, sorted (order has no meaning, bytes must be stable).

    ``lastmod`` applies to every listed sitemap. Non-http(s) URLs are dropped; more than 50,000
    sitemaps is a ``ValueError`` because the protocol forbids it.
    """
    urls = sorted({url for url in (safe_url(u) for u in sitemap_urls) if url})
    if len(urls) > MAX_SITEMAPS_PER_INDEX:
        raise ValueError(f"a sitemap index lists at most {MAX_SITEMAPS_PER_INDEX} sitemaps, got {len(urls)}")
    index = root("sitemapindex", {"xmlns": SITEMAP_NS})
    for url in urls:
        sitemap = sub(index, "sitemap")
        sub(sitemap, "loc", url)
        if lastmod is not None:
            sub(sitemap, "lastmod", rfc3339(lastmod))
    return to_bytes(index)
