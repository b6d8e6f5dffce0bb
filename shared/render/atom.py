"""Atom (RFC 4287) with RFC 6721 tombstones and RFC 5005 archive paging.

Identifiers are ``tag:`` URIs minted from the website's host (see ``article_uri``), never the article
URL: a slug may change, an entry's ``atom:id`` must not. A tombstone's ``ref`` is the article id and is
rendered through the same function, so it always names the entry readers already have. Archive pages
keep the subscription document's ``atom:id``: they are parts of one logical feed.

An entry's ``summary`` is plain text; its ``content`` (type ``html``) is ``item_html``: the escaped
summary and any correction notes. The image caption stays in ``media:content``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from shared.models.article import ArticleCard
from shared.models.feed import FeedDescriptor
from shared.models.site import SiteIdentity
from shared.render._common import (
    article_uri,
    author_url,
    feed_order,
    feed_uri,
    item_html,
    item_text,
    optional_text,
    plain_text,
    rfc3339,
    safe_url,
    utc,
)
from shared.render._media import add_atom_enclosure, add_media
from shared.render._xml import ATOM_NS, HISTORY_NS, MEDIA_NS, TOMBSTONES_NS, root, sub, to_bytes

MEDIA_TYPE = "application/atom+xml"


class Tombstone(BaseModel):
    """An entry removed from the feed (RFC 6721 ``at:deleted-entry``), e.g. an unpublished article."""

    model_config = ConfigDict(frozen=True)

    ref: str = Field(min_length=1, description="The article id; rendered as the entry's atom:id.")
    when: datetime = Field(description="When it was removed; naive values are taken as UTC.")
    comment: str | None = Field(default=None, description="Plain-text reason shown to readers, if any.")


def _entry(parent: ET.Element, card: ArticleCard, site: SiteIdentity) -> None:
    entry = sub(parent, "entry", attrs={"xml:lang": optional_text(card.language)})
    sub(entry, "id", article_uri(card.id, site.website_url))
    sub(entry, "title", plain_text(card.headline), {"type": "text"})
    link = safe_url(card.url)
    if link:
        sub(entry, "link", attrs={"rel": "alternate", "type": "text/html", "href": link})
    add_atom_enclosure(entry, card.lead_image)
    sub(entry, "published", rfc3339(card.published_at))
    sub(entry, "updated", rfc3339(card.updated_at))
    seen: set[str] = set()
    for byline in card.authors:
        name = optional_text(byline.name)
        if not name or name.casefold() in seen:
            continue
        seen.add(name.casefold())
        author = sub(entry, "author")
        sub(author, "name", name)
        page = author_url(name, byline.url, site)
        if page:
            sub(author, "uri", page)
    sub(entry, "summary", item_text(card), {"type": "text"})
    sub(entry, "content", item_html(card), {"type": "html"})
    seen_tags: set[str] = set()
    for tag in card.tags:
        term = optional_text(tag)
        if term and term.casefold() not in seen_tags:
            seen_tags.add(term.casefold())
            sub(entry, "category", attrs={"term": term})
    add_media(entry, card.lead_image)


def _tombstones(parent: ET.Element, tombstones: Sequence[Tombstone], site_url: str) -> None:
    # RFC 6721 3: no two deleted entries may share both ref and when; newest first, like entries.
    unique = {(t.ref, utc(t.when)): t for t in tombstones}
    for (ref, when), tombstone in sorted(unique.items(), key=lambda kv: (kv[0][1], kv[0][0]), reverse=True):
        attrs = {"ref": article_uri(ref, site_url), "when": rfc3339(when)}
        deleted = sub(parent, "at:deleted-entry", attrs=attrs)
        comment = optional_text(tombstone.comment)
        if comment:
            sub(deleted, "at:comment", comment)


def _links(feed: FeedDescriptor) -> list[tuple[str, str, str | None]]:
    links: list[tuple[str, str, str | None]] = [
        ("self", MEDIA_TYPE, feed.atom_url),
        ("alternate", "text/html", feed.home_page_url),
        ("alternate", "application/feed+json", feed.json_feed_url),
        ("alternate", "application/rss+xml", feed.rss_url),
    ]
    if feed.archive and feed.current:
        links.append(("current", MEDIA_TYPE, feed.current.atom))
    if feed.prev_archive:
        links.append(("prev-archive", MEDIA_TYPE, feed.prev_archive.atom))
    if feed.archive and feed.next_archive:
        links.append(("next-archive", MEDIA_TYPE, feed.next_archive.atom))
    return links


def render_atom(
    feed: FeedDescriptor,
    cards: Sequence[ArticleCard],
    site: SiteIdentity,
    *,
    tombstones: Sequence[Tombstone] = (),
) -> bytes:
    """The Atom feed document as UTF-8 bytes; ``updated`` is ``feed.updated_at`` (keep it stable).

    ``site`` supplies the publisher (feed author), its logo and author pages, and the host that owns
    every ``tag:`` id. Without it the feed's home page stands in and there is no logo.
    """
    attrs: dict[str, str | None] = {"xmlns": ATOM_NS, "xmlns:media": MEDIA_NS}
    if tombstones:
        attrs["xmlns:at"] = TOMBSTONES_NS
    if feed.archive:
        attrs["xmlns:fh"] = HISTORY_NS
    attrs["xml:lang"] = optional_text(feed.language)
    document = root("feed", attrs)
    sub(document, "id", feed_uri(feed.name, site.website_url))
    sub(document, "title", plain_text(feed.title), {"type": "text"})
    description = optional_text(feed.description)
    if description:
        sub(document, "subtitle", description, {"type": "text"})
    sub(document, "updated", rfc3339(feed.updated_at))
    for rel, media_type, href in _links(feed):
        url = safe_url(href)
        if url:
            sub(document, "link", attrs={"rel": rel, "type": media_type, "href": url})
    if feed.archive:
        sub(document, "fh:archive")
    # RFC 4287 4.1.1: a feed-level author covers entries that name none.
    author = sub(document, "author")
    sub(author, "name", plain_text(site.publisher_name))
    home = safe_url(site.website_url)
    if home:
        sub(author, "uri", home)
    logo = safe_url(site.publisher_logo_url)
    if logo:
        sub(document, "logo", logo)
    for card in feed_order(cards):
        _entry(document, card, site)
    _tombstones(document, tombstones, site.website_url)
    return to_bytes(document)
