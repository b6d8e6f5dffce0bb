"""Scheduling and reconciliation: scheduled publication, and the sweep that finishes stranded work.

- ``group``: the EventBridge Scheduler schedule group. The api and enrich functions create one one-time
  schedule per scheduled article in it (``at(...)``), targeting ``queue`` through ``role``, with
  ``dlq`` as the schedule's dead-letter queue and a retry policy (their code sets both).
- ``queue`` (+ ``dlq``): what the schedules deliver; the reconcile function publishes the article a
  message names.
- a ``rate(1 minute)`` rule invokes the reconcile function to sweep the ``Pending`` index: it publishes
  due scheduled articles (so a lost schedule delays a publication by a minute at most) and
  re-announces stranded work with the same event id. The tick's own failed deliveries go to
  ``tick_dlq``; the next tick a minute later repeats the sweep anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aws_cdk import ArnFormat, Duration, RemovalPolicy, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from constructs import Construct

from infra import constants
from infra.constructs import nag
from infra.constructs.common import dead_letter_queue, lint_exception, work_queue
from infra.constructs.function import PipelineFunction

MANAGE_SCHEDULES = (
    "scheduler:CreateSchedule",
    "scheduler:UpdateSchedule",
    "scheduler:DeleteSchedule",
    "scheduler:GetSchedule",
)
RECONCILE_TABLE_WRITES = ("dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:ConditionCheckItem")


class Scheduling(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        table: dynamodb.Table,
        code: Path,
        layers: Sequence[lambda_.ILayerVersion],
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        # Deleted with the stack (with any pending schedule): after a redeploy, the reconcile sweep publishes
        # scheduled articles of the retained table from the Pending index.
        self.group = scheduler.ScheduleGroup(self, "Group", removal_policy=RemovalPolicy.DESTROY)
        self.dlq = dead_letter_queue(
            self,
            "Dlq",
            holds="scheduled publications the scheduler or the reconcile function could not deliver",
            redrive_target=True,
        )
        self.queue = work_queue(
            self,
            "Queue",
            consumer=constants.RECONCILE,
            dlq=self.dlq,
            max_receive_count=constants.SCHEDULE_MAX_RECEIVE_COUNT,
        )
        self.schedules_arn = stack.format_arn(
            service="scheduler",
            resource="schedule",
            resource_name=f"{self.group.schedule_group_name}/*",
            arn_format=ArnFormat.SLASH_RESOURCE_NAME,
        )

        # The role EventBridge Scheduler assumes to deliver a schedule (and its dead letter), only for
        # schedules of this account's group.
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal(
                "scheduler.amazonaws.com",
                conditions={
                    "StringEquals": {"aws:SourceAccount": stack.account},
                    "ArnLike": {"aws:SourceArn": self.schedules_arn},
                },
            ),
            description="EventBridge Scheduler: delivers newsroom publication schedules to their queue",
        )
        self.role.add_to_principal_policy(
            iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[self.queue.queue_arn, self.dlq.queue_arn])
        )

        self.reconcile = PipelineFunction(
            self,
            "Reconcile",
            spec=constants.RECONCILE,
            code=code,
            layers=layers,
            environment={
                "TABLE_NAME": table.table_name,
                "EVENT_SOURCE": constants.EVENT_SOURCE,
                "SCHEDULE_GROUP": self.group.schedule_group_name,
            },
            # A failed tick is not retried: the next one, a minute later, sweeps the same work again.
            async_retry_attempts=0,
            async_max_event_age=Duration.seconds(constants.TICK_TARGET_MAX_EVENT_AGE_S),
        )
        self.reconcile.allow_table_reads(table)
        self.reconcile.allow_table_writes(table, RECONCILE_TABLE_WRITES, constants.RECONCILE_WRITES_KEYS)
        self.reconcile.consume(self.queue)

        self.tick_dlq = dead_letter_queue(self, "TickDlq", holds="reconcile ticks EventBridge could not deliver")
        self.tick = events.Rule(
            self,
            "Tick",
            description=f"Every {constants.RECONCILE_RATE_MINUTES} minute(s): sweep the Pending index",
            schedule=events.Schedule.rate(Duration.minutes(constants.RECONCILE_RATE_MINUTES)),
            targets=[
                targets.LambdaFunction(
                    self.reconcile.function,
                    dead_letter_queue=self.tick_dlq,
                    retry_attempts=constants.TICK_TARGET_RETRY_ATTEMPTS,
                    max_event_age=Duration.seconds(constants.TICK_TARGET_MAX_EVENT_AGE_S),
                )
            ],
        )
        (permission,) = [child for child in self.tick.node.find_all() if isinstance(child, lambda_.CfnPermission)]
        lint_exception(
            permission,
            "ES1007",
            "A failed tick needs no failure destination: the next tick, a minute later, sweeps the same work, "
            "and the function's error alarm reports the failure.",
        )

    def environment(self) -> dict[str, str]:
        """What a function that creates publication schedules needs to know."""
        return {
            "SCHEDULE_GROUP": self.group.schedule_group_name,
            "SCHEDULE_TARGET_ARN": self.queue.queue_arn,
            "SCHEDULE_ROLE_ARN": self.role.role_arn,
            "SCHEDULE_DLQ_ARN": self.dlq.queue_arn,
        }

    def grant_manage_schedules(self, function: PipelineFunction) -> None:
        """Create, update, delete and read schedules of the group, and hand them the scheduler's role."""
        function.allow(MANAGE_SCHEDULES, [self.schedules_arn])
        function.allow(
            ["iam:PassRole"],
            [self.role.role_arn],
            {"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}},
        )
        nag.acknowledge(
            function.role,
            "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/"
            f"{self.group.schedule_group_name}/*]",
            "One schedule per scheduled article, named at run time; limited to this stack's schedule group.",
        )
