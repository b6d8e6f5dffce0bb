"""The transactional outbox: each committed head change becomes its domain events.

The relay never decides anything: the service that wrote the head recorded what it did in
``head.change``, and the events derive from the new image alone. Event ids derive from the change
(``ARTICLE#{id}|v{version}|{detail-type}``; an accepted revision is ``…|r{revision}|ArticleSubmitted``),
so a redelivered stream record, or the reconciler re-announcing stranded work, produces the same id.

Events are for partners and go on the bus, except the pipeline's own work: an accepted revision
(``ArticleSubmitted``) goes straight to the enrich queue (:class:`Routed`), in the same envelope and
with the same id, because nothing outside the stack consumes it and a bus hop would cost an event and a
delivery for every revision (see docs/decisions.md).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Final, Protocol

from shared.models.events import (
    ArticlePublished,
    ArticleRejected,
    ArticleScheduled,
    ArticleSubmitted,
    ArticleUnpublished,
    ArticleUpdated,
    Envelope,
    EventData,
    EventMetadata,
    FeedFiles,
    FeedUpdated,
)
from shared.store.bus import EventPublishError, OutgoingEvent
from shared.store.items import ArticleHead, ChangeType

_EVENT_NAMESPACE: Final = uuid.UUID("6f1c1f5e-8d4b-4c51-9a53-2b0f3d1e7c10")

FeedLinks = Callable[[str], FeedFiles]


def event_id(key: str) -> str:
    return str(uuid.uuid5(_EVENT_NAMESPACE, key))


def envelope(data: EventData, key: str, correlation_id: str, occurred_at: datetime) -> OutgoingEvent:
    message = Envelope[EventData](
        metadata=EventMetadata(
            event_id=event_id(f"{key}|{data.detail_type}"),
            event_version=data.version,
            correlation_id=correlation_id,
            occurred_at=occurred_at,
        ),
        data=data,
    )
    # The envelope is typed by the base class; serialize data by its runtime type (all its fields).
    return OutgoingEvent(data.detail_type, message.model_dump_json(serialize_as_any=True))


def submitted_event(head: ArticleHead) -> OutgoingEvent:
    """The announcement of the head's newest revision (also what the reconciler re-announces)."""
    data = ArticleSubmitted(
        article_id=head.id, revision=head.revision, submitted_at=head.accepted_at, external_id=head.external_id
    )
    return envelope(data, f"{head.pk}|r{head.revision}", head.correlation_id, head.accepted_at)


def events_for(head: ArticleHead, links: FeedLinks) -> list[OutgoingEvent]:
    """The events announcing the change this head records (none for bookkeeping changes)."""
    change = head.change
    key, correlation, at = f"{head.pk}|v{head.version}", change.correlation_id, change.at
    if change.type is ChangeType.SUBMITTED:
        return [submitted_event(head)]
    if change.type is ChangeType.REJECTED:
        data: EventData = ArticleRejected(article_id=head.id, revision=change.revision, reasons=change.reasons)
        return [envelope(data, key, correlation, at)]
    if change.type is ChangeType.SCHEDULED:
        assert head.publish_at and head.slug and head.url  # set when enrichment schedules
        data = ArticleScheduled(
            article_id=head.id,
            revision=change.revision,
            publish_at=head.publish_at,
            slug=head.slug,
            url=head.url,
            headline=head.card.headline if head.card else head.headline,
        )
        return [envelope(data, key, correlation, at)]
    if change.type is ChangeType.UNPUBLISHED:
        data = ArticleUnpublished(
            article_id=head.id,
            revision=head.live_revision or head.revision,
            reason=change.reasons[0] if change.reasons else "",
            unpublished_at=at,
            url=head.url,
            feeds=change.previous_feeds,
        )
        events = [envelope(data, key, correlation, at)]
        if change.previous_feeds:
            events.append(_feeds_updated(head, change.previous_feeds, links, key))
        return events
    if change.type in (ChangeType.PUBLISHED, ChangeType.UPDATED):
        return [envelope(_live_event(head), key, correlation, at), _feeds_updated(head, _touched(head), links, key)]
    return []  # PROCESSED: nothing public happened


def _touched(head: ArticleHead) -> list[str]:
    return list(dict.fromkeys([*head.feeds, *head.change.previous_feeds]))


def _live_event(head: ArticleHead) -> EventData:
    card, change = head.card, head.change
    assert card is not None and head.published_at is not None  # a live article has both
    common = {
        "article_id": head.id,
        "revision": card.revision,
        "slug": card.slug,
        "headline": card.headline,
        "url": card.url,
        "section": card.section,
        "tags": card.tags,
        "language": card.language,
        "kind": card.kind,
        "published_at": head.published_at,
        "updated_at": card.updated_at,
        "feeds": head.feeds,
    }
    if change.type is ChangeType.UPDATED:
        return ArticleUpdated(
            **common,
            previous_revision=change.previous_revision or card.revision,
            changed_fields=change.changed_fields,
            correction=change.correction,
            previous_feeds=change.previous_feeds,
        )
    duplicate_of = head.enrichment.duplicate_of if head.enrichment else None
    return ArticlePublished(**common, restored=change.restored, duplicate_of=duplicate_of)


def _feeds_updated(head: ArticleHead, feeds: Sequence[str], links: FeedLinks, key: str) -> OutgoingEvent:
    change = head.change
    data = FeedUpdated(
        article_id=head.id, change=change.type.value, updated_at=change.at, feeds=[links(feed) for feed in feeds]
    )
    return envelope(data, key, change.correlation_id, change.at)


def events_for_change(new: ArticleHead | None, old: ArticleHead | None, links: FeedLinks) -> list[OutgoingEvent]:
    """A stream record's events: only a write that moved the version announces anything."""
    if new is None or (old is not None and old.version == new.version):
        return []  # a removal, or bookkeeping (the reconciler's retry time)
    return events_for(new, links)


class Publisher(Protocol):
    def publish(self, events: Sequence[OutgoingEvent]) -> None: ...


WORK: Final = (ArticleSubmitted.detail_type,)  # detail-types that are the stack's own work, not the bus's


class Routed:
    """A publisher that sends each event to its detail-type's own destination (a work queue) or the bus.

    Every destination is tried; the events any of them refused are raised together, so callers learn
    exactly which went out (as from the bus alone).
    """

    def __init__(self, bus: Publisher, routes: Mapping[str, Publisher]) -> None:
        self._bus = bus
        self._routes = routes

    def publish(self, events: Sequence[OutgoingEvent]) -> None:
        groups: dict[int, tuple[Publisher, list[OutgoingEvent]]] = {}
        for event in events:
            target = self._routes.get(event.detail_type, self._bus)
            groups.setdefault(id(target), (target, []))[1].append(event)
        failed: list[tuple[OutgoingEvent, str]] = []
        for target, group in groups.values():
            try:
                target.publish(group)
            except EventPublishError as error:
                failed += error.failed
        if failed:
            raise EventPublishError(failed)


def announce(
    changes: Mapping[str, tuple[ArticleHead | None, ArticleHead | None]], bus: Publisher, links: FeedLinks
) -> tuple[dict[str, list[OutgoingEvent]], set[str]]:
    """Publish the events of a whole batch of changes together (the bus sends 10 per call).

    ``changes`` maps a change's key (its stream sequence number) to its new and old head. Returns the
    events of each change and the keys of the changes whose events were not all accepted, so the
    caller reports exactly those for retry.
    """
    by_change = {key: events_for_change(new, old, links) for key, (new, old) in changes.items()}
    everything = [event for events in by_change.values() for event in events]
    if not everything:
        return by_change, set()
    try:
        bus.publish(everything)
    except EventPublishError as error:
        rejected = {event for event, _ in error.failed}
        return by_change, {key for key, events in by_change.items() if rejected.intersection(events)}
    return by_change, set()
