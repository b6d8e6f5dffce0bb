"""Enrichment: ArticleSubmitted -> EnrichQueue -> the enrich function, which publishes, schedules or rejects.

One DLQ holds every submission whose enrichment did not happen: events the rule could not deliver to
the queue (after its retry policy) and messages the function failed ``ENRICH_MAX_RECEIVE_COUNT`` times.
Both carry the event as the message body, so one redrive to the queue replays either kind.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aws_cdk import Duration
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra import constants
from infra.constructs.common import dead_letter_queue, work_queue
from infra.constructs.function import PipelineFunction
from infra.constructs.scheduling import Scheduling
from shared.models.events import ArticleSubmitted

ENRICH_TABLE_WRITES = (
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:BatchWriteItem",
)
TRIGGERS = (ArticleSubmitted,)


class Enrichment(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        table: dynamodb.Table,
        documents: s3.IBucket,
        bus: events.IEventBus,
        scheduling: Scheduling,
        website_url: str,
        code: Path,
        layers: Sequence[lambda_.ILayerVersion],
    ) -> None:
        super().__init__(scope, construct_id)
        self.dlq = dead_letter_queue(
            self, "Dlq", holds="submissions whose enrichment failed or was never delivered", redrive_target=True
        )
        self.queue = work_queue(
            self,
            "Queue",
            consumer=constants.ENRICH,
            dlq=self.dlq,
            max_receive_count=constants.ENRICH_MAX_RECEIVE_COUNT,
        )
        detail_types = [event.detail_type for event in TRIGGERS]
        self.rule = events.Rule(
            self,
            "Rule",
            event_bus=bus,
            description=f"{', '.join(detail_types)} -> enrich queue",
            event_pattern=events.EventPattern(source=[constants.EVENT_SOURCE], detail_type=detail_types),
            targets=[
                targets.SqsQueue(
                    self.queue,
                    dead_letter_queue=self.dlq,
                    retry_attempts=constants.RULE_TARGET_RETRY_ATTEMPTS,
                    max_event_age=Duration.hours(constants.RULE_TARGET_MAX_EVENT_AGE_HOURS),
                )
            ],
        )

        self.enrich = PipelineFunction(
            self,
            "Enrich",
            spec=constants.ENRICH,
            code=code,
            layers=layers,
            environment={
                "TABLE_NAME": table.table_name,
                "DOCUMENTS_BUCKET": documents.bucket_name,
                "WEBSITE_URL": website_url,
                **scheduling.environment(),
            },
        )
        self.enrich.allow_table_reads(table)
        self.enrich.allow_table_writes(table, ENRICH_TABLE_WRITES, constants.ENRICH_WRITES_KEYS)
        self.enrich.allow_objects(["s3:GetObject"], documents, constants.DOCUMENTS_SUBMISSIONS_PREFIX)
        scheduling.grant_manage_schedules(self.enrich)
        # The event source grants consuming the queue, ChangeMessageVisibility included: the function
        # backs a failed message off itself instead of waiting out the visibility timeout.
        self.enrich.consume(self.queue)
