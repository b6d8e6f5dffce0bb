"""Feeds: names and links of the static files, and the paginated read path (one Query a page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from shared.errors import InvalidInput
from shared.models.article import ArticleCard
from shared.models.feed import (
    MAIN_FEED,
    FeedDescriptor,
    FeedLinks,
    FeedPage,
    feed_path,
    language_feed,
    section_feed,
    tag_feed,
)
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


def feed_for_filters(*, section: str | None, tag: str | None, language: str | None) -> str:
    """The one feed index a filtered page reads: the main feed, or a section, tag or language feed.

    Filters do not combine: each page is one Query of one feed partition.
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
