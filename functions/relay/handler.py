"""DynamoDB stream -> EventBridge (and the enrich queue): announce each committed head change (the outbox).

Records are read with Powertools' DynamoDB stream data classes (its parser models cost ~200 ms of cold
start, see docs/decisions.md); each image becomes the typed head of shared/store. The batch's events
are published together (10 per PutEvents or SendMessageBatch call; accepted revisions go straight to the
enrich queue) before the records are reported, so a burst of changes costs a few calls; the records
whose events were refused are reported as failures and Lambda retries from there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.models.events import FeedFiles
from shared.models.feed import feed_path
from shared.observability import observability
from shared.service.relay import WORK, Publisher, Routed, announce
from shared.settings import RelaySettings, load
from shared.store.bus import EventBus
from shared.store.items import ArticleHead, head_from_item
from shared.store.queue import WorkQueue

SETTINGS = load(RelaySettings)
obs = observability(SETTINGS.POWERTOOLS_METRICS_NAMESPACE)
logger, metrics = obs.logger, obs.metrics


class EventsNotAccepted(Exception):
    """EventBridge (or the enrich queue) refused this record's events; Lambda retries from this record."""


@dataclass(frozen=True)
class Dependencies:
    bus: Publisher
    links: Callable[[str], FeedFiles]


def feed_links(site_base_url: str) -> Callable[[str], FeedFiles]:
    base = site_base_url.rstrip("/")

    def links(feed: str) -> FeedFiles:
        folder = f"{base}/{feed_path(feed)}"
        return FeedFiles(feed=feed, json_feed=f"{folder}/feed.json", rss=f"{folder}/rss.xml", atom=f"{folder}/atom.xml")

    return links


@cache
def default_dependencies() -> Dependencies:
    enrich = WorkQueue(SETTINGS.ENRICH_QUEUE_ARN, SETTINGS.EVENT_SOURCE)
    bus = Routed(EventBus(SETTINGS.EVENT_BUS_NAME, SETTINGS.EVENT_SOURCE), dict.fromkeys(WORK, enrich))
    return Dependencies(bus, feed_links(SETTINGS.SITE_BASE_URL))


def _head(image: Any) -> ArticleHead | None:
    if not isinstance(image, dict) or image.get("entity") != "article":
        return None
    return head_from_item(image)


def relay(event: dict[str, Any], context: LambdaContext, deps: Dependencies) -> PartialItemFailureResponse:
    """The handler's body: parse every record, publish the batch's events, report the refused records.

    A record that cannot be read is reported failed with everything after it (Lambda retries from
    there, keeping the outbox's order); it blocks its shard until fixed, which the iterator-age alarm
    shows, rather than losing an announcement.
    """
    changes: dict[str, tuple[ArticleHead | None, ArticleHead | None]] = {}
    unreadable: set[str] = set()
    for raw in event.get("Records", []):
        sequence = str(raw.get("dynamodb", {}).get("SequenceNumber", ""))
        try:
            change = DynamoDBRecord(raw).dynamodb
            if change is None:
                raise ValueError("a stream record without its change")
            changes[sequence] = (_head(change.new_image), _head(change.old_image))
        except (ValueError, TypeError, KeyError):
            logger.exception("unreadable stream record", extra={"sequence_number": sequence})
            unreadable.add(sequence)
            break  # nothing after it is announced before it is
    by_change, refused = announce(changes, deps.bus, deps.links)
    refused |= unreadable
    published = 0
    for sequence, events in by_change.items():
        if sequence in refused:
            continue
        new = changes[sequence][0]
        for outgoing in events:
            published += 1
            logger.info(
                "event published",
                extra={"detail_type": outgoing.detail_type, "article_id": new.id if new else None,
                       "correlation_id": new.change.correlation_id if new else None},
            )  # fmt: skip
    if published:
        metrics.add_metric(name="EventsPublished", unit="Count", value=published)
    if refused:
        metrics.add_metric(name="EventsRefused", unit="Count", value=len(refused))

    def confirm(record: DynamoDBRecord) -> None:
        sequence = record.dynamodb.sequence_number if record.dynamodb else None
        if sequence in refused or sequence not in changes:
            raise EventsNotAccepted(str(sequence))

    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
    return process_partial_response(event=event, record_handler=confirm, processor=processor, context=context)


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return relay(event, context, default_dependencies())
