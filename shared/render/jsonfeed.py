"""JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) from feed cards.

Served as ``application/feed+json``. Cards carry no body, so ``content_text`` (one of ``content_text``
or ``content_html`` is required per item) holds the summary, or the headline when there is none.
Newsroom-only fields go in a ``_newsroom`` extension object, as the spec reserves ``_`` names for that.
"""

from __future__ import annotations

from collections.abc import Sequence

from shared.models.article import ArticleCard, LeadImage
from shared.models.feed import FeedDescriptor
from shared.render._common import (
    clean_text,
    drop_empty,
    feed_order,
    image_credit_line,
    json_bytes,
    optional_text,
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
        }
    )


def _item(card: ArticleCard) -> dict[str, object]:
    headline = clean_text(card.headline)
    summary = optional_text(card.summary)
    extension = drop_empty(
        {
            "section": optional_text(card.section),
            "kind": card.kind.value,
            "revision": card.revision,
            "reading_time_minutes": card.reading_time_minutes,
            "word_count": card.word_count,
            "image": _image_extension(card.lead_image),
        }
    )
    return drop_empty(
        {
            "id": clean_text(card.id),
            "url": safe_url(card.url),
            "title": headline,
            "content_text": summary or headline,
            "summary": summary,
            "image": safe_url(card.lead_image.url) if card.lead_image else None,
            "date_published": rfc3339(card.published_at),
            "date_modified": rfc3339(card.updated_at),
            "authors": [{"name": name} for name in unique_texts(a.name for a in card.authors)],
            "tags": unique_texts(card.tags),
            "language": optional_text(card.language),
            "_newsroom": extension,
        }
    )


def render_json_feed(feed: FeedDescriptor, cards: Sequence[ArticleCard], *, next_url: str | None = None) -> bytes:
    """The feed document as UTF-8 JSON bytes; ``next_url`` links the following page when paginated."""
    document = drop_empty(
        {
            "version": JSON_FEED_VERSION,
            "title": clean_text(feed.title),
            "home_page_url": safe_url(feed.home_page_url),
            "feed_url": safe_url(feed.json_feed_url),
            "description": optional_text(feed.description),
            "language": optional_text(feed.language),
            "next_url": safe_url(next_url),
        }
    )
    document["items"] = [_item(card) for card in feed_order(cards)]
    return json_bytes(document)
