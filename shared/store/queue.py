"""SQS adapter: spacing out the retries of a message that failed (Lambda retries it when it reappears)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from shared.store.clients import LazyClient

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient

FIRST_DELAY_S: Final = 2
MAX_DELAY_S: Final = 300


def backoff_seconds(receive_count: int) -> int:
    """2, 4, 8 ... seconds after each failed receive, at most five minutes."""
    return int(min(FIRST_DELAY_S * 2 ** max(receive_count - 1, 0), MAX_DELAY_S))


class RetryQueue(LazyClient["SQSClient"]):
    """Makes a failed message visible again after a backoff instead of the queue's visibility timeout."""

    service = "sqs"

    def __init__(self, client: SQSClient | None = None) -> None:
        super().__init__(client)

    def back_off(self, queue_arn: str, receipt_handle: str, receive_count: int) -> None:
        self.client.change_message_visibility(
            QueueUrl=self._url(queue_arn),
            ReceiptHandle=receipt_handle,
            VisibilityTimeout=backoff_seconds(receive_count),
        )

    @staticmethod
    def _url(queue_arn: str) -> str:
        """A queue's URL follows from its ARN (no GetQueueUrl call, no permission for it)."""
        _, partition, _, region, account, name = queue_arn.split(":")
        suffix = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
        return f"https://sqs.{region}.{suffix}/{account}/{name}"
