"""Lambda event source mappings emulated by polling moto: SQS queues and DynamoDB streams.

Each poller runs in a daemon thread, invokes its function in-process and follows the mapping's
settings the way Lambda does: batch size and batching window, filter criteria, partial batch
responses (``ReportBatchItemFailures``), and for streams bisection, retry limits and an on-failure
destination. Queue retries are driven by moto's own redrive policy (``maxReceiveCount`` → DLQ);
locally a failed message becomes visible again after ``retry_delay_s`` instead of the queue's full
visibility timeout, so retries take seconds, not minutes.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Final

from botocore.exceptions import BotoCoreError, ClientError

from infra.local.faults import FaultInjector
from infra.local.lambdas import Invocation, LocalFunction
from infra.local.patterns import matches_any

log = logging.getLogger(__name__)

_SQS_RECORD_ATTRIBUTES: Final = (
    "ApproximateReceiveCount",
    "SentTimestamp",
    "SenderId",
    "ApproximateFirstReceiveTimestamp",
    "SequenceNumber",
    "MessageGroupId",
    "MessageDeduplicationId",
    "AWSTraceHeader",
)
ASYNC_MAX_ATTEMPTS: Final = 3  # an asynchronous invocation (EventBridge → Lambda) is tried 3 times


class Poller:
    """A daemon thread that polls a source and invokes one function; stoppable and observable."""

    kind = "poller"

    def __init__(self, name: str, function: LocalFunction) -> None:
        self.name = name
        self.function = function
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._busy = False
        self._cycles = 0
        self._cycle_changed = threading.Condition()
        self.batches = 0
        self.failures = 0

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=f"local-{self.kind}-{self.name}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def join(self, timeout: float) -> bool:
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    @property
    def busy(self) -> bool:
        """Holding records it has not finished with (received, buffered or being processed)."""
        return self._busy

    @property
    def cycles(self) -> int:
        return self._cycles

    def wait_cycle(self, after: int, timeout: float) -> bool:
        """Wait until a poll cycle that started after ``after`` has completed."""
        deadline = time.monotonic() + timeout
        with self._cycle_changed:
            while self._cycles <= after + 1:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._stop.is_set():
                    return False
                self._cycle_changed.wait(remaining)
        return True

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._poll_once()
            except (ClientError, BotoCoreError) as exc:
                if self._stop.is_set():
                    break
                log.warning("%s %s: %s; retrying", self.kind, self.name, exc)
                self._stop.wait(0.5)
            except Exception:
                log.exception("%s %s failed unexpectedly; retrying", self.kind, self.name)
                self._stop.wait(0.5)
            finally:
                with self._cycle_changed:
                    self._cycles += 1
                    self._cycle_changed.notify_all()

    def _poll_once(self) -> None:
        raise NotImplementedError


# -- SQS --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SqsSettings:
    batch_size: int = 10
    window_s: float = 0.0
    report_batch_item_failures: bool = False
    filters: Sequence[Mapping[str, Any]] = ()
    retry_delay_s: float = 1.0
    wait_s: int = 1
    concurrency: int = 1  # batches in flight at once (Lambda scales SQS pollers up to the function's limit)
    max_receive_count: int | None = None  # the queue's redrive policy, if any
    hold_back_s: int = 1  # how long a "reorder" fault holds a message back


class SqsPoller(Poller):
    """``AWS::Lambda::EventSourceMapping`` on an SQS queue: up to ``concurrency`` batches at once."""

    kind = "sqs"

    def __init__(
        self,
        name: str,
        function: LocalFunction,
        *,
        sqs: Any,
        queue_url: str,
        queue_arn: str,
        region: str,
        settings: SqsSettings,
        faults: FaultInjector | None = None,
    ) -> None:
        super().__init__(name, function)
        self.sqs, self.queue_url, self.queue_arn, self.region = sqs, queue_url, queue_arn, region
        self.settings = settings
        self.faults = faults
        self.source = queue_arn.rsplit(":", 1)[-1]
        self._slots = threading.BoundedSemaphore(max(1, settings.concurrency))
        self._pool: ThreadPoolExecutor | None = None
        self._in_flight = 0
        self._in_flight_lock = threading.Lock()
        self.peak_batches = 0

    def start(self) -> None:
        self._pool = ThreadPoolExecutor(
            max_workers=max(1, self.settings.concurrency), thread_name_prefix=f"local-{self.kind}-{self.name}-batch"
        )
        super().start()

    def join(self, timeout: float) -> bool:
        stopped = super().join(timeout)
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        return stopped

    @property
    def busy(self) -> bool:
        return self._busy or self._in_flight > 0

    def _receive(self, count: int, wait_s: int) -> list[dict[str, Any]]:
        response = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=max(1, min(10, count)),
            WaitTimeSeconds=wait_s,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        return list(response.get("Messages", []))

    def _poll_once(self) -> None:
        if not self._slots.acquire(timeout=0.2):
            return  # every batch slot is taken: poll again when one frees up
        handed_over = False
        try:
            settings = self.settings
            messages = self._receive(settings.batch_size, settings.wait_s)
            if not messages:
                return
            self._busy = True
            deadline = time.monotonic() + settings.window_s
            while len(messages) < settings.batch_size and not self._stop.is_set():
                if time.monotonic() >= deadline:
                    break
                more = self._receive(settings.batch_size - len(messages), 0)
                if more:
                    messages.extend(more)
                else:
                    self._stop.wait(min(0.1, max(0.0, deadline - time.monotonic())))
            messages = self._reorder(messages)
            if not messages:
                return
            with self._in_flight_lock:
                self._in_flight += 1
                self.peak_batches = max(self.peak_batches, self._in_flight)
            pool = self._pool
            if pool is None:
                raise RuntimeError("poller not started")
            pool.submit(self._run_batch, messages)
            handed_over = True
        finally:
            self._busy = False
            if not handed_over:
                self._slots.release()

    def _run_batch(self, messages: list[dict[str, Any]]) -> None:
        try:
            self._process(messages)
        except (ClientError, BotoCoreError) as exc:
            log.warning("%s %s: %s (the messages will be redelivered)", self.kind, self.name, exc)
        except Exception:
            log.exception("%s %s: batch failed unexpectedly (the messages will be redelivered)", self.kind, self.name)
        finally:
            with self._in_flight_lock:
                self._in_flight -= 1
            self._slots.release()

    # -- delivery faults ------------------------------------------------------------------------------
    def _reorder(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """``reorder`` fault: shuffle the batch, or hold one message back so that later ones overtake it."""
        injector = self.faults
        if injector is None or not injector.decide_delivery("reorder", self.function.spec.logical_id, self.source):
            return messages
        if len(messages) > 1:
            return injector.shuffle(messages, self.function.spec.logical_id, self.source)
        held = messages[0]
        receives, limit = (
            int(held.get("Attributes", {}).get("ApproximateReceiveCount", "1")),
            self.settings.max_receive_count,
        )
        if receives > 1 or (limit is not None and receives + 2 >= limit):
            return messages  # held back once already (no livelock at rate 1), or it would near the DLQ
        self.sqs.change_message_visibility(
            QueueUrl=self.queue_url, ReceiptHandle=held["ReceiptHandle"], VisibilityTimeout=self.settings.hold_back_s
        )
        return []

    def _duplicated(self, records: Sequence[Mapping[str, Any]]) -> set[str]:
        """``duplicate`` fault: message ids to leave on the queue after success (delivered again)."""
        injector = self.faults
        if injector is None:
            return set()
        limit = self.settings.max_receive_count
        chosen = set()
        for record in records:
            receives = int(record.get("attributes", {}).get("ApproximateReceiveCount", "1"))
            if limit is not None and receives + 1 >= limit:
                continue  # never push a message into the DLQ by duplicating it
            if injector.decide_delivery("duplicate", self.function.spec.logical_id, self.source):
                chosen.add(str(record["messageId"]))
        return chosen

    # -- processing -------------------------------------------------------------------------------------
    def _process(self, messages: list[dict[str, Any]]) -> None:
        records = [sqs_record(message, self.queue_arn, self.region) for message in messages]
        kept: list[dict[str, Any]] = []
        dropped: list[dict[str, Any]] = []
        for record in records:
            (kept if matches_any(self.settings.filters, _sqs_filter_view(record)) else dropped).append(record)
        self._delete(dropped)  # Lambda deletes messages its filter criteria reject
        if not kept:
            return
        outcome = self.function.invoke({"Records": kept})
        self.batches += 1
        failed_ids = self._failed_ids(outcome, kept)
        failed = [r for r in kept if r["messageId"] in failed_ids]
        succeeded = [r for r in kept if r["messageId"] not in failed_ids]
        again = self._duplicated(succeeded)
        self._delete([r for r in succeeded if r["messageId"] not in again])
        self._retry_later([r for r in succeeded if r["messageId"] in again], delay_s=0)
        if failed:
            self.failures += 1
            self._retry_later(failed)

    def _failed_ids(self, outcome: Invocation, records: list[dict[str, Any]]) -> set[str]:
        every = {r["messageId"] for r in records}
        if not outcome.ok:
            return every
        if not self.settings.report_batch_item_failures:
            return set()
        return batch_item_failures(outcome.result, every) or set()

    def _delete(self, records: Sequence[Mapping[str, Any]]) -> None:
        for chunk in _chunks(records, 10):
            self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": r["receiptHandle"]} for i, r in enumerate(chunk)],
            )

    def _retry_later(self, records: Sequence[Mapping[str, Any]], delay_s: float | None = None) -> None:
        delay = max(0, round(self.settings.retry_delay_s if delay_s is None else delay_s))
        for chunk in _chunks(records, 10):
            self.sqs.change_message_visibility_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": r["receiptHandle"], "VisibilityTimeout": delay}
                    for i, r in enumerate(chunk)
                ],
            )


class AsyncTargetPoller(SqsPoller):
    """EventBridge rule → Lambda target: moto delivers to a local queue; each event is one async invoke.

    An asynchronous invocation is attempted 3 times; then the event is dropped (logged).
    """

    kind = "async"

    def _process(self, messages: list[dict[str, Any]]) -> None:
        for message in messages:
            event = json.loads(message["Body"])
            outcome = self.function.invoke(event)
            self.batches += 1
            handle = message["ReceiptHandle"]
            if outcome.ok:
                record = {"messageId": message["MessageId"], "attributes": message.get("Attributes", {})}
                if self._duplicated([record]):
                    self.sqs.change_message_visibility(
                        QueueUrl=self.queue_url, ReceiptHandle=handle, VisibilityTimeout=0
                    )
                else:
                    self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=handle)
                continue
            self.failures += 1
            attempts = int(message.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
            if attempts >= ASYNC_MAX_ATTEMPTS:
                log.error(
                    "async %s: event dropped after %d attempts: %s",
                    self.name,
                    attempts,
                    outcome.error_message,
                )
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=handle)
            else:
                delay = max(0, round(self.settings.retry_delay_s))
                self.sqs.change_message_visibility(
                    QueueUrl=self.queue_url, ReceiptHandle=handle, VisibilityTimeout=delay
                )


def sqs_record(message: Mapping[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    """One record of an SQS event, shaped as Lambda delivers it."""
    attributes = message.get("Attributes", {})
    record: dict[str, Any] = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": {key: attributes[key] for key in _SQS_RECORD_ATTRIBUTES if key in attributes},
        "messageAttributes": {
            name: _message_attribute(value) for name, value in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message.get("MD5OfBody"),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }
    if "MD5OfMessageAttributes" in message:
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record


def _message_attribute(value: Mapping[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = {
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": value["DataType"],
    }
    if "StringValue" in value:
        converted["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        converted["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode()
    return converted


def _sqs_filter_view(record: Mapping[str, Any]) -> dict[str, Any]:
    """Filters see a JSON body as an object (so ``{"body": {"kind": [...]}}`` works), else the string."""
    try:
        body = json.loads(record["body"])
    except (TypeError, ValueError):
        return dict(record)
    return {**record, "body": body} if isinstance(body, dict) else dict(record)


def batch_item_failures(result: Any, valid_ids: set[str]) -> set[str] | None:
    """The ids a partial batch response names; every id if the response is invalid, None if none failed."""
    if not isinstance(result, Mapping):
        return None
    failures = result.get("batchItemFailures")
    if not failures:
        return None
    named: set[str] = set()
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, Mapping) else None
        if not isinstance(identifier, str) or identifier not in valid_ids:
            log.warning("invalid batchItemFailures entry %r: the whole batch counts as failed", failure)
            return set(valid_ids)
        named.add(identifier)
    return named


# -- DynamoDB streams ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class StreamSettings:
    batch_size: int = 100
    starting_position: str = "TRIM_HORIZON"
    window_s: float = 0.0
    filters: Sequence[Mapping[str, Any]] = ()
    bisect_on_error: bool = False
    max_retry_attempts: int = -1  # -1: until the record expires (it blocks the shard, as in AWS)
    max_record_age_s: int = -1
    report_batch_item_failures: bool = False
    on_failure_queue_url: str | None = None
    poll_interval_s: float = 0.1
    retry_backoff_s: float = 0.05
    stale_check_s: float = 1.0  # without a way to see the stream's end: re-read this often when idle


@dataclass
class _Shard:
    shard_id: str
    iterator: str | None
    buffer: list[dict[str, Any]] = field(default_factory=list)
    last_sequence: str | None = None  # the newest record read from the shard (handled or buffered)
    baseline: int | None = None  # the newest record before a LATEST start (nothing up to it is ours)
    attempts: int = 0
    limit: int = 0
    refreshed_at: float = 0.0
    invoking: bool = False

    def read_through(self) -> int | None:
        """Sequence number of the newest record read (or skipped by the starting position)."""
        values = [int(v) for v in (self.last_sequence, self.baseline) if v is not None]
        return max(values) if values else None


class StreamPoller(Poller):
    """``AWS::Lambda::EventSourceMapping`` on a DynamoDB stream."""

    kind = "stream"

    def __init__(
        self,
        name: str,
        function: LocalFunction,
        *,
        streams: Any,
        sqs: Any,
        stream_arn: str,
        region: str,
        settings: StreamSettings,
        latest_sequence: Callable[[str], int | None] | None = None,
    ) -> None:
        super().__init__(name, function)
        self.streams, self.sqs, self.stream_arn, self.region = streams, sqs, stream_arn, region
        self.settings = settings
        self.latest_sequence = latest_sequence
        self._shards: dict[str, _Shard] = {}
        self.discarded = 0
        self.refreshes = 0  # shard iterators replaced because they went stale or expired

    def start(self) -> None:
        self._discover(self.settings.starting_position)  # before the thread: LATEST means "from now"
        super().start()

    def _discover(self, position: str) -> None:
        description = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]
        for shard in description.get("Shards", []):
            shard_id = shard["ShardId"]
            if shard_id not in self._shards:
                baseline = None
                if position == "LATEST" and self.latest_sequence is not None:
                    baseline = self.latest_sequence(self.stream_arn)
                iterator = self.streams.get_shard_iterator(
                    StreamArn=self.stream_arn, ShardId=shard_id, ShardIteratorType=position
                )["ShardIterator"]
                self._shards[shard_id] = _Shard(
                    shard_id, iterator, baseline=baseline, limit=self.settings.batch_size, refreshed_at=time.monotonic()
                )

    def pending(self) -> int:
        """Records written to the stream that this mapping has not finished with (0: caught up).

        Needs ``latest_sequence`` (the runtime reads it from moto); without it, only buffered
        records count.
        """
        shards = list(self._shards.values())
        waiting = sum(len(shard.buffer) + (1 if shard.invoking else 0) for shard in shards)
        if self.latest_sequence is None:
            return waiting
        latest = self.latest_sequence(self.stream_arn)
        if latest is None:
            return waiting
        unread = 0
        for shard in shards:
            through = shard.read_through()
            unread += latest - through if through is not None else 1
        return waiting + max(0, unread)

    def _poll_once(self) -> None:
        worked = False
        for shard in list(self._shards.values()):
            worked |= self._poll_shard(shard)
        self._busy = any(shard.buffer for shard in self._shards.values())
        if not worked:
            self._stop.wait(self.settings.poll_interval_s)

    def _fetch(self, shard: _Shard) -> int:
        if shard.iterator is None:
            return 0
        try:
            response = self.streams.get_records(ShardIterator=shard.iterator, Limit=1000)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in (
                "ExpiredIteratorException",
                "TrimmedDataAccessException",
            ):
                raise
            self._refresh(shard, "expired")
            return 0
        shard.iterator = response.get("NextShardIterator")
        records = [stream_record(r, self.stream_arn) for r in response.get("Records", [])]
        # Buffer first, then move the read mark: an observer never sees the records in neither place.
        shard.buffer.extend(r for r in records if matches_any(self.settings.filters, r))
        if records:
            shard.last_sequence = records[-1]["dynamodb"]["SequenceNumber"]
        elif self._stale(shard):
            self._refresh(shard, "stale")
        return len(records)

    def _stale(self, shard: _Shard) -> bool:
        """An empty read while the stream has newer records (or, unknown, once a second): re-read."""
        if self.latest_sequence is not None:
            latest, through = self.latest_sequence(self.stream_arn), shard.read_through()
            return latest is not None and (through is None or latest > through)
        return time.monotonic() - shard.refreshed_at > self.settings.stale_check_s

    def _refresh(self, shard: _Shard, why: str) -> None:
        """A new iterator right after the last record read (a stale or expired one can skip nothing)."""
        shard.iterator = self._iterator_after(shard)
        shard.refreshed_at = time.monotonic()
        self.refreshes += 1
        log.debug("stream %s: %s shard iterator replaced after %s", self.name, why, shard.read_through())

    def _iterator_after(self, shard: _Shard) -> str:
        kwargs: dict[str, Any] = {"ShardIteratorType": "TRIM_HORIZON"}
        through = shard.read_through()
        if through is not None:
            kwargs = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": str(through)}
        return str(
            self.streams.get_shard_iterator(StreamArn=self.stream_arn, ShardId=shard.shard_id, **kwargs)[
                "ShardIterator"
            ]
        )

    def _poll_shard(self, shard: _Shard) -> bool:
        settings = self.settings
        if not shard.buffer:
            self._fetch(shard)
            if shard.buffer and settings.window_s > 0:
                deadline = time.monotonic() + settings.window_s
                while len(shard.buffer) < settings.batch_size and time.monotonic() < deadline:
                    if self._stop.wait(settings.poll_interval_s):
                        return False
                    self._fetch(shard)
        if not shard.buffer:
            return False
        self._busy = True
        self._expire(shard)
        batch = shard.buffer[: max(1, min(shard.limit, settings.batch_size))]
        if batch:
            self._invoke(shard, batch)
        return True

    def _expire(self, shard: _Shard) -> None:
        max_age = self.settings.max_record_age_s
        if max_age < 0:
            return
        now = time.time()
        expired = []
        while shard.buffer and now - float(shard.buffer[0]["dynamodb"]["ApproximateCreationDateTime"]) > max_age:
            expired.append(shard.buffer.pop(0))
        if expired:
            self._discard(shard, expired, "RecordAgeExceeded", invocation=None)

    def _invoke(self, shard: _Shard, batch: list[dict[str, Any]]) -> None:
        settings = self.settings
        shard.invoking = True
        try:
            outcome = self.function.invoke({"Records": batch})
        finally:
            shard.invoking = False
        self.batches += 1
        sequence_numbers = [r["dynamodb"]["SequenceNumber"] for r in batch]
        failed: set[str] | None = None
        if not outcome.ok:
            failed = set(sequence_numbers)
        elif settings.report_batch_item_failures:
            failed = batch_item_failures(outcome.result, set(sequence_numbers))
        if not failed:
            del shard.buffer[: len(batch)]
            shard.attempts, shard.limit = 0, settings.batch_size
            return
        self.failures += 1
        whole_batch = len(failed) == len(batch) and not outcome.ok
        if whole_batch and settings.bisect_on_error and len(batch) > 1:
            shard.limit = (len(batch) + 1) // 2  # bisecting does not use up retries
            return
        # Retry from the first failed record (the lowest sequence number reported).
        checkpoint = min(sequence_numbers.index(s) for s in failed)
        if checkpoint > 0:
            del shard.buffer[:checkpoint]
            shard.attempts = 0
        shard.attempts += 1
        remaining = batch[checkpoint:]
        if 0 <= settings.max_retry_attempts < shard.attempts:
            del shard.buffer[: len(remaining)]
            self._discard(shard, remaining, "RetryAttemptsExhausted", invocation=outcome)
            shard.attempts, shard.limit = 0, settings.batch_size
            return
        self._stop.wait(min(2.0, settings.retry_backoff_s * 2 ** (shard.attempts - 1)))

    def _discard(
        self, shard: _Shard, records: list[dict[str, Any]], condition: str, *, invocation: Invocation | None
    ) -> None:
        self.discarded += len(records)
        first, last = records[0]["dynamodb"], records[-1]["dynamodb"]
        log.warning(
            "stream %s: %d record(s) %s..%s discarded (%s)",
            self.name,
            len(records),
            first["SequenceNumber"],
            last["SequenceNumber"],
            condition,
        )
        if not self.settings.on_failure_queue_url:
            return
        response_context: dict[str, Any] = {"statusCode": 200, "executedVersion": "$LATEST"}
        if invocation is not None and not invocation.ok:
            response_context["functionError"] = "Unhandled"
        failure = {
            "requestContext": {
                "requestId": invocation.request_id if invocation else str(uuid.uuid4()),
                "functionArn": self.function.spec.arn,
                "condition": condition,
                "approximateInvokeCount": shard.attempts if invocation else 0,
            },
            "responseContext": response_context,
            "version": "1.0",
            "timestamp": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "DDBStreamBatchInfo": {
                "shardId": shard.shard_id,
                "startSequenceNumber": first["SequenceNumber"],
                "endSequenceNumber": last["SequenceNumber"],
                "approximateArrivalOfFirstRecord": _iso(first["ApproximateCreationDateTime"]),
                "approximateArrivalOfLastRecord": _iso(last["ApproximateCreationDateTime"]),
                "batchSize": len(records),
                "streamArn": self.stream_arn,
            },
        }
        self.sqs.send_message(QueueUrl=self.settings.on_failure_queue_url, MessageBody=json.dumps(failure))


def _iso(epoch: float) -> str:
    return dt.datetime.fromtimestamp(float(epoch), dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def stream_record(record: Mapping[str, Any], stream_arn: str) -> dict[str, Any]:
    """A DynamoDB stream record as Lambda delivers it (JSON types: epoch seconds, base64 binaries)."""
    wire = _to_json(record)
    wire["eventSourceARN"] = stream_arn
    return wire


def _to_json(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_to_json(item) for item in value]
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, dt.datetime):
        return value.timestamp()
    return value


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
