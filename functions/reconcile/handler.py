"""The reconciler: publishes articles whose schedule fired, and finishes work nothing else will.

Two triggers, one function: the schedule queue (EventBridge Scheduler's one-time schedules deliver
``{article_id, revision, publish_at}`` there) and a ``rate(1 minute)`` rule (a sweep of the ``Pending``
index). Both end in conditional head writes, so a schedule that fires twice, or a sweep that overlaps
one, changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.observability import observability
from shared.service.lifecycle import LifecycleService
from shared.service.reconcile import ReconcileService
from shared.settings import ReconcileSettings, load
from shared.store.queue import WorkQueue
from shared.store.scheduler import DuePublication
from shared.store.table import ArticleTable

SETTINGS = load(ReconcileSettings)
obs = observability(SETTINGS.POWERTOOLS_METRICS_NAMESPACE)
logger, metrics = obs.logger, obs.metrics


class _NoSchedules:
    """The reconciler publishes due articles; their schedules delete themselves after completion."""

    def cancel(self, name: str) -> None:
        return None


@dataclass(frozen=True)
class Dependencies:
    reconcile: ReconcileService


@cache
def default_dependencies() -> Dependencies:
    table = ArticleTable(SETTINGS.TABLE_NAME)
    lifecycle = LifecycleService(table, _NoSchedules())
    enrich = WorkQueue(SETTINGS.ENRICH_QUEUE_ARN, SETTINGS.EVENT_SOURCE)  # it re-announces ArticleSubmitted only
    return Dependencies(ReconcileService(table, enrich, lifecycle))


def reconcile(event: dict[str, Any], context: LambdaContext, deps: Dependencies) -> dict[str, Any]:
    """The handler's body: a batch of due schedules (SQS), or a sweep (the scheduled rule)."""
    records = event.get("Records")
    if records is not None:

        def publish(record: SQSRecord) -> None:
            due = DuePublication.model_validate_json(record.body)
            logger.set_correlation_id(record.message_id)
            published = deps.reconcile.publish_due([due], correlation_id=record.message_id)
            logger.info("due publication", extra={"article_id": due.article_id, "published": bool(published)})

        processor = BatchProcessor(event_type=EventType.SQS)
        return dict(process_partial_response(event=event, record_handler=publish, processor=processor, context=context))
    correlation_id = str(event.get("id") or context.aws_request_id)
    logger.set_correlation_id(correlation_id)
    sweep = deps.reconcile.sweep(correlation_id)
    for name, ids in (("Reannounced", sweep.reannounced), ("PublishedLate", sweep.published), ("Failed", sweep.failed)):
        if ids:
            metrics.add_metric(name=f"Reconcile{name}", unit="Count", value=len(ids))
    if sweep.reannounced or sweep.published or sweep.failed:
        logger.warning("reconciled stranded work", extra={"reannounced": sweep.reannounced,
                                                          "published": sweep.published,
                                                          "failed": sweep.failed})  # fmt: skip
    return {"reannounced": sweep.reannounced, "published": sweep.published, "cleared": sweep.cleared,
            "failed": sweep.failed}  # fmt: skip


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return reconcile(event, context, default_dependencies())
