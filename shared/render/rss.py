"""RSS 2.0 (https://www.rssboard.org/rss-specification) with the Media RSS, Dublin Core, content and Atom
namespaces, and RFC 5005 archive links (its appendix B: ``atom:link`` and ``fh:archive`` in RSS).

Plain text goes into plain-text elements (``title``, ``dc:creator``, ``category``) and is only
XML-escaped. An item's ``description`` is defined as entity-encoded HTML, so it carries ``item_html``:
the summary HTML-escaped inside a paragraph, plus any correction notes. ``content:encoded`` repeats it:
feedparser then reports that HTML as the entry's content, never the image caption, and readers that
prefer ``content:encoded`` show the corrections too.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from shared.models.article import ArticleCard
from shared.models.feed import FeedDescriptor, FeedLinks
from shared.models.site import SiteIdentity
from shared.render._common import (
    feed_order,
    item_html,
    optional_text,
    plain_text,
    rfc822,
    safe_url,
    unique_texts,
)
from shared.render._media import add_media, add_rss_enclosure
from shared.render._xml import ATOM_NS, CONTENT_NS, DC_NS, HISTORY_NS, MEDIA_NS, root, sub, to_bytes

MEDIA_TYPE = "application/rss+xml"
RSS_DOCS = "https://www.rssboard.org/rss-specification"


def _item(channel: ET.Element, card: ArticleCard) -> None:
    item = sub(channel, "item")
    sub(item, "title", plain_text(card.headline))
    link = safe_url(card.url)
    if link:
        sub(item, "link", link)
    content = item_html(card)
    sub(item, "description", content)
    sub(item, "content:encoded", content)
    for author in unique_texts(a.name for a in card.authors):
        sub(item, "dc:creator", author)
    for tag in unique_texts(card.tags):
        sub(item, "category", tag)
    sub(item, "guid", plain_text(card.id), {"isPermaLink": "false"})
    sub(item, "pubDate", rfc822(card.published_at))
    language = optional_text(card.language)
    if language:
        sub(item, "dc:language", language)
    add_rss_enclosure(item, card.lead_image)
    add_media(item, card.lead_image)


def _archive_links(channel: ET.Element, feed: FeedDescriptor) -> None:
    links: list[tuple[str, FeedLinks | None]] = [
        ("current", feed.current if feed.archive else None),
        ("prev-archive", feed.prev_archive),
        ("next-archive", feed.next_archive if feed.archive else None),
    ]
    for rel, target in links:
        href = safe_url(target.rss) if target else None
        if href:
            sub(channel, "atom:link", attrs={"href": href, "rel": rel, "type": MEDIA_TYPE})


def render_rss(feed: FeedDescriptor, cards: Sequence[ArticleCard], site: SiteIdentity) -> bytes:
    """The RSS document as UTF-8 bytes; ``lastBuildDate`` is ``feed.updated_at`` (keep it stable).

    ``site`` supplies the channel image (the publisher's logo); without it the channel has none.
    """
    namespaces = {"xmlns:atom": ATOM_NS, "xmlns:content": CONTENT_NS, "xmlns:dc": DC_NS, "xmlns:media": MEDIA_NS}
    if feed.archive:
        namespaces["xmlns:fh"] = HISTORY_NS
    rss = root("rss", {"version": "2.0", **namespaces})
    channel = sub(rss, "channel")
    title = plain_text(feed.title)
    home = safe_url(feed.home_page_url) or safe_url(site.website_url) or ""
    sub(channel, "title", title)
    sub(channel, "link", home)
    sub(channel, "description", plain_text(feed.description))
    language = optional_text(feed.language)
    if language:
        sub(channel, "language", language)
    sub(channel, "lastBuildDate", rfc822(feed.updated_at))
    sub(channel, "docs", RSS_DOCS)
    logo = safe_url(site.publisher_logo_url)
    if logo and home:
        # RSS 2.0: the image's title and link should match the channel's.
        image = sub(channel, "image")
        sub(image, "url", logo)
        sub(image, "title", title)
        sub(image, "link", home)
    self_url = safe_url(feed.rss_url)
    if self_url:
        sub(channel, "atom:link", attrs={"href": self_url, "rel": "self", "type": MEDIA_TYPE})
    _archive_links(channel, feed)
    if feed.archive:
        sub(channel, "fh:archive")
    for card in feed_order(cards):
        _item(channel, card)
    return to_bytes(rss)
