"""Domain events on the bus: one versioned envelope, one data model per detail-type.

Every event is the echo of a committed DynamoDB change (see shared.service.relay), so its id is
derived from that change: a redelivered stream record yields the same ``event_id`` and consumers
can recognise it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import ClassVar, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.models.common import ArticleKind

EVENT_VERSION = "1"


class EventMetadata(BaseModel):
    event_id: str = Field(description="Deterministic per committed change: duplicates share it.")
    event_version: str = EVENT_VERSION
    correlation_id: str = Field(description="The API request that started the chain.")
    occurred_at: AwareDatetime


class EventData(BaseModel):
    """Base of every event's data: the detail-type is part of the class."""

    model_config = ConfigDict(frozen=True)
    detail_type: ClassVar[str]
    description: ClassVar[str]
    consumed_by: ClassVar[str] = "partners and downstream systems (no consumer in this stack)"


class ArticleSubmitted(EventData):
    detail_type: ClassVar[str] = "ArticleSubmitted"
    description: ClassVar[str] = "A revision was accepted by the API and stored; enrichment is next."
    consumed_by: ClassVar[str] = "`enrich` (SQS queue with DLQ)"

    article_id: str
    revision: int
    submitted_at: AwareDatetime
    external_id: str | None = None


class ArticlePublished(EventData):
    detail_type: ClassVar[str] = "ArticlePublished"
    description: ClassVar[str] = "A revision was enriched and is live in its feeds."
    consumed_by: ClassVar[str] = "`build_feeds` (SQS queue with DLQ); search, push and partners"

    article_id: str
    revision: int
    slug: str
    headline: str
    url: str
    section: str
    tags: list[str]
    language: str
    kind: ArticleKind
    published_at: AwareDatetime
    updated_at: AwareDatetime
    feeds: list[str] = Field(description="Feed indexes the article is in, e.g. 'all', 'section#news'.")
    duplicate_of: str | None = None


class ArticleRejected(EventData):
    detail_type: ClassVar[str] = "ArticleRejected"
    description: ClassVar[str] = "A revision failed checks during enrichment and was not published."

    article_id: str
    revision: int
    reasons: list[str]


class FeedUpdated(EventData):
    detail_type: ClassVar[str] = "FeedUpdated"
    description: ClassVar[str] = "A feed's static files were rebuilt with new content."

    feed: str
    version: int
    etag: str
    item_count: int
    built_at: datetime
    files: dict[str, str] = Field(description="Format -> public URL, e.g. 'json_feed', 'rss', 'atom'.")


DataT = TypeVar("DataT", bound=EventData)


class Envelope[DataT: EventData](BaseModel):
    """The EventBridge ``detail`` of every event on the bus."""

    metadata: EventMetadata
    data: DataT


EVENT_TYPES: dict[str, type[EventData]] = {
    cls.detail_type: cls for cls in (ArticleSubmitted, ArticlePublished, ArticleRejected, FeedUpdated)
}


def parse_bus_message[DataT: EventData](body: str, data_type: type[DataT]) -> Envelope[DataT]:
    """An SQS message body delivered by an EventBridge rule -> the typed envelope of its detail."""
    event = json.loads(body)
    detail_type = event.get("detail-type")
    if detail_type != data_type.detail_type:
        raise ValueError(f"expected {data_type.detail_type}, got {detail_type!r}")
    return Envelope[data_type].model_validate(event["detail"])  # type: ignore[valid-type]


def parse_any_bus_message(body: str) -> Envelope[EventData]:
    """An SQS message body delivered by an EventBridge rule -> the envelope of whichever known type."""
    detail_type = json.loads(body).get("detail-type")
    if detail_type not in EVENT_TYPES:
        raise ValueError(f"unknown detail-type {detail_type!r}")
    return parse_bus_message(body, EVENT_TYPES[detail_type])
