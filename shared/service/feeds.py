"""Feeds: names and links of the static files, and the paginated read path (one Query a page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from shared.models.article import ArticleCard
from shared.models.feed import FeedDescriptor, FeedLinks, FeedPage, feed_path
from shared.service.cursor import decode_cursor, encode_cursor


class FeedTable(Protocol):
    def query_newest(
        self, pk: str, limit: int, start_after: str | None = None, *, consistent: bool = False
    ) -> tuple[list[dict[str, Any]], bool]: ...
    def get_feed_manifest(self, feed: str) -> dict[str, Any] | None: ...
    def put_feed_manifest(self, feed: str, manifest: dict[str, Any], expected_version: int) -> None: ...


class SiteWriter(Protocol):
    def put_bytes(self, key: str, body: bytes, content_type: str, cache_control: str | None = None) -> None: ...


@dataclass(frozen=True)
class FeedSite:
    """Where the static feeds live and what they are called."""

    site_base_url: str
    website_url: str
    title: str

    def links(self, feed: str) -> FeedLinks:
        base = f"{self.site_base_url.rstrip('/')}/{feed_path(feed)}"
        return FeedLinks(json_feed=f"{base}/feed.json", rss=f"{base}/rss.xml", atom=f"{base}/atom.xml")

    def descriptor(self, feed: str, updated_at: datetime) -> FeedDescriptor:
        kind, _, value = feed.partition("#")
        title = {
            "section": f"{self.title}: {value.replace('-', ' ').title()}",
            "lang": f"{self.title} ({value})",
            "tag": f"{self.title}: #{value}",
        }.get(kind, self.title)
        links = self.links(feed)
        return FeedDescriptor(
            name=feed,
            title=title,
            description=f"Latest articles: {title}",
            home_page_url=self.website_url,
            json_feed_url=links.json_feed,
            rss_url=links.rss,
            atom_url=links.atom,
            language=value if kind == "lang" else None,
            updated_at=updated_at,
        )


class FeedReader:
    def __init__(self, table: FeedTable, site: FeedSite) -> None:
        self._table = table
        self._site = site

    def page(self, feed: str, limit: int, cursor: str | None = None) -> FeedPage:
        start_after = decode_cursor(cursor, feed) if cursor else None
        items, more = self._table.query_newest(f"FEED#{feed}", limit, start_after)
        cards = [ArticleCard.model_validate_json(item["card"]) for item in items]
        next_cursor = encode_cursor(feed, items[-1]["sk"]) if more and items else None
        return FeedPage(items=cards, next_cursor=next_cursor, links=self._site.links(feed))
