"""EventBridge Scheduler adapter: one-time schedules that publish an embargoed article at its time.

Each schedule targets the schedule queue (the reconcile function reads it) with a small JSON payload,
has its own retry policy and dead-letter queue, and deletes itself after completion. Names are
deterministic per revision, so creating one twice is a no-op; a schedule that fires for a state that
moved on (rescheduled, taken down, published early) finds nothing to do.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

from pydantic import AwareDatetime, BaseModel

from shared.store.clients import LazyClient

if TYPE_CHECKING:
    from mypy_boto3_scheduler.client import EventBridgeSchedulerClient

MAX_RETRY_ATTEMPTS: Final = 20
MAX_EVENT_AGE_S: Final = 86_400


class DuePublication(BaseModel):
    """What a schedule delivers: publish this revision, planned for this time."""

    article_id: str
    revision: int
    publish_at: AwareDatetime


def schedule_name(article_id: str, revision: int) -> str:
    return f"article-{article_id}-r{revision}"


class Schedules(LazyClient["EventBridgeSchedulerClient"]):
    service = "scheduler"

    def __init__(
        self,
        group: str,
        target_arn: str,
        role_arn: str,
        dead_letter_arn: str,
        client: EventBridgeSchedulerClient | None = None,
    ) -> None:
        super().__init__(client)
        self.group, self.target_arn, self.role_arn, self.dead_letter_arn = group, target_arn, role_arn, dead_letter_arn

    @property
    def scheduler(self) -> EventBridgeSchedulerClient:
        return self.client

    def ensure(self, name: str, due: DuePublication) -> None:
        """Create the one-time schedule (idempotent: an existing one of that name is kept)."""
        at = due.publish_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
        try:
            self.scheduler.create_schedule(
                Name=name,
                GroupName=self.group,
                ScheduleExpression=f"at({at})",
                ScheduleExpressionTimezone="UTC",
                FlexibleTimeWindow={"Mode": "OFF"},
                ActionAfterCompletion="DELETE",
                Target={
                    "Arn": self.target_arn,
                    "RoleArn": self.role_arn,
                    "Input": due.model_dump_json(),
                    "RetryPolicy": {
                        "MaximumRetryAttempts": MAX_RETRY_ATTEMPTS,
                        "MaximumEventAgeInSeconds": MAX_EVENT_AGE_S,
                    },
                    "DeadLetterConfig": {"Arn": self.dead_letter_arn},
                },
            )
        except self.scheduler.exceptions.ConflictException:
            return  # created by an earlier attempt

    def cancel(self, name: str) -> None:
        """Delete the schedule if it still exists."""
        try:
            self.scheduler.delete_schedule(Name=name, GroupName=self.group)
        except self.scheduler.exceptions.ResourceNotFoundException:
            return


def is_due(publish_at: datetime | None, now: datetime) -> bool:
    return publish_at is None or publish_at <= now
