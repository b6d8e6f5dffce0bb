"""DynamoDB stream -> EventBridge: announce each committed head change (transactional outbox)."""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.observability import observability
from shared.service.relay import events_for_change
from shared.settings import Settings
from shared.store.bus import EventBus
from shared.store.table import from_item

SETTINGS = Settings.from_env()
obs = observability(SETTINGS.powertools_metrics_namespace)
logger, metrics = obs.logger, obs.metrics
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


@cache
def _bus() -> EventBus:
    return EventBus(SETTINGS.event_bus_name, SETTINGS.event_source)


def relay_record(record: DynamoDBRecord) -> None:
    change = record.raw_event["dynamodb"]
    new = from_item(change["NewImage"]) if "NewImage" in change else None
    old = from_item(change["OldImage"]) if "OldImage" in change else None
    logger.set_correlation_id(new.get("correlation_id") if new else None)
    events = events_for_change(new, old)
    if events:
        _bus().publish(events)
        for event in events:
            logger.info("event published", extra={"detail_type": event.detail_type, "key": change.get("Keys")})
        metrics.add_metric(name="EventsPublished", unit="Count", value=len(events))


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=relay_record, processor=processor, context=context)
