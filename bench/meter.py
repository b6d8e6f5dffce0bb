"""Counting what AWS would bill, from the real requests and responses (botocore event hooks).

:class:`Meter` attaches to boto3 clients (``before-parameter-build`` keeps the call's parameters,
``before-call`` reads what a DynamoDB write replaces, ``after-call`` prices the answer) and writes
billable units into a :class:`Ledger`: DynamoDB write and read units from the real item sizes (and
the index entries each write adds, changes or removes), S3 requests by tier, EventBridge events in
64 KB chunks, SQS requests in 64 KB chunks. What a DynamoDB write replaced and what it left is read
straight from moto's table (no AWS call); the time spent there, in the hooks and inside moto is kept
off the functions' measured compute time by :class:`CpuClock`.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import json
import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

from infra import constants

KB: Final = 1024
WRITE_UNIT_BYTES: Final = 1 * KB
READ_UNIT_BYTES: Final = 4 * KB
CHUNK_BYTES: Final = 64 * KB  # EventBridge events and SQS requests are billed per 64 KB chunk
ARCHIVE_RETENTION_MONTHS: Final = getattr(constants, "EVENT_ARCHIVE_RETENTION_DAYS", 90) / 30


# -- CPU time kept off a function's compute ------------------------------------------------------------
class CpuClock:
    """Accumulates the thread CPU time (and wall time) spent in excluded work: moto, the observer, the meter."""

    def __init__(self) -> None:
        self.cpu_s = 0.0
        self.wall_s = 0.0
        self._depth = 0
        self._cpu_start = 0.0
        self._wall_start = 0.0

    @contextlib.contextmanager
    def excluded(self) -> Iterator[None]:
        if self._depth == 0:
            self._cpu_start, self._wall_start = time.thread_time(), time.perf_counter()
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if self._depth == 0:
                self.cpu_s += time.thread_time() - self._cpu_start
                self.wall_s += time.perf_counter() - self._wall_start


# -- DynamoDB item sizes --------------------------------------------------------------------------------
def _number_size(text: str) -> int:
    digits = str(Decimal(text).normalize()).lstrip("-").replace(".", "")
    significant = digits.split("E")[0].strip("0") or "0"
    return (len(significant) + 1) // 2 + 1


def value_size(value: Mapping[str, Any]) -> int:
    """Bytes of one attribute value (DynamoDB JSON), after the developer guide's item-size rules."""
    ((kind, raw),) = value.items()
    if kind == "S":
        return len(raw.encode())
    if kind == "N":
        return _number_size(raw)
    if kind == "B":
        return len(raw) if isinstance(raw, bytes) else len(base64.b64decode(raw))
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(v.encode()) for v in raw)
    if kind == "NS":
        return sum(_number_size(v) for v in raw)
    if kind == "BS":
        return sum(len(v) if isinstance(v, bytes) else len(base64.b64decode(v)) for v in raw)
    if kind == "L":
        return 3 + sum(value_size(v) + 1 for v in raw)
    if kind == "M":
        return 3 + sum(len(k.encode()) + value_size(v) + 1 for k, v in raw.items())
    raise ValueError(f"unknown attribute type {kind}")


def item_size(item: Mapping[str, Mapping[str, Any]] | None) -> int:
    if not item:
        return 0
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


def write_units(size: int) -> int:
    return max(1, math.ceil(size / WRITE_UNIT_BYTES))


def read_units(size: int, *, consistent: bool) -> float:
    units = max(1, math.ceil(size / READ_UNIT_BYTES))
    return float(units) if consistent else units / 2


def chunks(size: int) -> int:
    return max(1, math.ceil(size / CHUNK_BYTES))


# -- the table's shape ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Index:
    name: str
    partition: str
    sort: str
    projected: tuple[str, ...] | None  # None: KEYS_ONLY


@dataclass(frozen=True)
class TableShape:
    name: str
    keys: tuple[str, str]
    indexes: tuple[Index, ...]

    def key_of(self, item: Mapping[str, Any]) -> dict[str, Any]:
        return {k: item[k] for k in self.keys}

    def index_entry(self, index: Index, item: Mapping[str, Any] | None) -> dict[str, Any] | None:
        """The entry ``item`` has in ``index`` (None when it lacks a key attribute: sparse index)."""
        if not item or index.partition not in item or index.sort not in item:
            return None
        names = {*self.keys, index.partition, index.sort, *(index.projected or ())}
        return {k: v for k, v in item.items() if k in names}


# -- the ledger ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LineKey:
    service: str  # as priced: "DynamoDB", "S3", "EventBridge", "SQS", "Lambda", ...
    operation: str  # "PutItem", "PutItem index writes", "invocation", ...
    by: str  # the function, or the platform part that made it ("Lambda ESM", "EventBridge", ...)
    unit: str  # "WRU", "RRU", "PUT", "event", "request", "GB-s", ...


@dataclass
class Amount:
    requests: float = 0.0  # billable requests (0 for derived lines such as index writes or GB-s)
    quantity: float = 0.0  # in the line's unit


@dataclass
class Ledger:
    lines: dict[LineKey, Amount] = field(default_factory=lambda: defaultdict(Amount))
    calls: dict[tuple[str, str, str], int] = field(default_factory=lambda: defaultdict(int))  # every AWS call

    def add(self, key: LineKey, quantity: float, requests: float = 0.0) -> None:
        amount = self.lines[key]
        amount.quantity += quantity
        amount.requests += requests

    def merge(self, other: Ledger) -> None:
        for key, amount in other.lines.items():
            self.add(key, amount.quantity, amount.requests)
        for call, count in other.calls.items():
            self.calls[call] += count


# -- the hooks -----------------------------------------------------------------------------------------
_DYNAMODB_WRITES: Final = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"})
_S3_TIERS: Final = {"PutObject": "PUT", "CopyObject": "PUT", "ListObjectsV2": "PUT", "GetObject": "GET",
                    "HeadObject": "GET"}  # fmt: skip
_FREE: Final = {"scheduler": ("Scheduler", "API call"), "dynamodbstreams": ("DynamoDB Streams", "GetRecords")}


class Meter:
    """Hooks for boto3 clients; ``caller`` names who is calling (set around each invocation)."""

    def __init__(self, shape: TableShape, current: Callable[[dict[str, Any]], dict[str, Any] | None],
                 clock: CpuClock) -> None:  # fmt: skip
        self.shape = shape
        self.current = current  # reads an item as stored (DynamoDB JSON), outside the metered clients
        self.clock = clock
        self.ledger = Ledger()
        self.caller = "unattributed"
        self.calls_made = 0  # AWS calls so far (a function's invocation reads the difference)
        self.event_bytes = 0  # bytes of events accepted by PutEvents (the archive ingests them)
        self.cut_pages = 0  # Query answers cut by the 1 MB page size before their Limit (LastEvaluatedKey)

    def attach(self, client: Any) -> None:
        events = client.meta.events
        events.register("before-parameter-build", self._keep_parameters)
        events.register("before-call", self._before_call)
        events.register("after-call", self._after_call)

    # ------------------------------------------------------------------------------------------ hooks
    def _keep_parameters(self, params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        with self.clock.excluded():
            context["bench_params"] = copy.deepcopy(params)
            context["bench_caller"] = self.caller

    def _before_call(self, model: Any, context: dict[str, Any], **_: Any) -> None:
        with self.clock.excluded():
            self.calls_made += 1
            if model.service_model.service_name == "dynamodb" and model.name in _DYNAMODB_WRITES:
                keys = self._written_keys(model.name, context["bench_params"])
                context["bench_before"] = {self._key_id(k): self._current(k) for k in keys}

    def _after_call(self, http_response: Any, parsed: dict[str, Any], model: Any, context: dict[str, Any],
                    **_: Any) -> None:  # fmt: skip
        with self.clock.excluded():
            service, operation = model.service_model.service_name, model.name
            by = context.get("bench_caller", self.caller)
            params = context.get("bench_params", {})
            ok = http_response.status_code < 300
            self.ledger.calls[(by, service, operation)] += 1
            if service == "dynamodb":
                self._dynamodb(operation, by, params, parsed, context.get("bench_before", {}), ok)
            elif service == "s3":
                self.ledger.add(LineKey("S3", operation, by, _S3_TIERS.get(operation, "PUT")), 1, 1)
            elif service == "events":
                self._put_events(operation, by, params, parsed)
            elif service == "sqs":
                self._sqs(operation, by, params, parsed)
            elif service in _FREE:
                name, unit = _FREE[service]
                self.ledger.add(LineKey(name, operation, by, unit), 1, 0)
            else:
                self.ledger.add(LineKey(service, operation, by, "unpriced call"), 1, 1)

    # ------------------------------------------------------------------------------------- DynamoDB
    @staticmethod
    def _key_id(key: Mapping[str, Any]) -> str:
        return json.dumps(key, sort_keys=True)

    def _current(self, key: Mapping[str, Any]) -> dict[str, Any] | None:
        return self.current(dict(key))

    def _written_keys(self, operation: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        if operation == "PutItem":
            return [self.shape.key_of(params["Item"])]
        if operation in ("UpdateItem", "DeleteItem"):
            return [dict(params["Key"])]
        if operation == "BatchWriteItem":
            requests = [r for table in params["RequestItems"].values() for r in table]
            return [self.shape.key_of(r["PutRequest"]["Item"]) if "PutRequest" in r else dict(r["DeleteRequest"]["Key"])
                    for r in requests]  # fmt: skip
        keys = []
        for entry in params["TransactItems"]:
            ((kind, action),) = entry.items()
            keys.append(self.shape.key_of(action["Item"]) if kind == "Put" else dict(action["Key"]))
        return keys

    def _dynamodb(self, operation: str, by: str, params: Mapping[str, Any], parsed: Mapping[str, Any],
                  before: Mapping[str, Any], ok: bool) -> None:  # fmt: skip
        if operation in _DYNAMODB_WRITES:
            transactional = operation == "TransactWriteItems"
            table_units, index_units = 0.0, 0.0
            for key in self._written_keys(operation, params):
                old = before.get(self._key_id(key))
                new = self._current(key) if ok else old
                size = max(item_size(old), item_size(new))
                table_units += write_units(size) * (2 if transactional else 1)
                index_units += self._index_writes(old, new)
            self.ledger.add(LineKey("DynamoDB", operation, by, "WRU"), table_units, 1)
            if index_units:
                self.ledger.add(LineKey("DynamoDB", f"{operation} index writes", by, "WRU"), index_units, 0)
            return
        if operation == "GetItem":
            size = item_size(parsed.get("Item"))
            units = read_units(size, consistent=bool(params.get("ConsistentRead")))
        elif operation == "BatchGetItem":
            units = 0.0
            for table, request in params["RequestItems"].items():
                consistent = bool(request.get("ConsistentRead"))
                left = parsed.get("UnprocessedKeys", {}).get(table, {}).get("Keys", [])
                unprocessed = {self._key_id(k) for k in left}
                for key in request["Keys"]:
                    if self._key_id(key) not in unprocessed:  # every key read counts, at the full item size
                        units += read_units(item_size(self._current(key)), consistent=consistent)
        elif operation in ("Query", "Scan"):
            items = parsed.get("Items", [])
            if "ProjectionExpression" in params and "IndexName" not in params:
                items = [self._current(self.shape.key_of(i)) or {} for i in items]  # billed at full size
            units = read_units(sum(item_size(i) for i in items), consistent=bool(params.get("ConsistentRead")))
            if "LastEvaluatedKey" in parsed and len(parsed.get("Items", [])) < params.get("Limit", 0):
                self.cut_pages += 1
        else:
            self.ledger.add(LineKey("DynamoDB", operation, by, "control-plane call"), 1, 0)
            return
        self.ledger.add(LineKey("DynamoDB", operation, by, "RRU"), units, 1)

    def _index_writes(self, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> float:
        """Write units the table's indexes consume: an entry added, removed, moved (2 writes) or changed."""
        units = 0.0
        for index in self.shape.indexes:
            before, after = self.shape.index_entry(index, old), self.shape.index_entry(index, new)
            if before == after:
                continue
            if before is None or after is None:
                units += write_units(item_size(before or after))
            elif (before[index.partition], before[index.sort]) != (after[index.partition], after[index.sort]):
                units += write_units(item_size(before)) + write_units(item_size(after))
            else:
                units += write_units(max(item_size(before), item_size(after)))
        return units

    # ---------------------------------------------------------------------------------- EventBridge
    def _put_events(self, operation: str, by: str, params: Mapping[str, Any], parsed: Mapping[str, Any]) -> None:
        if operation != "PutEvents":
            self.ledger.add(LineKey("EventBridge", operation, by, "unpriced call"), 1, 1)
            return
        billed, accepted = 0, 0
        results = parsed.get("Entries", [])
        for entry, result in zip(params["Entries"], results, strict=False):
            if "ErrorCode" in result:
                continue  # refused entries are not billed
            size = event_size(entry)
            billed += chunks(size)
            accepted += size
        self.event_bytes += accepted
        self.ledger.add(LineKey("EventBridge", "PutEvents", by, "event"), billed, billed)
        # The bus's archive (every event of the source, kept ARCHIVE_RETENTION_MONTHS) ingests and stores them.
        gigabytes = accepted / 1024**3
        self.ledger.add(LineKey("EventBridge", "archive ingest", by, "archive GB"), gigabytes)
        self.ledger.add(LineKey("EventBridge", "archive storage", by, "archive GB-month"),
                        gigabytes * ARCHIVE_RETENTION_MONTHS)  # fmt: skip

    # ------------------------------------------------------------------------------------------ SQS
    def _sqs(self, operation: str, by: str, params: Mapping[str, Any], parsed: Mapping[str, Any]) -> None:
        if operation == "ReceiveMessage":
            size = sum(len(m.get("Body", "").encode()) for m in parsed.get("Messages", []))
        elif operation == "SendMessage":
            size = len(params.get("MessageBody", "").encode())
        elif operation == "SendMessageBatch":
            size = sum(len(e.get("MessageBody", "").encode()) for e in params.get("Entries", []))
        else:
            size = 0
        requests = chunks(size)
        self.ledger.add(LineKey("SQS", operation, by, "request"), requests, requests)


def event_size(entry: Mapping[str, Any]) -> int:
    """An event's billed size: its Source, DetailType, Detail and Resources (and Time when set), in UTF-8."""
    size = sum(len(str(entry.get(name, "")).encode()) for name in ("Source", "DetailType", "Detail"))
    size += sum(len(r.encode()) for r in entry.get("Resources", []))
    return size + (14 if entry.get("Time") else 0)


def sqs_body_requests(bodies: Sequence[str]) -> int:
    """SQS requests for one call carrying these bodies (64 KB chunks of the whole payload)."""
    return chunks(sum(len(b.encode()) for b in bodies))
