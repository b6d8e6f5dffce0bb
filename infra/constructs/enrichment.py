"""Enrichment: ArticleSubmitted -> EnrichQueue -> the enrich function, which publishes, schedules or rejects.

The relay (and the reconciler, re-announcing stranded work) send ``ArticleSubmitted`` straight to the
queue: it is the stack's own work, not a partner's event, so it does not cross the bus (see
docs/decisions.md). The DLQ holds the messages the function failed ``ENRICH_MAX_RECEIVE_COUNT`` times;
a redrive to the queue replays them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra import constants
from infra.constructs.common import dead_letter_queue, work_queue
from infra.constructs.function import PipelineFunction
from infra.constructs.scheduling import Scheduling

ENRICH_TABLE_WRITES = (
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:BatchWriteItem",
)


class Enrichment(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        table: dynamodb.Table,
        documents: s3.IBucket,
        scheduling: Scheduling,
        website_url: str,
        code: Path,
        layers: Sequence[lambda_.ILayerVersion],
    ) -> None:
        super().__init__(scope, construct_id)
        self.dlq = dead_letter_queue(self, "Dlq", holds="submissions whose enrichment failed", redrive_target=True)
        self.queue = work_queue(
            self,
            "Queue",
            consumer=constants.ENRICH,
            dlq=self.dlq,
            max_receive_count=constants.ENRICH_MAX_RECEIVE_COUNT,
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

    def accept_work_from(self, *senders: PipelineFunction) -> None:
        """Let a function send accepted revisions to the queue (it finds the queue in ``ENRICH_QUEUE_ARN``)."""
        for sender in senders:
            # SendMessage alone (it covers SendMessageBatch): the queue's ARN gives its URL, no lookups needed
            sender.function.add_to_role_policy(
                iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[self.queue.queue_arn])
            )
            sender.function.add_environment("ENRICH_QUEUE_ARN", self.queue.queue_arn)
