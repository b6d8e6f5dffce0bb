"""RSS 2.0 (https://www.rssboard.org/rss-specification) with the Media RSS, Dublin Core and Atom namespaces.

Plain text goes into plain-text elements (``title``, ``dc:creator``, ``category``) and is only
XML-escaped. An item's ``description`` is defined as entity-encoded HTML, so the plain-text summary is
HTML-escaped first: a reader that renders it as HTML shows ``<b>`` as text, never as markup.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from shared.models.article import ArticleCard
from shared.models.feed import FeedDescriptor
from shared.render._common import (
    clean_text,
    feed_order,
    optional_text,
    rfc822,
    safe_url,
    unique_texts,
)
from shared.render._media import add_media_content
from shared.render._xml import ATOM_NS, DC_NS, MEDIA_NS, root, sub, to_bytes

MEDIA_TYPE = "application/rss+xml"
RSS_DOCS = "https://www.rssboard.org/rss-specification"


def _item(channel: ET.Element, card: ArticleCard) -> None:
    item = sub(channel, "item")
    sub(item, "title", clean_text(card.headline))
    link = safe_url(card.url)
    if link:
        sub(item, "link", link)
    summary = optional_text(card.summary)
    if summary:
        sub(item, "description", html.escape(summary, quote=False))
    for author in unique_texts(a.name for a in card.authors):
        sub(item, "dc:creator", author)
    for tag in unique_texts(card.tags):
        sub(item, "category", tag)
    sub(item, "guid", clean_text(card.id), {"isPermaLink": "false"})
    sub(item, "pubDate", rfc822(card.published_at))
    language = optional_text(card.language)
    if language:
        sub(item, "dc:language", language)
    add_media_content(item, card.lead_image)


def render_rss(feed: FeedDescriptor, cards: Sequence[ArticleCard]) -> bytes:
    """The RSS document as UTF-8 bytes; ``lastBuildDate`` is ``feed.updated_at`` (keep it stable)."""
    rss = root(
        "rss",
        {"version": "2.0", "xmlns:atom": ATOM_NS, "xmlns:dc": DC_NS, "xmlns:media": MEDIA_NS},
    )
    channel = sub(rss, "channel")
    sub(channel, "title", clean_text(feed.title))
    sub(channel, "link", safe_url(feed.home_page_url) or "")
    sub(channel, "description", clean_text(feed.description))
    language = optional_text(feed.language)
    if language:
        sub(channel, "language", language)
    sub(channel, "lastBuildDate", rfc822(feed.updated_at))
    sub(channel, "docs", RSS_DOCS)
    self_url = safe_url(feed.rss_url)
    if self_url:
        sub(channel, "atom:link", attrs={"href": self_url, "rel": "self", "type": MEDIA_TYPE})
    for card in feed_order(cards):
        _item(channel, card)
    return to_bytes(rss)
