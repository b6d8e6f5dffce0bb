"""Outbox relay: committed article heads on the table stream become domain events on the custom bus.

The stream mapping reads only ``sk = HEAD`` records, bisects a failing batch, reports the records that
failed, and retries until a record is ``RELAY_MAX_RECORD_AGE_HOURS`` old (an hour short of the
stream's 24 h retention); then the record's coordinates go to ``failures`` (alarmed) and the shard
moves on. Until then a failing record holds back the records after it on its shard: the iterator-age
alarm fires within minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aws_cdk import Duration
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from constructs import Construct

from infra import constants
from infra.constructs.common import dead_letter_queue
from infra.constructs.function import XRAY_REASON, PipelineFunction


class OutboxRelay(Construct):
    """``bus`` (with its archive), the ``relay`` function on the table stream, and its ``failures`` queue."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        table: dynamodb.Table,
        code: Path,
        layers: Sequence[lambda_.ILayerVersion],
        site_base_url: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self.bus = events.EventBus(self, "Bus", description="Newsroom domain events")
        self.bus.archive(
            "Archive",
            description="Replayable history of the newsroom's domain events",
            event_pattern=events.EventPattern(source=[constants.EVENT_SOURCE]),
            retention=Duration.days(constants.EVENT_ARCHIVE_RETENTION_DAYS),
        )
        self.failures = dead_letter_queue(
            self, "Failures", holds="stream records the relay could not announce before they neared expiry"
        )
        self.relay = PipelineFunction(
            self,
            "Relay",
            spec=constants.RELAY,
            code=code,
            layers=layers,
            environment={
                "EVENT_BUS_NAME": self.bus.event_bus_name,
                "EVENT_SOURCE": constants.EVENT_SOURCE,
                "SITE_BASE_URL": site_base_url,
            },
            any_resource_reason=f"{XRAY_REASON} Stream reading: dynamodb:ListStreams supports no "
            "resource-level permissions (DescribeStream/GetRecords/GetShardIterator are scoped to the stream).",
        )
        self.bus.grant_put_events_to(self.relay.function)
        self.mapping = sources.DynamoEventSource(
            table,
            starting_position=lambda_.StartingPosition.TRIM_HORIZON,
            batch_size=constants.RELAY_BATCH_SIZE,
            bisect_batch_on_error=True,
            max_record_age=Duration.hours(constants.RELAY_MAX_RECORD_AGE_HOURS),
            on_failure=sources.SqsDlq(self.failures),
            report_batch_item_failures=True,
            # Only heads are announced; revisions, claims and tag entries are not.
            filters=[
                lambda_.FilterCriteria.filter(
                    {"dynamodb": {"Keys": {"sk": {"S": lambda_.FilterRule.is_equal("HEAD")}}}}
                )
            ],
        )
        self.relay.function.add_event_source(self.mapping)
        # CDK bounds retry_attempts to 0..10000; CloudFormation's -1 retries until the record age limit.
        (mapping_resource,) = [
            child for child in self.relay.function.node.find_all() if isinstance(child, lambda_.CfnEventSourceMapping)
        ]
        mapping_resource.maximum_retry_attempts = constants.RELAY_RETRY_UNTIL_EXPIRED
