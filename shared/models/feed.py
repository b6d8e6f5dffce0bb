"""Feeds: names, static-file locations and the paginated API page."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from shared.models.article import ArticleCard

MAIN_FEED = "all"


def feed_path(name: str) -> str:
    """Folder of a feed's static files in the site bucket: ``all`` -> ``feeds/all``."""
    return "feeds/" + name.replace("#", "/")


class FeedDescriptor(BaseModel):
    """What a renderer needs to know about the feed it renders (besides the items)."""

    name: str = Field(examples=["all", "section#news", "lang#uk"])
    title: str
    description: str
    home_page_url: str
    json_feed_url: str
    rss_url: str
    atom_url: str
    language: str | None = None
    updated_at: datetime


class FeedLinks(BaseModel):
    json_feed: str
    rss: str
    atom: str


class FeedPage(BaseModel):
    """One page of ``GET /feed``: newest first, with an opaque cursor for "Show More"."""

    items: list[ArticleCard]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page.")
    links: FeedLinks
