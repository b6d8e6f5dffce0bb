"""Google News sitemap, sitemap index (sitemaps.org protocol 0.9) and robots.txt.

Google News asks for articles of the last two days only, at most 1,000 ``<url>`` elements per file,
and for a publication language given as an ISO 639 code (``zh-cn``/``zh-tw`` being the exceptions).
The caller passes ``now`` so the functions stay pure: rendered on read, the sitemap never lists a
stale URL, whether or not anything was published since.

A sitemap may only list URLs of the host it vouches for. Every ``<loc>`` is the article's public URL
(``canonical_url`` when given, else the website's own), and articles whose URL is on another host
(syndicated copies whose canonical lives elsewhere) are left out rather than listed under a URL that
is not canonical.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.models.article import ArticleCard
from shared.models.site import SiteIdentity
from shared.render._common import clean_text, feed_order, plain_text, rfc3339, safe_url, same_host, utc
from shared.render._xml import NEWS_SITEMAP_NS, SITEMAP_NS, root, sub, to_bytes

MEDIA_TYPE = "application/xml"
ROBOTS_MEDIA_TYPE = "text/plain"
NEWS_WINDOW = timedelta(days=2)
MAX_NEWS_URLS = 1000
MAX_SITEMAPS_PER_INDEX = 50_000
_CHINESE = {"zh-cn", "zh-tw"}
_ISO_639 = re.compile(r"^[a-z]{2,3}$")


@dataclass(frozen=True)
class SitemapRef:
    """One sitemap in an index: where it is and, when known, when its content last changed."""

    url: str
    lastmod: datetime | None = None


def news_language(language: str) -> str:
    """Google News language code: the ISO 639 primary subtag, except ``zh-cn`` and ``zh-tw``.

    Anything that is not a language tag (validation guarantees one; this is defence in depth) is
    ``und``, ISO 639's code for an undetermined language.
    """
    tag = clean_text(language).strip().lower().replace("_", "-")
    if tag in _CHINESE or tag.startswith(("zh-hans", "zh-hant")):
        return {"zh-hans": "zh-cn", "zh-hant": "zh-tw"}.get(tag[:7], tag[:5])
    primary = tag.split("-", 1)[0]
    return primary if _ISO_639.match(primary) else "und"


def news_sitemap_cards(cards: Sequence[ArticleCard], site: SiteIdentity, *, now: datetime) -> list[ArticleCard]:
    """The cards a news sitemap lists at ``now``: published in the two days before it, newest first,
    with a safe URL on the website's host, at most 1,000."""
    now = utc(now)
    since = now - NEWS_WINDOW
    listed = []
    for card in feed_order(cards):
        url = safe_url(card.url)
        if url is None or not since <= utc(card.published_at) <= now:
            continue
        if not same_host(url, site.website_url):
            continue
        listed.append(card)
        if len(listed) == MAX_NEWS_URLS:
            break
    return listed


def render_news_sitemap(cards: Sequence[ArticleCard], site: SiteIdentity, *, now: datetime) -> bytes:
    """The News sitemap of articles published within two days before ``now`` (newest first, ≤1000).

    Articles dated after ``now`` are left out too: they are not public yet. Naive datetimes are UTC.
    ``site`` names the publication and the host every URL must be on.
    """
    name = plain_text(site.publisher_name)
    urlset = root("urlset", {"xmlns": SITEMAP_NS, "xmlns:news": NEWS_SITEMAP_NS})
    for card in news_sitemap_cards(cards, site, now=now):
        url = sub(urlset, "url")
        sub(url, "loc", safe_url(card.url))
        sub(url, "lastmod", rfc3339(max(utc(card.updated_at), utc(card.published_at))))
        news = sub(url, "news:news")
        publication = sub(news, "news:publication")
        sub(publication, "news:name", name)
        sub(publication, "news:language", news_language(card.language))
        sub(news, "news:publication_date", rfc3339(card.published_at))
        sub(news, "news:title", plain_text(card.headline))
    return to_bytes(urlset)


def render_sitemap_index(sitemaps: Sequence[SitemapRef | str], lastmod: datetime | None = None) -> bytes:
    """A sitemap index listing each sitemap once, sorted by URL (order has no meaning, bytes must be stable).

    Each entry's own ``lastmod`` wins; ``lastmod`` is the default for entries without one. Non-http(s)
    URLs are dropped; more than 50,000 sitemaps is a ``ValueError`` because the protocol forbids it.
    """
    latest: dict[str, datetime | None] = {}
    for entry in sitemaps:
        ref = entry if isinstance(entry, SitemapRef) else SitemapRef(entry)
        url = safe_url(ref.url)
        if url is None:
            continue
        when = ref.lastmod or lastmod
        kept = latest.get(url)
        latest[url] = max(utc(kept), utc(when)) if kept and when else (kept or when)
    if len(latest) > MAX_SITEMAPS_PER_INDEX:
        raise ValueError(f"a sitemap index lists at most {MAX_SITEMAPS_PER_INDEX} sitemaps, got {len(latest)}")
    index = root("sitemapindex", {"xmlns": SITEMAP_NS})
    for url in sorted(latest):
        sitemap = sub(index, "sitemap")
        sub(sitemap, "loc", url)
        when = latest[url]
        if when is not None:
            sub(sitemap, "lastmod", rfc3339(when))
    return to_bytes(index)


def render_robots_txt(sitemap_urls: Sequence[str], *, disallow: Sequence[str] = ()) -> bytes:
    """``robots.txt`` (RFC 9309) for every crawler, naming each sitemap (usually the sitemap index).

    ``disallow`` lists path prefixes kept out of crawling (e.g. ``/v1/`` for the API); anything that
    is not a path starting with ``/`` and free of whitespace and control characters is ignored, so no
    value can add a line of its own.
    """
    lines = ["User-agent: *"]
    paths = sorted({p for p in disallow if _robots_path(p)})
    lines += [f"Disallow: {path}" for path in paths] or ["Allow: /"]
    urls = sorted({url for url in (safe_url(u) for u in sitemap_urls) if url})
    if urls:
        lines.append("")
        lines += [f"Sitemap: {url}" for url in urls]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _robots_path(path: str) -> bool:
    return path.startswith("/") and path.isprintable() and not any(ch.isspace() for ch in path)
