"""Move messages from a dead-letter queue back to the queue whose redrive policy names it.

Works against moto (which does not implement ``StartMessageMoveTask``) and in AWS alike, with
plain SQS calls: receive a batch from the DLQ, send it to the source queue (body, message
attributes, and for FIFO queues the group and a deduplication id), then delete it from the DLQ.
A message is deleted only after the send succeeded, so an interruption can duplicate a message
(every consumer is idempotent) but never lose one. The source queue is found with
``ListDeadLetterSourceQueues``; when several queues share the DLQ, name one with ``to``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Final

_BATCH: Final = 10


class RedriveError(RuntimeError):
    """The DLQ or its source queue cannot be determined."""


@dataclass
class RedriveResult:
    dlq_url: str
    source_url: str
    moved: int = 0
    failed: int = 0


def queue_url(sqs: Any, name_or_url: str) -> str:
    if name_or_url.startswith(("http://", "https://")):
        return name_or_url
    if name_or_url.startswith("arn:aws:sqs:"):
        _, _, _, _, account, name = name_or_url.split(":", 5)
        return str(sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"])
    return str(sqs.get_queue_url(QueueName=name_or_url)["QueueUrl"])


def source_queue(sqs: Any, dlq_url: str, to: str | None = None) -> str:
    if to:
        return queue_url(sqs, to)
    sources: list[str] = []
    for page in sqs.get_paginator("list_dead_letter_source_queues").paginate(QueueUrl=dlq_url):
        sources += page.get("queueUrls", [])
    if not sources:
        raise RedriveError(f"no queue names {dlq_url} as its dead-letter queue")
    if len(sources) > 1:
        raise RedriveError(f"several queues use {dlq_url}; name one with --to: {', '.join(sorted(sources))}")
    return sources[0]


def redrive(
    sqs: Any,
    dlq: str,
    *,
    to: str | None = None,
    limit: int | None = None,
    visibility_s: int = 60,
    idle_rounds: int = 1,
) -> RedriveResult:
    """Move up to ``limit`` messages (default: until a 1-second receive finds the DLQ empty
    ``idle_rounds`` times in a row)."""
    dlq_url = queue_url(sqs, dlq)
    target = source_queue(sqs, dlq_url, to)
    fifo = target.endswith(".fifo")
    result = RedriveResult(dlq_url, target)
    empty = 0
    while limit is None or result.moved < limit:
        want = _BATCH if limit is None else max(1, min(_BATCH, limit - result.moved))
        messages = sqs.receive_message(
            QueueUrl=dlq_url,
            MaxNumberOfMessages=want,
            VisibilityTimeout=visibility_s,
            WaitTimeSeconds=1,
            MessageAttributeNames=["All"],
            MessageSystemAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            empty += 1
            if empty >= idle_rounds:
                break
            continue
        empty = 0
        entries = [_entry(str(i), message, fifo) for i, message in enumerate(messages)]
        sent = sqs.send_message_batch(QueueUrl=target, Entries=entries)
        ok = {item["Id"] for item in sent.get("Successful", [])}
        result.failed += len(sent.get("Failed", []))
        done = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages) if str(i) in ok]
        if done:
            sqs.delete_message_batch(QueueUrl=dlq_url, Entries=done)
        result.moved += len(done)
        if not done:
            time.sleep(0.5)  # every send failed: do not spin
    return result


def _entry(entry_id: str, message: dict[str, Any], fifo: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"Id": entry_id, "MessageBody": message["Body"]}
    attributes = message.get("MessageAttributes")
    if attributes:
        entry["MessageAttributes"] = {
            name: {k: v for k, v in value.items() if k in ("DataType", "StringValue", "BinaryValue")}
            for name, value in attributes.items()
        }
    if fifo:
        system = message.get("Attributes", {})
        entry["MessageGroupId"] = system.get("MessageGroupId", "redrive")
        entry["MessageDeduplicationId"] = system.get("MessageDeduplicationId") or message["MessageId"]
    return entry
