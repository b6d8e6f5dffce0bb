"""Atom (RFC 4287) with RFC 6721 tombstones and an optional RFC 5005 ``next`` link.

Identifiers are ``tag:`` URIs minted from the website's host (see ``article_uri``), never the article
URL: a slug may change, an entry's ``atom:id`` must not. A tombstone's ``ref`` is the article id and is
rendered through the same function, so it always names the entry readers already have.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from shared.models.article import ArticleCard
from shared.models.feed import FeedDescriptor
from shared.render._common import (
    article_uri,
    clean_text,
    feed_order,
    feed_uri,
    optional_text,
    rfc3339,
    safe_url,
    unique_texts,
    utc,
)
from shared.render._media import add_media_content
from shared.render._xml import ATOM_NS, MEDIA_NS, TOMBSTONES_NS, root, sub, to_bytes

MEDIA_TYPE = "application/atom+xml"


class Tombstone(BaseModel):
    """An entry removed from the feed (RFC 6721 ``at:deleted-entry``), e.g. an unpublished article."""

    model_config = ConfigDict(frozen=True)

    ref: str = Field(min_length=1, description="The article id; rendered as the entry's atom:id.")
    when: datetime = Field(description="When it was removed; naive values are taken as UTC.")
    comment: str | None = Field(default=None, description="Plain-text reason shown to readers, if any.")


def _entry(parent: ET.Element, card: ArticleCard, site_url: str) -> None:
    entry = sub(parent, "entry", attrs={"xml:lang": optional_text(card.language)})
    sub(entry, "id", article_uri(card.id, site_url))
    sub(entry, "title", clean_text(card.headline), {"type": "text"})
    link = safe_url(card.url)
    if link:
        sub(entry, "link", attrs={"rel": "alternate", "type": "text/html", "href": link})
    sub(entry, "published", rfc3339(card.published_at))
    sub(entry, "updated", rfc3339(card.updated_at))
    for name in unique_texts(a.name for a in card.authors):
        author = sub(entry, "author")
        sub(author, "name", name)
    summary = optional_text(card.summary)
    if summary:
        sub(entry, "summary", summary, {"type": "text"})
    if not link:
        # RFC 4287 4.1.2: an entry without an alternate link must carry content.
        sub(entry, "content", summary or clean_text(card.headline), {"type": "text"})
    for tag in unique_texts(card.tags):
        sub(entry, "category", attrs={"term": tag})
    add_media_content(entry, card.lead_image)


def _tombstones(parent: ET.Element, tombstones: Sequence[Tombstone], site_url: str) -> None:
    # RFC 6721 3: no two deleted entries may share both ref and when; newest first, like entries.
    unique = {(t.ref, utc(t.when)): t for t in tombstones}
    for (ref, when), tombstone in sorted(unique.items(), key=lambda kv: (kv[0][1], kv[0][0]), reverse=True):
        attrs = {"ref": article_uri(ref, site_url), "when": rfc3339(when)}
        deleted = sub(parent, "at:deleted-entry", attrs=attrs)
        comment = optional_text(tombstone.comment)
        if comment:
            sub(deleted, "at:comment", comment)


def render_atom(
    feed: FeedDescriptor,
    cards: Sequence[ArticleCard],
    tombstones: Sequence[Tombstone] = (),
    *,
    next_url: str | None = None,
) -> bytes:
    """The Atom feed document as UTF-8 bytes; ``updated`` is ``feed.updated_at`` (keep it stable)."""
    site_url = feed.home_page_url
    attrs: dict[str, str | None] = {"xmlns": ATOM_NS, "xmlns:media": MEDIA_NS}
    if tombstones:
        attrs["xmlns:at"] = TOMBSTONES_NS
    attrs["xml:lang"] = optional_text(feed.language)
    document = root("feed", attrs)
    sub(document, "id", feed_uri(feed.name, site_url))
    sub(document, "title", clean_text(feed.title), {"type": "text"})
    description = optional_text(feed.description)
    if description:
        sub(document, "subtitle", description, {"type": "text"})
    sub(document, "updated", rfc3339(feed.updated_at))
    links = [
        ("self", MEDIA_TYPE, feed.atom_url),
        ("alternate", "text/html", feed.home_page_url),
        ("alternate", "application/feed+json", feed.json_feed_url),
        ("alternate", "application/rss+xml", feed.rss_url),
        ("next", MEDIA_TYPE, next_url),
    ]
    for rel, media_type, href in links:
        url = safe_url(href)
        if url:
            sub(document, "link", attrs={"rel": rel, "type": media_type, "href": url})
    # RFC 4287 4.1.1: a feed-level author covers entries that name none.
    author = sub(document, "author")
    sub(author, "name", clean_text(feed.title))
    home = safe_url(feed.home_page_url)
    if home:
        sub(author, "uri", home)
    for card in feed_order(cards):
        _entry(document, card, site_url)
    _tombstones(document, tombstones, site_url)
    return to_bytes(document)
