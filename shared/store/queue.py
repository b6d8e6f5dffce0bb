"""SQS adapters: sending work to a queue, and spacing out the retries of a message that failed."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from botocore.exceptions import BotoCoreError, ClientError

from shared.store.bus import EventPublishError, OutgoingEvent
from shared.store.clients import LazyClient

if TYPE_CHECKING:
    from mypy_boto3_sqs.client import SQSClient

_MAX_ENTRIES_PER_CALL = 10
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
            QueueUrl=queue_url(queue_arn),
            ReceiptHandle=receipt_handle,
            VisibilityTimeout=backoff_seconds(receive_count),
        )


def queue_url(queue_arn: str) -> str:
    """A queue's URL follows from its ARN (no GetQueueUrl call, no permission for it)."""
    _, partition, _, region, account, name = queue_arn.split(":")
    suffix = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
    return f"https://sqs.{region}.{suffix}/{account}/{name}"


class WorkQueue(LazyClient["SQSClient"]):
    """Events for one of the stack's own functions, sent straight to its queue (10 per SendMessageBatch).

    Each body has the shape an EventBridge rule delivers (``id``, ``detail-type``, ``source``, ``time``,
    ``detail``), so the consumer, its dead-letter queue and a redrive read it the same either way.
    """

    service = "sqs"

    def __init__(self, queue_arn: str, source: str, client: SQSClient | None = None) -> None:
        super().__init__(client)
        self.url = queue_url(queue_arn)
        self.source = source

    def publish(self, events: Sequence[OutgoingEvent]) -> None:
        """Send all events; raises EventPublishError naming those SQS did not take (as the bus adapter)."""
        failed: list[tuple[OutgoingEvent, str]] = []
        for start in range(0, len(events), _MAX_ENTRIES_PER_CALL):
            chunk = events[start : start + _MAX_ENTRIES_PER_CALL]
            entries = [{"Id": str(n), "MessageBody": self._body(event)} for n, event in enumerate(chunk)]
            try:
                response = self.client.send_message_batch(QueueUrl=self.url, Entries=entries)  # type: ignore[arg-type]
            except (ClientError, BotoCoreError) as error:
                failed += [(event, f"{type(error).__name__}: {error}") for event in chunk]
                continue
            for entry in response.get("Failed", []):
                failed.append((chunk[int(entry["Id"])], f"{entry['Code']}: {entry.get('Message', '')}"))
        if failed:
            raise EventPublishError(failed)

    def _body(self, event: OutgoingEvent) -> str:
        detail = json.loads(event.detail)
        metadata = detail["metadata"]
        message = {
            "version": "0",
            "id": metadata["event_id"],
            "detail-type": event.detail_type,
            "source": self.source,
            "time": metadata["occurred_at"],
            "resources": list(event.resources),
            "detail": detail,
        }
        return json.dumps(message, ensure_ascii=False, separators=(",", ":"))
