"""Small helpers shared by the stage constructs."""

from __future__ import annotations

from aws_cdk import aws_logs as logs
from constructs import Construct

from infra import constants

_RETENTION = {
    7: logs.RetentionDays.ONE_WEEK,
    14: logs.RetentionDays.TWO_WEEKS,
    30: logs.RetentionDays.ONE_MONTH,
    90: logs.RetentionDays.THREE_MONTHS,
    180: logs.RetentionDays.SIX_MONTHS,
    365: logs.RetentionDays.ONE_YEAR,
}


def log_group(scope: Construct, construct_id: str) -> logs.LogGroup:
    """A log group kept for ``LOG_RETENTION_DAYS`` (and retained with the stack's data)."""
    return logs.LogGroup(scope, construct_id, retention=_RETENTION[constants.LOG_RETENTION_DAYS])
