"""DynamoDB stream -> EventBridge: announce each committed head change (transactional outbox).

The batch's events are published together (10 per PutEvents call) before Powertools reports the
records, so a burst of changes costs a few calls instead of one per record; the records whose
events EventBridge did not accept are reported as failures and retried from there.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.observability import observability
from shared.service.relay import announce
from shared.settings import Settings
from shared.store.bus import EventBus
from shared.store.table import from_item

SETTINGS = Settings.from_env()
obs = observability(SETTINGS.powertools_metrics_namespace)
logger, metrics = obs.logger, obs.metrics
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
_not_accepted: set[str] = set()


class EventsNotAccepted(Exception):
    """EventBridge refused this record's events; Lambda retries from this record."""


@cache
def _bus() -> EventBus:
    return EventBus(SETTINGS.event_bus_name, SETTINGS.event_source)


def _image(record: dict[str, Any], name: str) -> dict[str, Any] | None:
    image = record["dynamodb"].get(name)
    return from_item(image) if image else None


def confirm_record(record: DynamoDBRecord) -> None:
    if record.dynamodb is not None and record.dynamodb.sequence_number in _not_accepted:
        raise EventsNotAccepted(record.dynamodb.sequence_number)


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    records = event.get("Records", [])
    changes = {r["dynamodb"]["SequenceNumber"]: (_image(r, "NewImage"), _image(r, "OldImage")) for r in records}
    by_change, failed = announce(changes, _bus())
    _not_accepted.clear()
    _not_accepted.update(failed)
    published = 0
    for record in records:
        key = record["dynamodb"]["SequenceNumber"]
        if key in failed:
            continue
        correlation_id = (changes[key][0] or {}).get("correlation_id")
        for outgoing in by_change[key]:
            published += 1
            logger.info(
                "event published",
                extra={"detail_type": outgoing.detail_type, "keys": record["dynamodb"].get("Keys"),
                       "correlation_id": correlation_id},
            )  # fmt: skip
    if published:
        metrics.add_metric(name="EventsPublished", unit="Count", value=published)
    return process_partial_response(event=event, record_handler=confirm_record, processor=processor, context=context)
