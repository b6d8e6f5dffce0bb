"""Domain events on the bus: one versioned envelope, one data model per detail-type.

Every event is the echo of a committed DynamoDB change (see shared.service.relay), so its id is
derived from that change: a redelivered stream record, or a re-announcement by the reconciler, yields
the same ``event_id`` and consumers can recognise it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.models.article import Correction
from shared.models.common import ArticleKind


class EventMetadata(BaseModel):
    event_id: str = Field(description="Deterministic per committed change: duplicates share it.")
    event_version: str = Field(description="Changes only with a breaking change of this detail-type's data.")
    correlation_id: str = Field(description="The API request that started the chain.")
    occurred_at: AwareDatetime


class EventData(BaseModel):
    """Base of every event's data: the detail-type and its version are part of the class."""

    model_config = ConfigDict(frozen=True)
    detail_type: ClassVar[str]
    version: ClassVar[str] = "1"
    description: ClassVar[str]
    consumed_by: ClassVar[str] = "partners and downstream systems (no consumer in this stack)"


class ArticleSubmitted(EventData):
    detail_type: ClassVar[str] = "ArticleSubmitted"
    description: ClassVar[str] = "A revision (the first or an update) was accepted and stored; enrichment is next."
    consumed_by: ClassVar[str] = "`enrich` (sent by the relay straight to its SQS queue, with a DLQ; not on the bus)"

    article_id: str
    revision: int
    submitted_at: AwareDatetime = Field(description="When this revision was accepted.")
    external_id: str | None = None


class _Live(EventData):
    """What every event about a public article says about it."""

    article_id: str
    revision: int = Field(description="The live revision.")
    slug: str
    headline: str
    url: str
    section: str
    tags: list[str]
    language: str
    kind: ArticleKind
    published_at: AwareDatetime = Field(description="Feed order time (first publication, or the backdated time).")
    updated_at: AwareDatetime
    feeds: list[str] = Field(description="Feed indexes the article is in, e.g. 'all', 'section#news', 'tag#russia'.")


class ArticleScheduled(EventData):
    detail_type: ClassVar[str] = "ArticleScheduled"
    description: ClassVar[str] = "A revision was enriched and waits for its publication time (embargo)."

    article_id: str
    revision: int
    publish_at: AwareDatetime
    slug: str
    url: str
    headline: str


class ArticlePublished(_Live):
    detail_type: ClassVar[str] = "ArticlePublished"
    description: ClassVar[str] = (
        "The article went live: first publication, a scheduled publication at its time, or a restore."
    )
    consumed_by: ClassVar[str] = "search, push and partners (no consumer in this stack)"

    restored: bool = Field(default=False, description="True when it comes back after a takedown.")
    duplicate_of: str | None = None


class ArticleUpdated(_Live):
    detail_type: ClassVar[str] = "ArticleUpdated"
    description: ClassVar[str] = "A new revision of a published article went live, in the same place in its feeds."

    previous_revision: int
    changed_fields: list[str] = Field(description="Submission fields that differ from the previous live revision.")
    correction: Correction | None = None
    previous_feeds: list[str] = Field(description="Feeds before the update (it left those not in `feeds`).")


class ArticleUnpublished(EventData):
    detail_type: ClassVar[str] = "ArticleUnpublished"
    description: ClassVar[str] = "The article was taken down: it left every feed and answers 410 to readers."

    article_id: str
    revision: int
    reason: str
    unpublished_at: AwareDatetime
    url: str | None = None
    feeds: list[str] = Field(description="Feeds it left (empty if it was only scheduled).")


class ArticleRejected(EventData):
    detail_type: ClassVar[str] = "ArticleRejected"
    description: ClassVar[str] = (
        "A revision failed checks during enrichment; the article's live revision, if any, stays."
    )

    article_id: str
    revision: int
    reasons: list[str]


class FeedFiles(BaseModel):
    feed: str = Field(examples=["all", "section#news", "tag#russia"])
    json_feed: str
    rss: str
    atom: str


class FeedUpdated(EventData):
    detail_type: ClassVar[str] = "FeedUpdated"
    version: ClassVar[str] = "2"
    description: ClassVar[str] = (
        "Feeds changed because an article entered, changed in or left them; feeds are rendered on read, "
        "so the files behind these URLs already show it."
    )

    article_id: str
    change: str = Field(examples=["published", "updated", "unpublished"])
    updated_at: datetime
    feeds: list[FeedFiles]


class Envelope[DataT: EventData](BaseModel):
    """The EventBridge ``detail`` of every event on the bus."""

    metadata: EventMetadata
    data: DataT


class BusMessage[DataT: EventData](BaseModel):
    """An event as an EventBridge rule delivers it to SQS (and as the relay sends work to a queue itself):
    the parts consumers read, ``detail`` typed."""

    model_config = ConfigDict(populate_by_name=True)

    id: str
    detail_type: str = Field(alias="detail-type")
    source: str
    time: AwareDatetime
    detail: Envelope[DataT]


EVENT_TYPES: dict[str, type[EventData]] = {
    cls.detail_type: cls
    for cls in (
        ArticleSubmitted,
        ArticleScheduled,
        ArticlePublished,
        ArticleUpdated,
        ArticleUnpublished,
        ArticleRejected,
        FeedUpdated,
    )
}


def parse_bus_message[DataT: EventData](body: str, data_type: type[DataT]) -> Envelope[DataT]:
    """An SQS message body delivered by an EventBridge rule -> the typed envelope of its detail."""
    event = json.loads(body)
    detail_type = event.get("detail-type")
    if detail_type != data_type.detail_type:
        raise ValueError(f"expected {data_type.detail_type}, got {detail_type!r}")
    return Envelope[data_type].model_validate(event["detail"])  # type: ignore[valid-type]
