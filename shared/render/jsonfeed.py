"""JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) from feed cards.

Served as ``application/feed+json``. Cards carry no body, so an item's content is its summary:
``content_html`` is ``item_html`` (the escaped summary and any correction notes), ``content_text`` the
same in plain text, ``summary`` the bare summary. The lead image is the item's ``image``; authors carry
their page as ``url``. The feed's ``authors`` is the publisher. ``next_url`` pages back through the
archive (RFC 5005's ``prev-archive``). Newsroom-only fields go in a ``_newsroom`` extension object, as
the spec reserves ``_`` names for that.

Left out on purpose: ``icon``/``favicon`` (the spec asks for square images; a publisher logo usually
is not), ``banner_image`` (the lead image is already ``image``), ``attachments`` (readers treat them
as podcast media) and ``expired`` (an archive page can still change when an article in it is
corrected or taken down).
"""

from __future__ import annotations

from collections.abc import Sequence

from shared.models.article import ArticleCard, Byline, Correction, LeadImage
from shared.models.feed import FeedDescriptor
from shared.models.site import SiteIdentity
from shared.render._common import (
    author_url,
    corrections_in_order,
    drop_empty,
    feed_order,
    image_credit_line,
    item_html,
    item_plain_text,
    json_bytes,
    optional_text,
    plain_text,
    rfc3339,
    safe_url,
    unique_texts,
)

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
MEDIA_TYPE = "application/feed+json"


def _image_extension(image: LeadImage | None) -> dict[str, object]:
    if image is None or safe_url(image.url) is None:
        return {}
    return drop_empty(
        {
            "caption": optional_text(image.caption),
            "credit": image_credit_line(image),
            "alt_text": optional_text(image.alt_text),
            "width": image.width,
            "height": image.height,
        }
    )


def _corrections(corrections: Sequence[Correction]) -> list[dict[str, object]]:
    return [
        {"kind": c.kind.value, "text": text, "date_published": rfc3339(c.published_at), "revision": c.revision}
        for c in corrections_in_order(corrections)
        if (text := optional_text(c.text))
    ]


def _authors(bylines: Sequence[Byline], site: SiteIdentity) -> list[dict[str, object]]:
    authors: dict[str, dict[str, object]] = {}
    for byline in bylines:
        name = optional_text(byline.name)
        if name and name.casefold() not in authors:
            authors[name.casefold()] = drop_empty({"name": name, "url": author_url(name, byline.url, site)})
    return list(authors.values())


def _item(card: ArticleCard, site: SiteIdentity) -> dict[str, object]:
    extension = drop_empty(
        {
            "section": optional_text(card.section),
            "kind": card.kind.value,
            "revision": card.revision,
            "reading_time_minutes": card.reading_time_minutes,
            "word_count": card.word_count,
            "image": _image_extension(card.lead_image),
            "corrections": _corrections(card.corrections),
        }
    )
    return drop_empty(
        {
            "id": plain_text(card.id),
            "url": safe_url(card.url),
            "title": plain_text(card.headline),
            "content_html": item_html(card),
            "content_text": item_plain_text(card),
            "summary": optional_text(card.summary),
            "image": safe_url(card.lead_image.url) if card.lead_image else None,
            "date_published": rfc3339(card.published_at),
            "date_modified": rfc3339(card.updated_at),
            "authors": _authors(card.authors, site),
            "tags": unique_texts(card.tags),
            "language": optional_text(card.language),
            "_newsroom": extension,
        }
    )


def render_json_feed(feed: FeedDescriptor, cards: Sequence[ArticleCard], site: SiteIdentity) -> bytes:
    """The feed document as UTF-8 JSON bytes.

    ``feed_url`` is the subscription document's URL even on an archive page (it identifies the feed);
    ``next_url`` is the next page of older items (``feed.prev_archive``), absent on the oldest.
    """
    subscription = feed.current.json_feed if feed.archive and feed.current else feed.json_feed_url
    document = drop_empty(
        {
            "version": JSON_FEED_VERSION,
            "title": plain_text(feed.title),
            "home_page_url": safe_url(feed.home_page_url),
            "feed_url": safe_url(subscription),
            "description": optional_text(feed.description),
            "next_url": safe_url(feed.prev_archive.json_feed) if feed.prev_archive else None,
            "authors": [drop_empty({"name": plain_text(site.publisher_name), "url": safe_url(site.website_url)})],
            "language": optional_text(feed.language),
        }
    )
    document["items"] = [_item(card, site) for card in feed_order(cards)]
    return json_bytes(document)
