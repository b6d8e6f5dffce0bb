"""Redrive (infra/local/redrive.py) against moto in-process: the plain SQS calls work locally and in
AWS alike (moto does not implement StartMessageMoveTask)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra.local.redrive import RedriveError, redrive

REGION = "us-east-1"


@pytest.fixture
def sqs(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield boto3.client("sqs", region_name=REGION)


def _queue_with_dlq(sqs: Any, name: str, dlq_url: str, *, fifo: bool = False) -> str:
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    attributes = {"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2})}
    if fifo:
        attributes["FifoQueue"] = "true"
    return str(sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"])


def _drain(sqs: Any, url: str) -> list[dict[str, Any]]:
    found = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]).get(
        "Messages", []
    ):
        found += messages
        sqs.delete_message_batch(
            QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)]
        )
    return found


def _bodies(sqs: Any, url: str) -> list[str]:
    return [m["Body"] for m in _drain(sqs, url)]


def test_every_message_goes_back_to_the_queue_whose_redrive_policy_names_the_dlq(sqs: Any) -> None:
    # GIVEN a work queue and its DLQ holding 25 messages, one with attributes
    dlq = sqs.create_queue(QueueName="work-dlq")["QueueUrl"]
    work = _queue_with_dlq(sqs, "work", dlq)
    for n in range(25):
        sqs.send_message(QueueUrl=dlq, MessageBody=f"m{n}")
    sqs.send_message(
        QueueUrl=dlq, MessageBody="with-attrs", MessageAttributes={"kind": {"DataType": "String", "StringValue": "x"}}
    )
    # WHEN redriven by name
    result = redrive(sqs, "work-dlq")
    # THEN all 26 are on the work queue (attributes kept) and the DLQ is empty
    assert (result.moved, result.failed, result.source_url) == (26, 0, work)
    moved = {m["Body"]: m for m in _drain(sqs, work)}
    assert sorted(moved) == sorted([f"m{n}" for n in range(25)] + ["with-attrs"])
    assert moved["with-attrs"]["MessageAttributes"]["kind"]["StringValue"] == "x"
    assert _bodies(sqs, dlq) == []


def test_a_limit_moves_only_that_many(sqs: Any) -> None:
    dlq = sqs.create_queue(QueueName="work-dlq")["QueueUrl"]
    work = _queue_with_dlq(sqs, "work", dlq)
    for n in range(5):
        sqs.send_message(QueueUrl=dlq, MessageBody=f"m{n}")
    assert redrive(sqs, dlq, limit=2).moved == 2
    assert len(_bodies(sqs, work)) == 2


def test_a_dlq_shared_by_several_queues_needs_a_target(sqs: Any) -> None:
    dlq = sqs.create_queue(QueueName="shared-dlq")["QueueUrl"]
    first, _second = _queue_with_dlq(sqs, "first", dlq), _queue_with_dlq(sqs, "second", dlq)
    sqs.send_message(QueueUrl=dlq, MessageBody="one")
    with pytest.raises(RedriveError, match="several queues"):
        redrive(sqs, "shared-dlq")
    assert redrive(sqs, "shared-dlq", to="first").moved == 1
    assert _bodies(sqs, first) == ["one"]


def test_a_queue_that_is_nobodys_dlq_is_refused(sqs: Any) -> None:
    sqs.create_queue(QueueName="lonely")
    with pytest.raises(RedriveError, match="no queue names"):
        redrive(sqs, "lonely")


def test_fifo_messages_keep_their_group(sqs: Any) -> None:
    dlq = sqs.create_queue(QueueName="work-dlq.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    work = _queue_with_dlq(sqs, "work.fifo", dlq, fifo=True)
    for n in range(3):
        sqs.send_message(QueueUrl=dlq, MessageBody=f"m{n}", MessageGroupId="article-1", MessageDeduplicationId=f"d{n}")
    assert redrive(sqs, "work-dlq.fifo").moved == 3
    messages = sqs.receive_message(QueueUrl=work, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"])[
        "Messages"
    ]
    assert [m["Body"] for m in messages] == ["m0", "m1", "m2"]
    assert {m["Attributes"]["MessageGroupId"] for m in messages} == {"article-1"}
