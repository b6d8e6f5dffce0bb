"""Integration tier: our handlers and adapters against moto, in-process (no server, no network).

The Lambda service itself (event source mappings) is the one thing played by the test: ``Pump``
hands stream records and queue messages to the handlers, as Lambda would.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        "POWERTOOLS_SERVICE_NAME": "integration",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }
)
os.environ.pop("AWS_ENDPOINT_URL", None)

import boto3
from moto import mock_aws

from shared.settings import Settings
from shared.store.clients import aws_client

SETTINGS = Settings()
HANDLERS = ("functions.api.handler", "functions.relay.handler", "functions.enrich.handler",
            "functions.build_feeds.handler")  # fmt: skip


class FakeContext:
    function_name = "test"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:test"
    log_group_name = "/aws/lambda/test"
    log_stream_name = "test"

    def __init__(self) -> None:
        self.aws_request_id = str(uuid.uuid4())

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def handler_module(name: str) -> Any:
    return importlib.import_module(f"functions.{name}.handler")


def _reset_caches() -> None:
    aws_client.cache_clear()
    for module_name in HANDLERS:
        module = sys.modules.get(module_name)
        for attribute in ("_services", "_service", "_builder", "_bus", "openapi_document"):
            cached = getattr(module, attribute, None)
            if cached is not None and hasattr(cached, "cache_clear"):
                cached.cache_clear()


@dataclass
class Resources:
    dynamodb: Any
    s3: Any
    sqs: Any
    streams: Any
    stream_arn: str
    enrich_queue: str
    feeds_queue: str

    def table_items(self) -> list[dict[str, Any]]:
        return self.dynamodb.scan(TableName=SETTINGS.table_name)["Items"]

    def object_keys(self, bucket: str) -> list[str]:
        return [o["Key"] for o in self.s3.list_objects_v2(Bucket=bucket).get("Contents", [])]


def _queue_with_rule(events: Any, sqs: Any, name: str, detail_types: list[str]) -> str:
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(
        Name=f"{name}-rule",
        EventBusName=SETTINGS.event_bus_name,
        EventPattern=json.dumps({"source": [SETTINGS.event_source], "detail-type": detail_types}),
    )
    events.put_targets(Rule=f"{name}-rule", EventBusName=SETTINGS.event_bus_name, Targets=[{"Id": "q", "Arn": arn}])
    return url


@pytest.fixture
def aws() -> Iterator[Resources]:
    with mock_aws():
        dynamodb = boto3.client("dynamodb")
        table = dynamodb.create_table(
            TableName=SETTINGS.table_name,
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        s3 = boto3.client("s3")
        for bucket in (SETTINGS.documents_bucket, SETTINGS.site_bucket):
            s3.create_bucket(Bucket=bucket)
        events = boto3.client("events")
        events.create_event_bus(Name=SETTINGS.event_bus_name)
        sqs = boto3.client("sqs")
        resources = Resources(
            dynamodb=dynamodb,
            s3=s3,
            sqs=sqs,
            streams=boto3.client("dynamodbstreams"),
            stream_arn=table["TableDescription"]["LatestStreamArn"],
            enrich_queue=_queue_with_rule(events, sqs, "enrich", ["ArticleSubmitted"]),
            feeds_queue=_queue_with_rule(
                events, sqs, "feeds", ["ArticlePublished", "ArticleUpdated", "ArticleUnpublished"]
            ),
        )
        _reset_caches()
        yield resources
        _reset_caches()


class Pump:
    """Plays Lambda's event source mappings: stream -> relay, queues -> enrich and build_feeds."""

    def __init__(self, resources: Resources) -> None:
        self.r = resources
        shard = self.r.streams.describe_stream(StreamArn=self.r.stream_arn)["StreamDescription"]["Shards"][0]
        self._iterator = self.r.streams.get_shard_iterator(
            StreamArn=self.r.stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        self.relayed: list[dict[str, Any]] = []

    def stream_event(self) -> dict[str, Any]:
        response = self.r.streams.get_records(ShardIterator=self._iterator)
        self._iterator = response["NextShardIterator"]
        records = [
            {**record, "eventSourceARN": self.r.stream_arn}
            for record in response["Records"]
            if record["dynamodb"]["Keys"]["sk"]["S"] == "HEAD"  # the ESM's filter criteria
        ]
        return {"Records": records}

    def queue_event(self, queue_url: str) -> dict[str, Any]:
        messages = self.r.sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
        return {
            "Records": [
                {
                    "messageId": m["MessageId"],
                    "receiptHandle": m["ReceiptHandle"],
                    "body": m["Body"],
                    "attributes": {"ApproximateReceiveCount": "1"},
                    "messageAttributes": {},
                    "md5OfBody": m["MD5OfBody"],
                    "eventSource": "aws:sqs",
                    "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:q",
                    "awsRegion": "us-east-1",
                }
                for m in messages
            ]
        }

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
            handler_module("relay").handler(event, FakeContext())
            self.relayed.extend(event["Records"])
        return len(event["Records"])

    def run(self, rounds: int = 10) -> None:
        """Until nothing moves: relay the stream, then each queue to its consumer."""
        for _ in range(rounds):
            moved = self.relay()
            for queue, function in ((self.r.enrich_queue, "enrich"), (self.r.feeds_queue, "build_feeds")):
                event_count = int(
                    self.r.sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessages"])[
                        "Attributes"
                    ]["ApproximateNumberOfMessages"]
                )
                if event_count:
                    moved += event_count
                    assert self.deliver(queue, function) == []
            if not moved:
                return


@pytest.fixture
def pump(aws: Resources) -> Pump:
    return Pump(aws)


def api_event(
    method: str,
    path: str,
    body: Any = None,
    *,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    raw_body: str | None = None,
) -> dict[str, Any]:
    merged_headers = {"content-type": "application/json", **(headers or {})}
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": merged_headers,
        "multiValueHeaders": {k: [v] for k, v in merged_headers.items()},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "requestId": str(uuid.uuid4()),
            "stage": "v1",
            "resourcePath": path,
            "httpMethod": method,
            "identity": {"sourceIp": "127.0.0.1", "apiKeyId": "test-key-id"},
        },
        "body": raw_body if raw_body is not None else (json.dumps(body) if body is not None else None),
        "isBase64Encoded": False,
    }


def call_api(method: str, path: str, body: Any = None, **kwargs: Any) -> tuple[int, dict[str, Any], Any]:
    response = handler_module("api").handler(api_event(method, path, body, **kwargs), FakeContext())
    headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
    headers |= {k.lower(): v[0] for k, v in (response.get("multiValueHeaders") or {}).items() if v}
    payload = json.loads(response["body"]) if response.get("body") else None
    return response["statusCode"], headers, payload
