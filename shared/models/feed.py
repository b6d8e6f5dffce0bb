"""Feeds: names, static-file locations and the paginated API page."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import datetime

from pydantic import BaseModel, Field

from shared.enrichment.slug import transliterate
from shared.models.article import ArticleCard

MAIN_FEED = "all"
_SAFE = re.compile(r"[^a-z0-9-]+")


def feed_key_part(value: str) -> str:
    """Lower-case, URL- and key-safe form of a section, tag or language for a feed name.

    Cyrillic is romanized like slugs ("Війна" -> "viina"), so Ukrainian tags get feeds of their own;
    a name with no Latin or Cyrillic letters keeps a stable hash of itself rather than colliding.
    """
    latin = unicodedata.normalize("NFKD", transliterate(value.casefold())).encode("ascii", "ignore").decode()
    return _SAFE.sub("-", latin).strip("-") or "h" + hashlib.sha256(value.encode()).hexdigest()[:12]


def section_feed(section: str) -> str:
    return f"section#{feed_key_part(section)}"


def tag_feed(tag: str) -> str:
    return f"tag#{feed_key_part(tag)}"


def language_feed(language: str) -> str:
    return f"lang#{feed_key_part(language)}"


def feeds_for(section: str, language: str, tags: list[str]) -> list[str]:
    """Every feed index an article belongs to, main feed first."""
    names = [MAIN_FEED, section_feed(section), language_feed(language)]
    names += [tag_feed(t) for t in tags]
    return list(dict.fromkeys(names))


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
