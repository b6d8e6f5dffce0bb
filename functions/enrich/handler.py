"""ArticleSubmitted (via SQS) -> enrich and publish the revision. Partial batch failures reported."""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.models.events import ArticleSubmitted, parse_bus_message
from shared.observability import observability
from shared.service.publishing import PublishingService
from shared.settings import Settings
from shared.store.blobs import BlobStore
from shared.store.table import ArticleTable

SETTINGS = Settings.from_env()
obs = observability(SETTINGS.powertools_metrics_namespace)
logger, metrics = obs.logger, obs.metrics
processor = BatchProcessor(event_type=EventType.SQS)


@cache
def _service() -> PublishingService:
    return PublishingService(
        ArticleTable(SETTINGS.table_name), BlobStore(SETTINGS.documents_bucket), SETTINGS.website_url
    )


def enrich_record(record: SQSRecord) -> None:
    message = parse_bus_message(record.body, ArticleSubmitted)
    logger.set_correlation_id(message.metadata.correlation_id)
    logger.append_keys(article_id=message.data.article_id)
    result = _service().process(message.data.article_id, message.data.revision)
    logger.info("article processed", extra={"outcome": result.outcome.value, "revision": message.data.revision})
    metrics.add_metric(name=f"Articles{result.outcome.value.title()}", unit="Count", value=1)


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=enrich_record, processor=processor, context=context)
