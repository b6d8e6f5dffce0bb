"""Static feed files, rebuilt after each publication: JSON Feed, RSS, Atom and the news sitemap.

Kept apart from shared.service.feeds so that the API's cold start does not import the renderers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from shared.errors import RevisionConflict
from shared.models.article import ArticleCard
from shared.models.common import utcnow
from shared.models.feed import MAIN_FEED, feed_path
from shared.render.atom import render_atom
from shared.render.jsonfeed import render_json_feed
from shared.render.rss import render_rss
from shared.render.sitemap import MAX_NEWS_URLS, NEWS_WINDOW, render_news_sitemap
from shared.service.feeds import FeedSite, FeedTable

FEED_CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=300"
NEWS_SITEMAP_KEY = "sitemaps/news.xml"
SITEMAP_PAGE = 200  # cards per Query while collecting the last two days for the news sitemap


class SiteWriter(Protocol):
    def put_bytes(self, key: str, body: bytes, content_type: str, cache_control: str | None = None) -> None: ...


@dataclass(frozen=True)
class Build:
    feed: str
    version: int
    changed: bool


class FeedBuilder:
    """Renders a feed's newest items to JSON Feed, RSS and Atom files; bumps its manifest on change."""

    def __init__(
        self,
        table: FeedTable,
        site_files: SiteWriter,
        site: FeedSite,
        size: int,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._table = table
        self._files = site_files
        self._site = site
        self._size = size
        self._clock = clock

    def rebuild(self, feed: str) -> Build:
        # The manifest is read before the items: a build that commits after this read makes our
        # manifest write fail (and the message retry), and one that committed before it wrote no
        # item that the consistent query below misses.
        manifest = self._table.get_feed_manifest(feed)
        version = manifest["version"] if manifest else 0
        now = self._clock()
        # The main feed also feeds the news sitemap (the last two days): one paged read serves both.
        since = now - NEWS_WINDOW if feed == MAIN_FEED else None
        newest = self._newest(feed, since)
        cards = newest[: self._size]
        files = self._render(feed, cards)
        digest = hashlib.sha256()
        for _, body, _ in files.values():
            digest.update(hashlib.sha256(body).digest())
        etag = digest.hexdigest()
        if since is not None:
            # The news sitemap depends on the clock (last two days only), so it is written with the
            # feed files and kept out of the etag.
            sitemap = render_news_sitemap(newest, self._site.title, now=now)
            files["news_sitemap"] = (NEWS_SITEMAP_KEY, sitemap, "application/xml; charset=utf-8")
        # Files are written even when nothing changed: a build that lost a race may have left older
        # files behind, and identical bytes change nothing. Only the manifest (and so FeedUpdated)
        # is guarded.
        for key, body, content_type in files.values():
            self._files.put_bytes(key, body, content_type, FEED_CACHE_CONTROL)
        if manifest is not None and manifest["etag"] == etag:
            return Build(feed, version, changed=False)
        try:
            self._table.put_feed_manifest(
                feed,
                {
                    "feed": feed,
                    "version": version + 1,
                    "etag": etag,
                    "item_count": len(cards),
                    "built_at": now.isoformat(),
                    "files": self._site.links(feed).model_dump(),
                },
                expected_version=version,
            )
        except RevisionConflict:
            latest = self._table.get_feed_manifest(feed)
            if latest is not None and latest["etag"] == etag:
                return Build(feed, latest["version"], changed=False)  # a concurrent build won, same result
            raise  # another build committed other content; the retry renders the newest
        return Build(feed, version + 1, changed=True)

    def _newest(self, feed: str, since: datetime | None) -> list[ArticleCard]:
        """The feed's newest cards: the static feed's size, and, when ``since`` is given, also every
        card published since then (up to the sitemap's 1000), read in as few Queries as possible."""
        page_size = self._size if since is None else max(self._size, SITEMAP_PAGE)
        cards: list[ArticleCard] = []
        start: str | None = None
        while True:
            items, more = self._table.query_newest(f"FEED#{feed}", page_size, start, consistent=True)
            cards += [ArticleCard.model_validate_json(item["card"]) for item in items]
            window_read = since is None or not cards or cards[-1].published_at < since or len(cards) >= MAX_NEWS_URLS
            if not more or not items or (len(cards) >= self._size and window_read):
                return cards
            start = items[-1]["sk"]

    def _render(self, feed: str, cards: list[ArticleCard]) -> dict[str, tuple[str, bytes, str]]:
        # The feed's own timestamp comes from its content, so the same items give the same bytes.
        updated = max((c.updated_at for c in cards), default=datetime.fromtimestamp(0, UTC))
        descriptor = self._site.descriptor(feed, updated)
        folder = feed_path(feed)
        return {
            "json_feed": (f"{folder}/feed.json", render_json_feed(descriptor, cards), "application/feed+json"),
            "rss": (f"{folder}/rss.xml", render_rss(descriptor, cards), "application/rss+xml; charset=utf-8"),
            "atom": (f"{folder}/atom.xml", render_atom(descriptor, cards), "application/atom+xml; charset=utf-8"),
        }
