"""The transactional outbox: each committed head change becomes at most one domain event.

The relay never decides anything: it reads what the table committed (old and new image of an
article head or a feed manifest) and says it on the bus. Event ids derive from the change itself,
so a redelivered stream record produces an identical event.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from shared.models.events import (
    ArticlePublished,
    ArticleRejected,
    ArticleSubmitted,
    Envelope,
    EventData,
    EventMetadata,
    FeedUpdated,
)
from shared.store.bus import EventPublishError, OutgoingEvent

_EVENT_NAMESPACE = uuid.UUID("6f1c1f5e-8d4b-4c51-9a53-2b0f3d1e7c10")

Image = Mapping[str, Any]


def event_id(key: str) -> str:
    return str(uuid.uuid5(_EVENT_NAMESPACE, key))


def _envelope(data: EventData, key: str, correlation_id: str, occurred_at: str) -> OutgoingEvent:
    envelope = Envelope[EventData](
        metadata=EventMetadata(
            event_id=event_id(f"{key}|{data.detail_type}"),
            correlation_id=correlation_id,
            occurred_at=datetime.fromisoformat(occurred_at),
        ),
        data=data,
    )
    # The envelope is typed by the base class; serialize data by its runtime type (all its fields).
    return OutgoingEvent(data.detail_type, envelope.model_dump_json(serialize_as_any=True))


def events_for_change(new: Image | None, old: Image | None) -> list[OutgoingEvent]:
    """The events that announce one committed change (zero or one)."""
    if new is None:
        return []  # removals are not announced yet (unpublishing comes with its own state)
    if new.get("pk", "").startswith("FEEDMETA#"):
        return _feed_events(new, old)
    if new.get("entity") == "article":
        return _article_events(new, old)
    return []


def _article_events(new: Image, old: Image | None) -> list[OutgoingEvent]:
    status, revision = new["status"], new["revision"]
    if old is not None and old.get("status") == status and old.get("revision") == revision:
        return []  # a change that is not a transition (e.g. a metadata touch)
    key = f"{new['pk']}|r{revision}"
    correlation = new.get("correlation_id", key)
    data: EventData
    if status == "received":
        data = ArticleSubmitted(
            article_id=new["id"],
            revision=revision,
            submitted_at=new["submitted_at"],
            external_id=new.get("external_id"),
        )
        return [_envelope(data, key, correlation, new["submitted_at"])]
    if status == "published":
        data = ArticlePublished(
            article_id=new["id"],
            revision=revision,
            slug=new["slug"],
            headline=new["headline"],
            url=new["url"],
            section=new["section"],
            tags=new.get("tags", []),
            language=new["language"],
            kind=new["kind"],
            published_at=new["published_at"],
            updated_at=new["updated_at"],
            feeds=new.get("feeds", []),
            duplicate_of=new.get("duplicate_of"),
        )
        return [_envelope(data, key, correlation, new["updated_at"])]
    if status == "rejected":
        data = ArticleRejected(article_id=new["id"], revision=revision, reasons=new.get("rejection_reasons", []))
        return [_envelope(data, key, correlation, new["updated_at"])]
    return []


def _feed_events(new: Image, old: Image | None) -> list[OutgoingEvent]:
    if old is not None and old.get("version") == new["version"]:
        return []
    data = FeedUpdated(
        feed=new["feed"],
        version=new["version"],
        etag=new["etag"],
        item_count=new["item_count"],
        built_at=new["built_at"],
        files=new["files"],
    )
    key = f"{new['pk']}|v{new['version']}"
    return [_envelope(data, key, new.get("correlation_id", key), new["built_at"])]


class Publisher(Protocol):
    def publish(self, events: Sequence[OutgoingEvent]) -> None: ...


def announce(
    changes: Mapping[str, tuple[Image | None, Image | None]], bus: Publisher
) -> tuple[dict[str, list[OutgoingEvent]], set[str]]:
    """Publish the events of a whole batch of changes together (the bus sends 10 per call).

    ``changes`` maps a change's key (its stream sequence number) to its new and old image. Returns
    the events of each change and the keys of the changes whose events were not all accepted, so
    the caller reports exactly those for retry.
    """
    by_change = {key: events_for_change(new, old) for key, (new, old) in changes.items()}
    everything = [event for events in by_change.values() for event in events]
    if not everything:
        return by_change, set()
    try:
        bus.publish(everything)
    except EventPublishError as error:
        rejected = {event for event, _ in error.failed}
        return by_change, {key for key, events in by_change.items() if rejected.intersection(events)}
    return by_change, set()
