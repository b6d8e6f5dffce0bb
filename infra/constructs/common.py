"""Small building blocks shared by the stage constructs: log groups, queues and their DLQs."""

from __future__ import annotations

from aws_cdk import CfnResource, Duration
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import constants
from infra.constructs import nag

LINT_REASONS_KEY = "newsroom:cfn-lint-reasons"

_RETENTION = {
    7: logs.RetentionDays.ONE_WEEK,
    14: logs.RetentionDays.TWO_WEEKS,
    30: logs.RetentionDays.ONE_MONTH,
    90: logs.RetentionDays.THREE_MONTHS,
    180: logs.RetentionDays.SIX_MONTHS,
    365: logs.RetentionDays.ONE_YEAR,
}


def log_group(scope: Construct, construct_id: str, *, log_group_name: str | None = None) -> logs.LogGroup:
    """A log group kept for ``LOG_RETENTION_DAYS`` (and retained with the stack's data)."""
    return logs.LogGroup(
        scope, construct_id, retention=_RETENTION[constants.LOG_RETENTION_DAYS], log_group_name=log_group_name
    )


def visibility_timeout(consumer: constants.FunctionSpec, batching_window_s: int = 0) -> Duration:
    """AWS guidance: at least six times the consumer's timeout (plus its batching window)."""
    return Duration.seconds(constants.VISIBILITY_TIMEOUT_FACTOR * consumer.timeout_s + batching_window_s)


def dead_letter_queue(scope: Construct, construct_id: str, *, holds: str, redrive_target: bool = False) -> sqs.Queue:
    """A terminal queue: encrypted, TLS only, kept 14 days for inspection and redrive (alarmed by Monitoring).

    ``redrive_target``: another queue's redrive policy names it, which cdk-nag already counts as a DLQ.
    """
    queue = sqs.Queue(
        scope,
        construct_id,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        retention_period=Duration.days(constants.DLQ_RETENTION_DAYS),
    )
    assert isinstance(queue.node.default_child, CfnResource)
    lint_exception(
        queue.node.default_child,
        "ES6000",
        f"A dead-letter queue ({holds}) is terminal: a redrive policy on it would only move the problem.",
    )
    if redrive_target:
        return queue
    nag.acknowledge(
        queue,
        "AwsSolutions-SQS3",
        f"This queue is itself a dead-letter queue ({holds}); it is terminal and watched by an alarm.",
    )
    return queue


def work_queue(
    scope: Construct,
    construct_id: str,
    *,
    consumer: constants.FunctionSpec,
    dlq: sqs.IQueue,
    max_receive_count: int,
) -> sqs.Queue:
    """A consumer's queue: encrypted, TLS only, redriven to ``dlq`` after ``max_receive_count`` receives."""
    return sqs.Queue(
        scope,
        construct_id,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        visibility_timeout=visibility_timeout(consumer),
        retention_period=Duration.days(constants.QUEUE_RETENTION_DAYS),
        dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=max_receive_count),
    )


def lint_exception(resource: CfnResource, rule: str, reason: str) -> None:
    """Tell cfn-lint that ``rule`` does not apply to this resource, and record why next to it."""
    metadata = resource.get_metadata("cfn-lint") or {"config": {"ignore_checks": []}}
    metadata["config"]["ignore_checks"] = sorted({*metadata["config"]["ignore_checks"], rule})
    resource.add_metadata("cfn-lint", metadata)
    reasons = resource.get_metadata(LINT_REASONS_KEY) or {}
    resource.add_metadata(LINT_REASONS_KEY, {**reasons, rule: reason})
