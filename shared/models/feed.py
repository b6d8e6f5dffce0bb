"""Feeds: names, static-file locations and the paginated API page."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from shared.models.article import ArticleCard

MAIN_FEED = "all"


def feed_path(name: str) -> str:
    """Folder of a feed's static files in the site bucket: ``all`` -> ``feeds/all``."""
    return "feeds/" + name.replace("#", "/")


# One feed document in each format (also the links of an API feed page).
class FeedLinks(BaseModel):
    json_feed: str
    rss: str
    atom: str


class FeedDescriptor(BaseModel):
    """What a renderer needs to know about the feed document it renders (besides the items).

    The caller computes every URL; renderers never read a clock or guess a link, so identical input
    gives identical bytes. Paging follows RFC 5005 (archived feeds): the subscription document links
    the newest archive page as ``prev_archive``; an archive page (``archive=True``, one per UTC hour)
    links ``current`` (the subscription document) and its older and newer neighbours. JSON Feed has
    one paging link, ``next_url``: it is ``prev_archive.json_feed`` (the next page of older items).
    """

    name: str = Field(examples=["all", "section#news", "lang#uk"])
    title: str
    description: str
    home_page_url: str
    json_feed_url: str = Field(description="This document as JSON Feed (an archive page's own URL).")
    rss_url: str = Field(description="This document as RSS.")
    atom_url: str = Field(description="This document as Atom.")
    language: str | None = None
    updated_at: datetime = Field(description="Feed-level updated time: keep it a function of the items.")
    archive: bool = Field(default=False, description="An archive page: its set of items does not change.")
    current: FeedLinks | None = Field(default=None, description="On archive pages: the subscription document.")
    prev_archive: FeedLinks | None = Field(default=None, description="The next archive page of older items.")
    next_archive: FeedLinks | None = Field(default=None, description="On archive pages: the next newer one.")


class FeedPage(BaseModel):
    """One page of ``GET /feed``: newest first, with an opaque cursor for "Show More"."""

    items: list[ArticleCard]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page.")
    links: FeedLinks
