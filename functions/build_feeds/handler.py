"""ArticlePublished|Updated|Unpublished (via SQS) -> rebuild the static files of affected feeds.

A batch that touches the same feed many times rebuilds it once: every record in the batch was
committed before the batch arrived, so the first rebuild already contains all of them.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.models.events import parse_any_bus_message
from shared.observability import observability
from shared.service.feed_files import FeedBuilder
from shared.service.feeds import FeedSite
from shared.settings import Settings
from shared.store.blobs import BlobStore
from shared.store.table import ArticleTable

SETTINGS = Settings.from_env()
obs = observability(SETTINGS.powertools_metrics_namespace)
logger, metrics = obs.logger, obs.metrics
processor = BatchProcessor(event_type=EventType.SQS)
_built_this_batch: set[str] = set()


@cache
def _builder() -> FeedBuilder:
    site = FeedSite(SETTINGS.site_base_url, SETTINGS.website_url, SETTINGS.site_title)
    return FeedBuilder(
        ArticleTable(SETTINGS.table_name), BlobStore(SETTINGS.site_bucket), site, SETTINGS.static_feed_size
    )


def feed_record(record: SQSRecord) -> None:
    message = parse_any_bus_message(record.body)
    logger.set_correlation_id(message.metadata.correlation_id)
    for feed in getattr(message.data, "feeds", []):
        if feed in _built_this_batch:
            continue
        build = _builder().rebuild(feed)
        _built_this_batch.add(feed)
        logger.info("feed built", extra={"feed": feed, "version": build.version, "changed": build.changed})
        metrics.add_metric(name="FeedsRebuilt" if build.changed else "FeedsUnchanged", unit="Count", value=1)


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    _built_this_batch.clear()
    return process_partial_response(event=event, record_handler=feed_record, processor=processor, context=context)
