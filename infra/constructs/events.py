"""Events: the custom bus, its archive, the rules that feed each consumer's queue, and the DLQs."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import constants
from infra.constructs import nag


def visibility_timeout(consumer: constants.FunctionSpec, batching_window_s: int = 0) -> Duration:
    """AWS guidance: at least six times the consumer's timeout (plus its batching window)."""
    return Duration.seconds(constants.VISIBILITY_TIMEOUT_FACTOR * consumer.timeout_s + batching_window_s)


class Events(Construct):
    """Routing of domain events from the bus to the consumers, with every failure path observable.

    Each consumer queue has its own DLQ; the relay's stream failures go to ``relay_failures``.
    Every DLQ has an alarm on visible messages. Rule targets deliver the whole event (no InputPath
    or Input), which is also what the local runtime (moto) delivers.
    """

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)

        self.bus = events.EventBus(self, "Bus", description="Newsroom domain events")
        self.bus.archive(
            "Archive",
            description="Replayable history of the newsroom's domain events",
            event_pattern=events.EventPattern(source=[constants.EVENT_SOURCE]),
            retention=Duration.days(constants.EVENT_ARCHIVE_RETENTION_DAYS),
        )

        self.enrich_dlq = self._dead_letter_queue("EnrichDlq")
        self.enrich_queue = self._queue("EnrichQueue", self.enrich_dlq, visibility_timeout(constants.ENRICH))
        self._route("EnrichRule", constants.ENRICH_TRIGGERS, self.enrich_queue)

        self.feeds_dlq = self._dead_letter_queue("FeedsDlq")
        self.feeds_queue = self._queue(
            "FeedsQueue",
            self.feeds_dlq,
            visibility_timeout(constants.BUILD_FEEDS, constants.FEEDS_BATCHING_WINDOW_S),
        )
        self._route("FeedsRule", constants.FEED_TRIGGERS, self.feeds_queue)

        # On-failure destination of the relay's stream mapping: records that exhausted their retries.
        self.relay_failures = self._dead_letter_queue("RelayFailures")
        nag.acknowledge(
            self.relay_failures,
            "AwsSolutions-SQS3",
            "This queue is itself the dead-letter destination of the relay's stream mapping (terminal; "
            "watched by an alarm).",
        )

        self.alarms = [
            self._alarm(name, dlq)
            for name, dlq in (
                ("EnrichDlqAlarm", self.enrich_dlq),
                ("FeedsDlqAlarm", self.feeds_dlq),
                ("RelayFailuresAlarm", self.relay_failures),
            )
        ]

    def _dead_letter_queue(self, construct_id: str) -> sqs.Queue:
        return sqs.Queue(
            self,
            construct_id,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(constants.DLQ_RETENTION_DAYS),
        )

    def _queue(self, construct_id: str, dlq: sqs.Queue, timeout: Duration) -> sqs.Queue:
        return sqs.Queue(
            self,
            construct_id,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            visibility_timeout=timeout,
            dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=constants.MAX_RECEIVE_COUNT),
        )

    def _route(self, construct_id: str, detail_types: Sequence[str], queue: sqs.Queue) -> events.Rule:
        return events.Rule(
            self,
            construct_id,
            event_bus=self.bus,
            description=f"{', '.join(detail_types)} -> {construct_id.removesuffix('Rule').lower()} queue",
            event_pattern=events.EventPattern(source=[constants.EVENT_SOURCE], detail_type=list(detail_types)),
            targets=[targets.SqsQueue(queue)],
        )

    def _alarm(self, construct_id: str, dlq: sqs.Queue) -> cloudwatch.Alarm:
        return cloudwatch.Alarm(
            self,
            construct_id,
            alarm_description="Messages are waiting in a dead-letter queue: inspect and redrive them.",
            metric=dlq.metric_approximate_number_of_messages_visible(
                period=Duration.minutes(1), statistic=cloudwatch.Stats.MAXIMUM
            ),
            threshold=0,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
