"""Feeds on read: the paginated API page, every syndication format, archive pages, sitemaps.

Nothing here is written per article: a feed is one Query of its index (a GSI over published heads for
``all``, sections and languages; tag entries checked against their heads for tags), rendered when asked
for, and cached by CloudFront for its ``Cache-Control``. Archive pages cover one UTC hour each, so their
URLs never move and caches may keep them; a later update or takedown changes their content, not their
place (see docs/decisions.md).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Final, Protocol

from shared.errors import InvalidInput, NotFound
from shared.models.article import ArticleCard
from shared.models.common import ArticleStatus, utcnow
from shared.models.feed import MAIN_FEED, FeedDescriptor, FeedLinks, FeedPage, feed_path
from shared.models.site import SiteIdentity
from shared.service.cursor import decode_cursor, encode_cursor
from shared.service.feednames import language_feed, section_feed, tag_feed
from shared.store.items import FeedEntry, Removal, TagEntry
from shared.store.table import FeedCandidate, FeedWindow

LIVE_SIZE: Final = 50  # items in a feed's live document
ARCHIVE_MAX: Final = 1000  # items in one hour's archive page (far above a newsroom's hour)
NEWS_WINDOW: Final = timedelta(days=2)
NEWS_MAX: Final = 1000
TOMBSTONE_WINDOW: Final = timedelta(days=7)  # how long Atom announces a takedown (RFC 6721)
TAG_READ_ROUNDS: Final = 3  # Queries a tag page may take to skip entries that no longer count
LIVE_CACHE: Final = "public, max-age=30, stale-while-revalidate=60"
OPEN_ARCHIVE_CACHE: Final = LIVE_CACHE
CLOSED_ARCHIVE_CACHE: Final = "public, max-age=600, stale-while-revalidate=3600"
SITEMAP_CACHE: Final = "public, max-age=300, stale-while-revalidate=600"
FORMATS: Final = {
    "feed.json": "application/feed+json",
    "rss.xml": "application/rss+xml; charset=utf-8",
    "atom.xml": "application/atom+xml; charset=utf-8",
}
_HOUR: Final = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}$")
_KEY_PART: Final = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")


class FeedTable(Protocol):
    def feed_entries(self, feed: str, window: FeedWindow) -> tuple[list[FeedEntry], bool]: ...
    def tag_entries(self, feed: str, window: FeedWindow) -> tuple[list[TagEntry], bool]: ...
    def feed_candidates(self, article_ids: list[str]) -> dict[str, FeedCandidate]: ...
    def removals(self, since: datetime, limit: int = 100) -> list[Removal]: ...


@dataclass(frozen=True)
class Rendered:
    body: bytes
    content_type: str
    cache_control: str

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'


@dataclass(frozen=True)
class _Item:
    sort_key: str
    card: ArticleCard


def feed_for_filters(*, section: str | None, tag: str | None, language: str | None) -> str:
    """The one feed a filtered page reads: the main feed, or a section, tag or language feed.

    Filters do not combine: each page is one Query of one feed index.
    """
    given = {"section": section, "tag": tag, "language": language}
    chosen = [name for name, value in given.items() if value is not None]
    if len(chosen) > 1:
        raise InvalidInput(chosen[1], f"combine at most one filter (got {', '.join(chosen)})", "filter_conflict")
    if section is not None:
        return section_feed(section)
    if tag is not None:
        return tag_feed(tag)
    if language is not None:
        return language_feed(language)
    return MAIN_FEED


def feed_from_path(path: str) -> tuple[str, str | None, str]:
    """``all/rss.xml`` -> (feed, hour, file); ``tag/russia/archive/2026-11-30T14/atom.xml`` -> with the hour."""
    parts = path.strip("/").split("/")
    if not parts or parts[-1] not in FORMATS:
        raise NotFound(f"no feed file at /feeds/{path}")
    file, parts = parts[-1], parts[:-1]
    hour = None
    if len(parts) >= 2 and parts[-2] == "archive":
        hour, parts = parts[-1], parts[:-2]
        if not _HOUR.fullmatch(hour):
            raise NotFound(f"no archive page {hour!r}: archives are named by UTC hour, e.g. 2026-11-30T14")
    if parts == [MAIN_FEED]:
        return MAIN_FEED, hour, file
    if len(parts) == 2 and parts[0] in ("section", "tag", "lang") and _KEY_PART.fullmatch(parts[1]):
        return f"{parts[0]}#{parts[1]}", hour, file
    raise NotFound(f"no feed at /feeds/{path}")


def _hour_start(hour: str) -> datetime:
    try:
        return datetime.strptime(hour, "%Y-%m-%dT%H").replace(tzinfo=UTC)
    except ValueError:
        raise NotFound(f"no archive page {hour!r}") from None


def hour_of(sort_key: str) -> str:
    return sort_key[:13]


class FeedService:
    def __init__(self, table: FeedTable, identity: SiteIdentity, clock: Callable[[], datetime] = utcnow) -> None:
        self._table = table
        self._identity = identity
        self._clock = clock

    # ------------------------------------------------------------------------------ links and names
    def links(self, feed: str) -> FeedLinks:
        base = f"{self._identity.site_base_url}/{feed_path(feed)}"
        return FeedLinks(json_feed=f"{base}/feed.json", rss=f"{base}/rss.xml", atom=f"{base}/atom.xml")

    def archive_url(self, feed: str, hour: str, file: str) -> str:
        return f"{self._identity.site_base_url}/{feed_path(feed)}/archive/{hour}/{file}"

    def archive_links(self, feed: str, hour: str) -> FeedLinks:
        return FeedLinks(
            json_feed=self.archive_url(feed, hour, "feed.json"),
            rss=self.archive_url(feed, hour, "rss.xml"),
            atom=self.archive_url(feed, hour, "atom.xml"),
        )

    def descriptor(
        self,
        feed: str,
        updated_at: datetime,
        hour: str | None = None,
        *,
        older: str | None = None,
        newer: str | None = None,
    ) -> FeedDescriptor:
        """What the renderers need: titles, this document's URLs and its RFC 5005 neighbours (by hour)."""
        kind, _, value = feed.partition("#")
        name = self._identity.publisher_name
        title = {
            "section": f"{name}: {value.replace('-', ' ').title()}",
            "lang": f"{name} ({value})",
            "tag": f"{name}: #{value}",
        }.get(kind, name)
        live = self.links(feed)
        own = live if hour is None else self.archive_links(feed, hour)
        description = f"Latest articles: {title}"
        if hour is not None:
            description = f"Articles published {hour}:00-{hour}:59 UTC: {title}"
        return FeedDescriptor(
            name=feed,
            title=title,
            description=description,
            home_page_url=self._identity.website_url,
            json_feed_url=own.json_feed,
            rss_url=own.rss,
            atom_url=own.atom,
            language=value if kind == "lang" else None,
            updated_at=updated_at,
            archive=hour is not None,
            current=live if hour is not None else None,
            prev_archive=self.archive_links(feed, older) if older else None,
            next_archive=self.archive_links(feed, newer) if newer else None,
        )

    # --------------------------------------------------------------------------------- API pages
    def page(self, feed: str, limit: int, cursor: str | None = None) -> FeedPage:
        before = decode_cursor(cursor, feed) if cursor else None
        window = FeedWindow(limit=limit, before=before)
        if feed.startswith("tag#"):
            items, more, resume = self._tag_items(feed, window)
        else:
            items, more = self._items(feed, window)
            resume = items[-1].sort_key if items else None
        next_cursor = encode_cursor(feed, resume) if more and resume else None
        return FeedPage(items=[i.card for i in items], next_cursor=next_cursor, links=self.links(feed))

    # ----------------------------------------------------------------------------- syndication
    def document(self, path: str) -> Rendered:
        """A feed file by its path under ``/feeds/``: the live document or an hour's archive page."""
        from shared.render.atom import Tombstone, render_atom  # noqa: PLC0415 - only feed requests pay
        from shared.render.jsonfeed import render_json_feed  # noqa: PLC0415
        from shared.render.rss import render_rss  # noqa: PLC0415

        feed, hour, file = feed_from_path(path)
        now = self._clock()
        newer: str | None = None
        if hour is None:
            items, more = self._items(feed, FeedWindow(limit=LIVE_SIZE))
            older = hour_of(items[-1].sort_key) if items and more else None
            cache = LIVE_CACHE
        else:
            start = _hour_start(hour)
            end = start + timedelta(hours=1)
            items, _ = self._items(feed, FeedWindow(limit=ARCHIVE_MAX, since=_sk(start), before=_sk(end)))
            older = self._neighbour_hour(feed, before=_sk(start))
            newer = self._neighbour_hour(feed, since=_sk(end))
            cache = CLOSED_ARCHIVE_CACHE if end <= now else OPEN_ARCHIVE_CACHE
        cards = [i.card for i in items]
        updated = max((c.updated_at for c in cards), default=datetime.fromtimestamp(0, UTC))
        descriptor = self.descriptor(feed, updated, hour, older=older, newer=newer)
        site = self._identity
        if file == "feed.json":
            body = render_json_feed(descriptor, cards, site)
        elif file == "rss.xml":
            body = render_rss(descriptor, cards, site)
        else:
            tombstones = []
            if hour is None:
                tombstones = [
                    Tombstone(ref=r.article_id, when=r.at, comment=None)
                    for r in self._table.removals(now - TOMBSTONE_WINDOW)
                    if feed in r.feeds
                ]
            body = render_atom(descriptor, cards, site, tombstones=tombstones)
        return Rendered(body, FORMATS[file], cache)

    def _neighbour_hour(self, feed: str, *, before: str | None = None, since: str | None = None) -> str | None:
        """The nearest hour with items before or after a boundary (one Query of one item)."""
        window = FeedWindow(limit=1, before=before, since=since, newest_first=before is not None)
        items, _ = self._items(feed, window)
        return hour_of(items[0].sort_key) if items else None

    # -------------------------------------------------------------------------------- sitemaps
    def news_sitemap(self) -> Rendered:
        from shared.render.sitemap import render_news_sitemap  # noqa: PLC0415

        now = self._clock()
        items, _ = self._items(MAIN_FEED, FeedWindow(limit=NEWS_MAX, since=_sk(now - NEWS_WINDOW)))
        body = render_news_sitemap([i.card for i in items], self._identity, now=now)
        return Rendered(body, "application/xml; charset=utf-8", SITEMAP_CACHE)

    def sitemap_index(self) -> Rendered:
        from shared.render.sitemap import SitemapRef, render_sitemap_index  # noqa: PLC0415

        newest, _ = self._items(MAIN_FEED, FeedWindow(limit=1))
        lastmod = newest[0].card.updated_at if newest else None
        body = render_sitemap_index([SitemapRef(f"{self._identity.site_base_url}/sitemaps/news.xml", lastmod)])
        return Rendered(body, "application/xml; charset=utf-8", SITEMAP_CACHE)

    def robots(self) -> Rendered:
        from shared.render.sitemap import render_robots_txt  # noqa: PLC0415

        body = render_robots_txt([f"{self._identity.site_base_url}/sitemaps/index.xml"])
        return Rendered(body, "text/plain; charset=utf-8", SITEMAP_CACHE)

    # ----------------------------------------------------------------------------------- reading
    def _items(self, feed: str, window: FeedWindow) -> tuple[list[_Item], bool]:
        if not feed.startswith("tag#"):
            entries, more = self._table.feed_entries(feed, window)
            return [_Item(e.sort_key, e.card) for e in entries], more
        items, more, _ = self._tag_items(feed, window)
        return items, more

    def _tag_items(self, feed: str, window: FeedWindow) -> tuple[list[_Item], bool, str | None]:
        """Tag entries are checked against their heads: still published, still tagged, same place.

        Also returns the sort key to continue after: the last item kept, or, on a page cut short by
        entries that no longer count, the last entry examined (so the next page never starts over).
        """
        found: list[_Item] = []
        more = False
        examined: str | None = None
        for _ in range(TAG_READ_ROUNDS):
            entries, more = self._table.tag_entries(feed, window)
            heads = self._table.feed_candidates([e.article_id for e in entries]) if entries else {}
            for entry in entries:
                head = heads.get(entry.article_id)
                if (
                    head is not None
                    and head.status is ArticleStatus.PUBLISHED
                    and feed in head.feeds
                    and head.sort_key == entry.sort_key
                    and head.card is not None
                ):
                    found.append(_Item(entry.sort_key, head.card))
            if entries:
                examined = entries[-1].sort_key
            if len(found) >= window.limit or not more or not entries:
                break
            last = entries[-1].sort_key
            window = replace(window, before=last) if window.newest_first else replace(window, since=last + "\x00")
        resume = found[window.limit - 1].sort_key if len(found) >= window.limit else examined
        return found[: window.limit], more or len(found) > window.limit, resume


def _sk(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
