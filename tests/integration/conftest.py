"""Integration tier: our handlers and adapters against moto, in-process (no server, no network).

The Lambda service itself (event source mappings, EventBridge Scheduler firing) is the one thing played
by the test: ``Pump`` hands stream records, queue messages and due schedules to the handlers, as AWS
would. Resources mirror the CDK stack's (table with its indexes, buckets, bus, rule, queues, schedule
group); tests/infra checks the template, tests/e2e runs the real template on the local runtime.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support.environment import ACCOUNT, REGION, SOURCE, function_environment

ENVIRONMENT = function_environment("test", label="Test", log_level="WARNING")
TABLE = ENVIRONMENT["TABLE_NAME"]
DOCUMENTS = ENVIRONMENT["DOCUMENTS_BUCKET"]
BUS = ENVIRONMENT["EVENT_BUS_NAME"]
SCHEDULE_GROUP = ENVIRONMENT["SCHEDULE_GROUP"]
os.environ.update(ENVIRONMENT)
os.environ.pop("AWS_ENDPOINT_URL", None)

import boto3  # noqa: E402 - after the environment above
from moto import mock_aws  # noqa: E402

from infra.constants import TABLE_INDEXES  # noqa: E402
from infra.local import motofixes  # noqa: E402
from infra.local.pollers import sqs_record, stream_record  # noqa: E402
from shared.store.clients import reset_clients  # noqa: E402
from tests.support.events import HttpResponse, api_event  # noqa: E402

HANDLERS = ("api", "relay", "enrich", "reconcile")
# Index name -> (partition attribute, sort attribute, projected attributes or None for KEYS_ONLY): the stack's.
INDEXES = {
    name: (partition, sort, list(projected) if projected is not None else None)
    for name, partition, sort, projected in TABLE_INDEXES
}


class FakeContext:
    function_name = "test"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:test"
    log_group_name = "/aws/lambda/test"
    log_stream_name = "test"

    def __init__(self) -> None:
        self.aws_request_id = str(uuid.uuid4())

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def handler_module(name: str) -> Any:
    return importlib.import_module(f"functions.{name}.handler")


def _reset_caches() -> None:
    reset_clients()
    for name in HANDLERS:
        module = sys.modules.get(f"functions.{name}.handler")
        for attribute in ("default_services", "default_dependencies", "openapi_document"):
            cached = getattr(module, attribute, None)
            if cached is not None and hasattr(cached, "cache_clear"):
                cached.cache_clear()


def table_definition() -> dict[str, Any]:
    attributes = {"pk", "sk"} | {a for p, s, _ in INDEXES.values() for a in (p, s)}
    return {
        "TableName": TABLE,
        "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "AttributeDefinitions": [{"AttributeName": a, "AttributeType": "S"} for a in sorted(attributes)],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": name,
                "KeySchema": [{"AttributeName": p, "KeyType": "HASH"}, {"AttributeName": s, "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"}
                if projected is None
                else {"ProjectionType": "INCLUDE", "NonKeyAttributes": projected},
            }
            for name, (p, s, projected) in INDEXES.items()
        ],
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    }


@dataclass
class Resources:
    dynamodb: Any
    s3: Any
    sqs: Any
    streams: Any
    events: Any
    scheduler: Any
    stream_arn: str
    enrich_queue: str
    schedule_queue: str
    observed_queue: str  # every event on the bus, as a partner would receive them

    def items(self) -> list[dict[str, Any]]:
        from shared.store.table import from_item  # noqa: PLC0415

        return [from_item(i) for i in self.dynamodb.scan(TableName=TABLE)["Items"]]

    def object_keys(self, bucket: str = DOCUMENTS) -> list[str]:
        return [o["Key"] for o in self.s3.list_objects_v2(Bucket=bucket).get("Contents", [])]

    def published_events(self) -> list[dict[str, Any]]:
        """Everything published on the bus so far (drains the observing queue)."""
        seen: list[dict[str, Any]] = []
        while True:
            batch = self.sqs.receive_message(QueueUrl=self.observed_queue, MaxNumberOfMessages=10).get("Messages", [])
            if not batch:
                return seen
            for message in batch:
                seen.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.observed_queue, ReceiptHandle=message["ReceiptHandle"])


def _queue(sqs: Any, name: str) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def _route(events: Any, name: str, pattern: dict[str, Any], arn: str) -> None:
    events.put_rule(Name=name, EventBusName=BUS, EventPattern=json.dumps(pattern))
    events.put_targets(Rule=name, EventBusName=BUS, Targets=[{"Id": "q", "Arn": arn}])


motofixes.install()  # the local runtime's fixes of moto's gaps (transactions, streams, queries)


@pytest.fixture
def aws() -> Iterator[Resources]:
    with mock_aws():
        dynamodb = boto3.client("dynamodb")
        table = dynamodb.create_table(**table_definition())
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket=DOCUMENTS)
        events = boto3.client("events")
        events.create_event_bus(Name=BUS)
        sqs = boto3.client("sqs")
        enrich_url, _ = _queue(sqs, "enrich")  # the relay sends ArticleSubmitted here itself
        observed_url, observed_arn = _queue(sqs, "observed")
        _route(events, "observe", {"source": [SOURCE]}, observed_arn)
        schedule_url, _ = _queue(sqs, "schedule")
        _queue(sqs, "schedule-dlq")
        scheduler = boto3.client("scheduler")
        scheduler.create_schedule_group(Name=SCHEDULE_GROUP)
        resources = Resources(
            dynamodb=dynamodb,
            s3=s3,
            sqs=sqs,
            streams=boto3.client("dynamodbstreams"),
            events=events,
            scheduler=scheduler,
            stream_arn=table["TableDescription"]["LatestStreamArn"],
            enrich_queue=enrich_url,
            schedule_queue=schedule_url,
            observed_queue=observed_url,
        )
        _reset_caches()
        yield resources
        _reset_caches()


class Pump:
    """Plays Lambda's event source mappings and the Scheduler: stream -> relay, queues -> consumers."""

    def __init__(self, resources: Resources) -> None:
        self.r = resources
        shard = self.r.streams.describe_stream(StreamArn=self.r.stream_arn)["StreamDescription"]["Shards"][0]
        self._iterator = self.r.streams.get_shard_iterator(
            StreamArn=self.r.stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]

    def stream_event(self) -> dict[str, Any]:
        response = self.r.streams.get_records(ShardIterator=self._iterator)
        self._iterator = response["NextShardIterator"]
        records = [
            stream_record(record, self.r.stream_arn)
            for record in response["Records"]
            if record["dynamodb"]["Keys"]["sk"]["S"] == "HEAD"  # the mapping's filter criteria
        ]
        return {"Records": records}

    def queue_event(self, queue_url: str) -> dict[str, Any]:
        messages = self.r.sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"]
        ).get("Messages", [])
        arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{queue_url.rsplit('/', 1)[-1]}"
        return {"Records": [sqs_record(m, arn, REGION) for m in messages]}

    def deliver(self, queue_url: str, function: str) -> list[str]:
        """One batch from the queue to the function; successes are deleted; returns failed ids."""
        event = self.queue_event(queue_url)
        if not event["Records"]:
            return []
        result = handler_module(function).handler(event, FakeContext())
        failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
        for record in event["Records"]:
            if record["messageId"] not in failed:
                self.r.sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=record["receiptHandle"])
        return sorted(failed)

    def relay(self) -> int:
        event = self.stream_event()
        if event["Records"]:
            result = handler_module("relay").handler(event, FakeContext())
            assert result.get("batchItemFailures", []) == []
        return len(event["Records"])

    def fire_due_schedules(self, now: datetime | None = None) -> int:
        """EventBridge Scheduler: send each due one-time schedule's input to its target queue, then delete it."""
        moment = now or datetime.now(UTC)
        fired = 0
        for summary in self.r.scheduler.list_schedules(GroupName=SCHEDULE_GROUP).get("Schedules", []):
            schedule = self.r.scheduler.get_schedule(Name=summary["Name"], GroupName=SCHEDULE_GROUP)
            at = datetime.fromisoformat(schedule["ScheduleExpression"][3:-1]).replace(tzinfo=UTC)
            if at <= moment:
                self.r.sqs.send_message(QueueUrl=self.r.schedule_queue, MessageBody=schedule["Target"]["Input"])
                self.r.scheduler.delete_schedule(Name=summary["Name"], GroupName=SCHEDULE_GROUP)
                fired += 1
        return fired

    def sweep(self) -> dict[str, Any]:
        """The reconciler's scheduled rule."""
        result: dict[str, Any] = handler_module("reconcile").handler({"id": str(uuid.uuid4())}, FakeContext())
        return result

    def run(self, rounds: int = 10) -> None:
        """Until nothing moves: relay the stream, then each queue to its consumer."""
        for _ in range(rounds):
            moved = self.relay()
            for queue, function in ((self.r.enrich_queue, "enrich"), (self.r.schedule_queue, "reconcile")):
                waiting = int(
                    self.r.sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessages"])[
                        "Attributes"
                    ]["ApproximateNumberOfMessages"]
                )
                if waiting:
                    moved += waiting
                    assert self.deliver(queue, function) == []
            if not moved:
                return


@pytest.fixture
def pump(aws: Resources) -> Pump:
    return Pump(aws)


EDITOR = {"cognito:username": "eddie", "sub": "u-editor", "cognito:groups": "editor"}
PUBLISHER = {"cognito:username": "pat", "sub": "u-publisher", "cognito:groups": "publisher"}


def call_api(method: str, path: str, body: Any = None, **kwargs: Any) -> HttpResponse:
    return HttpResponse.from_proxy(
        handler_module("api").handler(api_event(method, path, body, **kwargs), FakeContext())
    )
