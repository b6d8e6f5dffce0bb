"""ArticleSubmitted (via SQS) -> enrich and commit the revision. Partial batch failures reported.

Each message's body (the EventBridge event, its detail our envelope) is parsed with our own pydantic model
(shared.models.events.BusMessage) inside Powertools' BatchProcessor; a body that does not parse fails its
record only. A message that fails is made visible again after an
exponential backoff rather than the queue's long visibility timeout; the queue's redrive policy allows
enough receives that passing faults never reach the dead-letter queue (see docs/decisions.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.models.events import ArticleSubmitted, BusMessage
from shared.observability import observability
from shared.service.publishing import PublishingService
from shared.settings import EnrichSettings, load
from shared.store.blobs import BlobStore
from shared.store.queue import RetryQueue
from shared.store.scheduler import Schedules
from shared.store.table import ArticleTable

SETTINGS = load(EnrichSettings)
obs = observability(SETTINGS.POWERTOOLS_METRICS_NAMESPACE)
logger, metrics = obs.logger, obs.metrics


SubmittedMessage = BusMessage[ArticleSubmitted]


@dataclass(frozen=True)
class Dependencies:
    publishing: PublishingService
    retries: RetryQueue


@cache
def default_dependencies() -> Dependencies:
    schedules = Schedules(
        SETTINGS.SCHEDULE_GROUP, SETTINGS.SCHEDULE_TARGET_ARN, SETTINGS.SCHEDULE_ROLE_ARN, SETTINGS.SCHEDULE_DLQ_ARN
    )
    service = PublishingService(
        ArticleTable(SETTINGS.TABLE_NAME), BlobStore(SETTINGS.DOCUMENTS_BUCKET), schedules, SETTINGS.WEBSITE_URL
    )
    return Dependencies(publishing=service, retries=RetryQueue())


def enrich(event: dict[str, Any], context: LambdaContext, deps: Dependencies) -> PartialItemFailureResponse:
    """The handler's body, with its dependencies passed in (handler unit tests pass fakes)."""

    def process(record: SQSRecord) -> None:
        message = SubmittedMessage.model_validate_json(record.body).detail
        logger.set_correlation_id(message.metadata.correlation_id)
        logger.append_keys(article_id=message.data.article_id, revision=message.data.revision)
        try:
            result = deps.publishing.process(message.data.article_id, message.data.revision)
        except Exception:
            receives = int(record.attributes.approximate_receive_count)
            try:
                deps.retries.back_off(record.event_source_arn, record.receipt_handle, receives)
            except Exception:  # the queue's own visibility timeout still brings it back
                logger.warning("could not delay the retry", exc_info=True)
            raise
        logger.info("revision processed", extra={"outcome": result.outcome.value})
        metrics.add_metric(name=f"Articles{result.outcome.value.title()}", unit="Count", value=1)

    processor = BatchProcessor(event_type=EventType.SQS)
    return process_partial_response(event=event, record_handler=process, processor=processor, context=context)


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return enrich(event, context, default_dependencies())
