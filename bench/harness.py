"""The real handlers, in-process against moto, with Lambda and the Scheduler played as AWS would play them.

:class:`Stack` creates the resources (the table with the indexes of the design, the documents bucket,
the bus, the enrich queue the relay sends accepted revisions to, the schedule queue and group), attaches
a :class:`~bench.meter.Meter` to every client the handlers create, and offers:

* :meth:`Stack.call_api`: an API Gateway proxy event to the ``api`` handler (Cognito claims as the
  user-pool authorizer passes them), counted as one API Gateway request;
* :meth:`Stack.settle`: Lambda's event source mappings (the table stream to ``relay`` in batches of up
  to ``RELAY_BATCH_SIZE`` head records, the queues to their consumers in batches of up to
  ``QUEUE_BATCH_SIZE``, successes deleted with one ``DeleteMessageBatch``) and the Scheduler (a due
  one-time schedule sends its input to the schedule queue) until nothing moves;
* :meth:`Stack.pass_embargoes`: the time of every pending schedule comes (without waiting for it).

Each invocation is timed: the thread's CPU time minus what moto and the meter used is the function's
own compute; its billed duration adds the modeled latency of every AWS call it made (see
``bench/prices.py``). What the function writes to stdout (Powertools logs and metrics) is counted as
CloudWatch Logs ingestion.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import math
import os
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from bench import prices
from bench.meter import CpuClock, Index, Ledger, LineKey, Meter, TableShape, chunks
from infra.constants import TABLE_INDEXES
from infra.local.pollers import sqs_record, stream_record
from tests.support.environment import ACCOUNT, REGION, function_environment
from tests.support.events import HttpResponse, api_event

HANDLERS: Final = ("api", "relay", "enrich", "reconcile")
ENVIRONMENT: Final = function_environment("bench", label="Bench", log_level="INFO")  # INFO: what deploys
TABLE: Final = ENVIRONMENT["TABLE_NAME"]
DOCUMENTS: Final = ENVIRONMENT["DOCUMENTS_BUCKET"]
BUS: Final = ENVIRONMENT["EVENT_BUS_NAME"]
SCHEDULE_GROUP: Final = ENVIRONMENT["SCHEDULE_GROUP"]

# The deployed table (keys pk/sk, the indexes of infra/constants.py): what each index projects decides the
# size of the entry every head write adds, changes or removes there.
SHAPE: Final = TableShape(
    name=TABLE,
    keys=("pk", "sk"),
    indexes=tuple(Index(name, partition, sort, projected) for name, partition, sort, projected in TABLE_INDEXES),
)

EDITOR: Final = {"cognito:username": "eddie", "sub": "u-editor", "cognito:groups": "editor"}
PUBLISHER: Final = {"cognito:username": "pat", "sub": "u-publisher", "cognito:groups": "publisher"}


def configure_environment() -> None:
    """Before any handler is imported: their settings are read at import, as at a cold start."""
    os.environ.update(ENVIRONMENT)
    os.environ.pop("AWS_ENDPOINT_URL", None)


def function_memory_mb() -> dict[str, tuple[int, str]]:
    """Each function's memory and where it came from (infra/constants.py, or a stated fallback)."""
    from infra import constants  # noqa: PLC0415

    found: dict[str, tuple[int, str]] = {}
    specs = {spec.name: spec for spec in getattr(constants, "FUNCTIONS", ())}
    for name in HANDLERS:
        spec = specs.get(name) or getattr(constants, name.upper(), None)
        if spec is not None and hasattr(spec, "memory_mb"):
            found[name] = (int(spec.memory_mb), "infra/constants.py")
        else:
            found[name] = (256, "not in infra/constants.py yet: assumed 256 MB")
    return found


def batch_sizes() -> tuple[int, int]:
    from infra import constants  # noqa: PLC0415

    return int(getattr(constants, "RELAY_BATCH_SIZE", 100)), int(getattr(constants, "QUEUE_BATCH_SIZE", 10))


def handler_module(name: str) -> Any:
    return importlib.import_module(f"functions.{name}.handler")


class _CountingStream(io.TextIOBase):
    def __init__(self) -> None:
        self.bytes = 0

    def write(self, text: str) -> int:
        self.bytes += len(text.encode())
        return len(text)


class Context:
    """What Lambda passes as the context object (Powertools reads these attributes)."""

    def __init__(self, name: str, memory_mb: int) -> None:
        self.function_name = f"newsroom-{name}"
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = memory_mb
        self.invoked_function_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:newsroom-{name}"
        self.log_group_name = f"/aws/lambda/newsroom-{name}"
        self.log_stream_name = "bench"
        self.aws_request_id = str(uuid.uuid4())

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


@dataclass
class Invocation:
    function: str
    compute_ms: float  # own CPU time on this machine (moto and the meter taken out)
    calls: int
    billed_ms: int
    wall_ms: float  # handler time here, moto and the meter taken out


@dataclass
class Stack:
    """Resources in moto and the clients around them; use :func:`stack` to get one."""

    clients: dict[str, Any]
    observer: Any  # a DynamoDB client for the benchmark's own reads (not metered)
    meter: Meter
    clock: CpuClock
    stream_arn: str
    enrich_queue: str
    schedule_queue: str
    invocations: list[Invocation] = field(default_factory=list)
    _iterator: str | None = None
    _logs: _CountingStream = field(default_factory=_CountingStream)

    @property
    def ledger(self) -> Ledger:
        return self.meter.ledger

    # -------------------------------------------------------------------------------- functions
    def invoke(self, name: str, event: dict[str, Any]) -> Any:
        """Run one handler as one Lambda invocation, and bill it."""
        memory, _ = function_memory_mb()[name]
        module = handler_module(name)
        self.meter.caller = name
        calls_before, excluded_cpu, excluded_wall = self.meter.calls_made, self.clock.cpu_s, self.clock.wall_s
        logged = self._logs.bytes
        cpu, wall = time.thread_time(), time.perf_counter()
        with contextlib.redirect_stdout(self._logs):
            result = module.handler(event, Context(name, memory))
        compute_s = time.thread_time() - cpu - (self.clock.cpu_s - excluded_cpu)
        wall_s = time.perf_counter() - wall - (self.clock.wall_s - excluded_wall)
        self.meter.caller = "platform"
        calls = self.meter.calls_made - calls_before
        scale = max(1.0, prices.LAMBDA_FULL_VCPU_MB / memory)
        billed_ms = max(1, math.ceil(compute_s * 1000 * scale + calls * prices.AWS_CALL_LATENCY_MS))
        self.invocations.append(Invocation(name, compute_s * 1000, calls, billed_ms, wall_s * 1000))
        log_bytes = self._logs.bytes - logged + prices.LAMBDA_PLATFORM_LOG_BYTES
        self.ledger.add(LineKey("Lambda", "invocation", name, "invocation"), 1, 1)
        self.ledger.add(LineKey("Lambda", "duration", name, "GB-s"), memory / 1024 * billed_ms / 1000)
        self.ledger.add(LineKey("CloudWatch Logs", "function logs", name, "GB"), log_bytes / 1024**3)
        if name != "api":  # an API request's trace starts at API Gateway (counted in call_api)
            self.ledger.add(LineKey("X-Ray", "trace", name, "trace"), prices.TRACE_SAMPLED_SHARE)
        return result

    def call_api(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        claims: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
        caller: str = "CMS",
    ) -> HttpResponse:
        self.ledger.add(LineKey("API Gateway", "request", caller, "request"), 1, 1)
        access_log_gb = prices.API_ACCESS_LOG_BYTES / 1024**3
        self.ledger.add(LineKey("CloudWatch Logs", "API access log", caller, "GB"), access_log_gb)
        self.ledger.add(LineKey("X-Ray", "trace", "api", "trace"), prices.TRACE_SAMPLED_SHARE)
        response = self.invoke("api", api_event(method, path, body, claims=claims, headers=headers, query=query))
        return HttpResponse.from_proxy(response)

    # -------------------------------------------------------------------------------- platform
    def start_stream(self) -> None:
        """Lambda's stream mapping starts reading here (records written before are not replayed)."""
        streams = self.clients["dynamodbstreams"]
        shard = streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"][0]
        self._iterator = streams.get_shard_iterator(
            StreamArn=self.stream_arn, ShardId=shard["ShardId"], ShardIteratorType="LATEST"
        )["ShardIterator"]

    def relay_stream(self) -> int:
        """Stream -> relay, in batches of up to RELAY_BATCH_SIZE head records (the mapping's filter)."""
        assert self._iterator is not None, "start_stream() first"
        relay_batch, _ = batch_sizes()
        records: list[dict[str, Any]] = []
        while True:  # moto returns at most 1,000 records per call; read to the end
            response = self.clients["dynamodbstreams"].get_records(ShardIterator=self._iterator)
            self._iterator = response["NextShardIterator"]
            if not response["Records"]:
                break
            records += [
                stream_record(r, self.stream_arn)
                for r in response["Records"]
                if r["dynamodb"]["Keys"]["sk"]["S"] == "HEAD"  # filtered out records are not invoked nor billed
            ]
        for start in range(0, len(records), relay_batch):
            result = self.invoke("relay", {"Records": records[start : start + relay_batch]})
            failures = result.get("batchItemFailures", [])
            if failures:
                raise RuntimeError(f"relay reported failures: {failures}")
        return len(records)

    def drain(self, queue_url: str, function: str, *, batch: int | None = None) -> int:
        """The queue's mapping: receive up to a batch, invoke, delete the successes in one call."""
        _, queue_batch = batch_sizes()
        size = batch or queue_batch
        arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{queue_url.rsplit('/', 1)[-1]}"
        poller = f"Lambda ESM ({function})"
        delivered = 0
        while True:
            # Lambda's pollers long-poll all the time; an empty receive is their idle cost (a fixed monthly
            # figure, see bench/cost.py), so only the receive that returns this batch is counted here.
            messages = (
                self.clients["sqs"]
                .receive_message(QueueUrl=queue_url, MaxNumberOfMessages=size, MessageSystemAttributeNames=["All"])
                .get("Messages", [])
            )
            if not messages:
                return delivered
            self.meter.ledger.calls[(poller, "sqs", "ReceiveMessage")] += 1
            received = chunks(sum(len(m["Body"].encode()) for m in messages))
            self.ledger.add(LineKey("SQS", "ReceiveMessage", poller, "request"), received, received)
            result = self.invoke(function, {"Records": [sqs_record(m, arn, REGION) for m in messages]})
            failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
            if failed:
                raise RuntimeError(f"{function} reported failures: {sorted(failed)}")
            self.meter.caller = poller
            self.clients["platform-sqs"].delete_message_batch(
                QueueUrl=queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)],
            )
            self.meter.caller = "platform"
            delivered += len(messages)

    def fire_due_schedules(self, now: datetime | None = None) -> int:
        """EventBridge Scheduler: each due one-time schedule sends its input to its target queue."""
        moment = now or datetime.now(UTC)
        scheduler = self.clients["platform-scheduler"]
        fired = 0
        for summary in scheduler.list_schedules(GroupName=SCHEDULE_GROUP).get("Schedules", []):
            schedule = scheduler.get_schedule(Name=summary["Name"], GroupName=SCHEDULE_GROUP)
            at = datetime.fromisoformat(schedule["ScheduleExpression"][3:-1]).replace(tzinfo=UTC)
            if at > moment:
                continue
            self.meter.caller = "EventBridge Scheduler"
            target = schedule["Target"]
            self.clients["platform-sqs"].send_message(QueueUrl=self.schedule_queue, MessageBody=target["Input"])
            self.meter.caller = "platform"
            self.ledger.add(LineKey("Scheduler", "schedule fired", "EventBridge Scheduler", "invocation"), 1, 1)
            scheduler.delete_schedule(Name=summary["Name"], GroupName=SCHEDULE_GROUP)  # ActionAfterCompletion
            fired += 1
        return fired

    def pending_schedules(self) -> list[datetime]:
        scheduler = self.clients["platform-scheduler"]
        times = []
        for summary in scheduler.list_schedules(GroupName=SCHEDULE_GROUP).get("Schedules", []):
            schedule = scheduler.get_schedule(Name=summary["Name"], GroupName=SCHEDULE_GROUP)
            times.append(datetime.fromisoformat(schedule["ScheduleExpression"][3:-1]).replace(tzinfo=UTC))
        return times

    def settle(self, *, queue_batch: int | None = None, rounds: int = 20) -> None:
        """Relay the stream and drain the queues until nothing moves (schedules fire when due)."""
        for _ in range(rounds):
            moved = self.relay_stream()
            moved += self.drain(self.enrich_queue, "enrich", batch=queue_batch)
            moved += self.fire_due_schedules()
            moved += self.drain(self.schedule_queue, "reconcile", batch=queue_batch)
            if not moved:
                return
        raise RuntimeError("the pipeline did not settle")

    def pass_embargoes(self, *, queue_batch: int | None = None) -> None:
        """Let time reach every pending schedule: each fires (publish_due trusts the Scheduler), then settle."""
        times = self.pending_schedules()
        if times:
            self.fire_due_schedules(now=max(times) + timedelta(seconds=1))
            self.settle(queue_batch=queue_batch)


@contextlib.contextmanager
def stack(*, stream: bool = True) -> Iterator[Stack]:
    """A fresh moto account with the pipeline's resources, the speed-ups and the meter installed.

    With ``stream=False`` the table starts without its stream (seed it, then :func:`enable_stream`).
    """
    configure_environment()
    import boto3  # noqa: PLC0415 - after the environment
    from moto import mock_aws  # noqa: PLC0415
    from moto.core.botocore_stubber import BotocoreStubber  # noqa: PLC0415

    from infra.local import motofixes  # noqa: PLC0415 - the local runtime's fixes of moto's O(table) costs
    from shared.store.clients import aws_client, created_clients  # noqa: PLC0415

    clock = CpuClock()
    original_call = BotocoreStubber.__call__

    def timed_call(self: Any, *args: Any, **kwargs: Any) -> Any:
        with clock.excluded():
            return original_call(self, *args, **kwargs)

    motofixes.install()
    with mock_aws():
        BotocoreStubber.__call__ = timed_call  # type: ignore[method-assign]
        try:
            setup: dict[str, Any] = {
                name: boto3.client(name) for name in ("dynamodb", "s3", "events", "sqs", "scheduler")
            }
            table = setup["dynamodb"].create_table(**table_definition(stream=stream))
            setup["s3"].create_bucket(Bucket=DOCUMENTS)
            setup["events"].create_event_bus(Name=BUS)
            enrich_url, _ = _queue(setup["sqs"], "enrich")  # the relay sends ArticleSubmitted here itself
            schedule_url, _ = _queue(setup["sqs"], "schedule")
            _queue(setup["sqs"], "schedule-dlq")
            setup["scheduler"].create_schedule_group(Name=SCHEDULE_GROUP)
            observer = boto3.client("dynamodb")
            meter = Meter(SHAPE, _stored_item, clock)
            _reset_handler_caches()
            for service in ("dynamodb", "s3", "events", "sqs", "scheduler"):
                meter.attach(aws_client(service))  # the very clients the handlers' adapters will use
            platform_sqs = boto3.client("sqs")
            meter.attach(platform_sqs)
            clients = {
                **setup,
                "dynamodbstreams": boto3.client("dynamodbstreams"),
                "platform-sqs": platform_sqs,
                "platform-scheduler": boto3.client("scheduler"),
            }
            built = Stack(
                clients=clients,
                observer=observer,
                meter=meter,
                clock=clock,
                stream_arn=table["TableDescription"].get("LatestStreamArn", ""),
                enrich_queue=enrich_url,
                schedule_queue=schedule_url,
            )
            _route_logs(built._logs)
            if stream:
                built.start_stream()
            yield built
            if len(created_clients()) != 5:
                raise RuntimeError("a handler created a client the meter did not see")
        finally:
            BotocoreStubber.__call__ = original_call  # type: ignore[method-assign]
            _reset_handler_caches()


def enable_stream(built: Stack) -> None:
    """Turn the table's stream on (after seeding) and start the relay's mapping at its end."""
    response = built.clients["dynamodb"].update_table(
        TableName=TABLE, StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    )
    built.stream_arn = response["TableDescription"]["LatestStreamArn"]
    built.start_stream()


def table_definition(*, stream: bool = True) -> dict[str, Any]:
    attributes = {*SHAPE.keys} | {a for i in SHAPE.indexes for a in (i.partition, i.sort)}
    definition: dict[str, Any] = {
        "TableName": TABLE,
        "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "AttributeDefinitions": [{"AttributeName": a, "AttributeType": "S"} for a in sorted(attributes)],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": i.name,
                "KeySchema": [
                    {"AttributeName": i.partition, "KeyType": "HASH"},
                    {"AttributeName": i.sort, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "KEYS_ONLY"}
                if i.projected is None
                else {"ProjectionType": "INCLUDE", "NonKeyAttributes": list(i.projected)},
            }
            for i in SHAPE.indexes
        ],
    }
    if stream:
        definition["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    return definition


def _stored_item(key: dict[str, Any]) -> dict[str, Any] | None:
    """An item as the table holds it now (DynamoDB JSON), read from moto's backend: no request, no cost."""
    from moto.dynamodb.models import dynamodb_backends  # noqa: PLC0415

    item = dynamodb_backends[ACCOUNT][REGION].get_item(TABLE, key)
    return None if item is None else dict(item.to_json()["Attributes"])


def _queue(sqs: Any, name: str) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def _reset_handler_caches() -> None:
    from shared.store.clients import reset_clients  # noqa: PLC0415

    reset_clients()
    for name in HANDLERS:
        module = sys.modules.get(f"functions.{name}.handler")
        for attribute in ("default_services", "default_dependencies"):
            cached = getattr(module, attribute, None)
            if cached is not None and hasattr(cached, "cache_clear"):
                cached.cache_clear()


def _route_logs(stream: _CountingStream) -> None:
    """Powertools loggers keep the stream they were created with: point them at the counter."""
    import logging  # noqa: PLC0415

    for name in HANDLERS:
        module = handler_module(name)
        for handler in logging.getLogger(module.logger.service).handlers:
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(stream)
