"""Where moto (5.2.5) differs from AWS in ways that stall or bloat the local runtime: fixed here, once.

Each gap has a regression test in ``tests/integration/local/test_moto_fixes.py``. ``install()`` is
idempotent and patches moto's classes for the whole process (in-process ``mock_aws`` too): the fixed
behaviour is closer to DynamoDB's, never further from it.

1. ``TransactWriteItems`` (``DynamoDBBackend.transact_write_items``). moto deep-copies the whole table
   once per transaction item as a backup, applies the items one by one and, when one fails, swaps the
   ``Table`` object for the copy. A stream iterator taken earlier keeps reading the old table's
   shard and never sees another record (the local stall); every transaction costs O(items x table
   size); and the copies pile up (memory). Here every item is checked first (key, condition, the
   new image computed on a copy of that one item), and only when all pass are the new images
   installed in the same table. Nothing is ever copied wholesale or swapped.
2. Cancellation reasons as DynamoDB reports them: one reason per item, in order, ``None`` for the
   items that passed, ``ConditionalCheckFailed`` (with the item when
   ``ReturnValuesOnConditionCheckFailure`` is ``ALL_OLD``), ``ValidationError`` when an update
   cannot apply to the stored item.
3. ``ClientRequestToken`` (ignored by moto). botocore fills it in for every ``TransactWriteItems``
   call and resends the same token when it retries, so DynamoDB can recognise the resend: within 10
   minutes of a successful transaction, the same token and the same items succeed again without
   applying anything; the same token with other items is an ``IdempotentParameterMismatchException``.
   A cancelled transaction is not remembered (it changed nothing; a resend is evaluated afresh).
   At most ``MAX_TOKENS`` tokens are remembered (the oldest are forgotten first).
4. ``UpdateItem`` that creates an item: moto writes two stream records (an ``INSERT`` with the key
   only, then an ``INSERT`` with the item). DynamoDB writes one. Updates go through the same
   check-then-install path as transactions.
5. Writes that change nothing (an update or transaction item whose new image equals the stored one)
   write no stream record, as in DynamoDB.
6. Stream shard iterators (``DynamoDBStreamsBackend``). moto keeps every iterator it ever handed out
   (one per ``GetRecords``, ~1.5 KB each, forever: ~50 MB an hour for one poller). DynamoDB expires
   them after 15 minutes. Here they expire after 15 minutes and at most ``MAX_ITERATORS`` are kept;
   an unknown or expired iterator is an ``ExpiredIteratorException`` (moto answered a 500).
7. moto keeps a reference to every model object it ever creates (``BaseModel.instances_tracked``,
   for its dashboard): every item version ever written, every stream record, iterator and SQS
   message stays in memory until a reset, overwritten or deleted or not. For those high-churn
   types (``UNTRACKED``) the objects are not tracked: they live as long as moto's state holds them.
8. ``Query`` (``Table.query``) walked and sorted the whole table on every call, for the table and
   for a GSI alike: O(table size), where DynamoDB reads one partition. Here a table query starts
   from its partition (a dict lookup), and a GSI query from a bucket of the index kept per hash key
   value: built on the index's first query, then maintained on every write (moto's put and delete,
   and the writes above); a write path that changes items in place (``UpdateItem`` with the legacy
   ``AttributeUpdates``) makes the table's indexes rebuild on their next query. moto's own code
   still filters, sorts and pages the candidates, so answers are unchanged. A plain index query
   (no filter, no start key) hands moto only the items it can return: in range, in order, one more
   than its limit (moto sized every candidate of the bucket: ~0.2 s per feed query at a thousand
   articles). A scan of a GSI reads the index's buckets; a scan of the table is untouched.
9. Per-item costs that answers do not depend on (``_fast_paths``): moto converts a whole item to plain
   JSON once per projected attribute (``Item.project``), recomputes a value's cast on each comparison
   while sorting (``DynamoType.cast_value``, ``Table.sorted_items``), and runs every data-plane answer,
   already shaped as the wire JSON, through its generic shape-driven serializer (~0.1 s for a Query page
   of 100 feed entries). Here projections of top-level attributes copy just those attributes, sorts
   compare native values (numbers as ``Decimal``), and data-plane answers are dumped as they are (moto's
   serializer still answers errors and every other service). Answers are unchanged, except that a
   projected number comes back as it was written ("01.50") where moto would rewrite it ("1.50").
10. SQS receives that grow with the square of the backlog: for every message it hands out, moto checks
   the retention period by building every queue attribute, three of which count the whole queue
   (~0.3 s per receive of 10 with a thousand messages waiting, so a backlog drained ever slower).
   The retention period is read from the queue itself (``_retention_check``); the answer is unchanged.
"""

from __future__ import annotations

import copy
import hashlib
import inspect
import json
import threading
import time
from collections import OrderedDict
from decimal import Decimal
from typing import Any, Final

_INSTALLED = False
_INSTALL_LOCK = threading.Lock()

TOKEN_WINDOW_S: Final = 600.0  # DynamoDB remembers a ClientRequestToken for 10 minutes
MAX_TOKENS = 100_000  # and locally at most this many (~25 MB), oldest forgotten first
ITERATOR_TTL_S: Final = 900.0  # a DynamoDB Streams shard iterator expires after 15 minutes
MAX_ITERATORS = 10_000
_OPERATIONS: Final = ("ConditionCheck", "Put", "Delete", "Update")
ERROR_PREFIX: Final = "com.amazonaws.dynamodb.v20120810#"


class WorkCounter:
    """What the transaction path did, for tests that assert on work instead of wall time."""

    def __init__(self) -> None:
        self.items_copied = 0  # single items copied to compute an update's new image
        self.transactions = 0
        self.replayed = 0  # transactions answered from the ClientRequestToken ledger

    def reset(self) -> None:
        self.items_copied = self.transactions = self.replayed = 0


WORK = WorkCounter()


def install() -> None:
    """Patch moto's classes (once per process)."""
    global _INSTALLED  # noqa: PLW0603 - a process-wide, idempotent patch
    with _INSTALL_LOCK:
        if _INSTALLED:
            return
        from moto.dynamodb.models import DynamoDBBackend  # noqa: PLC0415 - moto is a dev dependency
        from moto.dynamodb.responses import DynamoHandler  # noqa: PLC0415
        from moto.dynamodbstreams.models import DynamoDBStreamsBackend  # noqa: PLC0415

        original_update = DynamoDBBackend.update_item
        original_transact_response = DynamoHandler.transact_write_items

        def update_item(self: Any, table_name: str, key: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
            return _update_item(self, original_update, table_name, key, *args, **kwargs)

        def transact_response(self: Any) -> Any:
            return _transact_with_token(self, original_transact_response)

        DynamoDBBackend.transact_write_items = _transact_write_items  # type: ignore[method-assign]
        DynamoDBBackend.update_item = update_item  # type: ignore[method-assign]
        DynamoHandler.transact_write_items = transact_response  # type: ignore[method-assign]
        DynamoDBStreamsBackend.get_shard_iterator = _get_shard_iterator(DynamoDBStreamsBackend.get_shard_iterator)  # type: ignore[method-assign]
        DynamoDBStreamsBackend.get_records = _get_records  # type: ignore[method-assign]
        _untrack()
        _index_queries()
        _fast_paths()
        _retention_check()
        _INSTALLED = True


UNTRACKED: Final = (
    ("moto.dynamodb.models.dynamo_type", "Item"),
    ("moto.dynamodb.models.table", "StreamRecord"),
    ("moto.dynamodbstreams.models", "ShardIterator"),
    ("moto.sqs.models", "Message"),
)


def _untrack() -> None:
    """Gap 7: no global list keeps every item, record, iterator and message alive."""
    import importlib  # noqa: PLC0415

    from moto.core.common_models import BaseModel  # noqa: PLC0415

    untracked = tuple(getattr(importlib.import_module(module), name) for module, name in UNTRACKED)
    for cls in untracked:
        cls.instances_tracked = []
    original = BaseModel.__new__

    def new(cls: type, *args: Any, **kwargs: Any) -> Any:
        if issubclass(cls, untracked):
            return object.__new__(cls)
        return original(cls, *args, **kwargs)

    BaseModel.__new__ = staticmethod(new)  # type: ignore[method-assign]


# -- transactions -------------------------------------------------------------------------------------
def _exceptions() -> Any:
    from moto.dynamodb import exceptions  # noqa: PLC0415

    return exceptions


def _transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
    """Check every item, then apply all of them, or none (gaps 1, 2 and 5)."""
    errors = _exceptions()
    if len(transact_items) > 100:
        raise errors.TooManyTransactionsException()
    WORK.transactions += 1
    targets: set[tuple[str, str]] = set()
    plans: list[tuple[Any, Any, Any, Any, Any] | None] = []  # (table, hash, range, current, new)
    reasons: list[tuple[str | None, str | None, dict[str, Any] | None]] = []
    for entry in transact_items:
        if len(entry) != 1:
            raise errors.TransactWriteSingleOpException()
        operation, request = next(iter(entry.items()))
        if operation not in _OPERATIONS:
            raise errors.MockValidationException(f"Unsupported transaction operation {operation}")
        table = self.get_table(request["TableName"])
        key = _key_of(table, request["Item"]) if operation == "Put" else request["Key"]
        hash_value, range_value = self.get_keys_value(table, key)
        target = (table.name, repr((hash_value, range_value)))
        if target in targets:
            raise errors.MultipleTransactionsException()
        targets.add(target)
        current = table.get_item(hash_value, range_value)
        failed = _condition_failure(request, current)
        if failed is not None:
            reasons.append(failed)
            plans.append(None)
            continue
        try:
            new = _new_image(table, operation, request, current, (hash_value, range_value))
        except errors.MockValidationException as exc:
            if operation == "Put":
                raise  # a malformed item fails the whole request, as in DynamoDB
            reasons.append(("ValidationError", exc.exception_msg, None))
            plans.append(None)
            continue
        reasons.append((None, None, None))
        plans.append(None if operation == "ConditionCheck" else (table, hash_value, range_value, current, new))
    if any(code is not None for code, _, _ in reasons):
        raise errors.TransactionCanceledException(reasons)
    for plan in plans:
        if plan is not None:
            _install(*plan)


def _key_of(table: Any, item: dict[str, Any]) -> dict[str, Any]:
    errors = _exceptions()
    key = {}
    for name in (table.hash_key_attr, table.range_key_attr):
        if name is None:
            continue
        if name not in item:
            raise errors.MockValidationException(
                f"One or more parameter values were invalid: Missing the key {name} in the item"
            )
        key[name] = item[name]
    return key


def _condition_failure(request: dict[str, Any], current: Any) -> tuple[str, str, dict[str, Any] | None] | None:
    from moto.dynamodb.comparisons import get_filter_expression  # noqa: PLC0415

    expression = request.get("ConditionExpression")
    if expression is None:
        return None
    condition = get_filter_expression(
        expression, request.get("ExpressionAttributeNames"), request.get("ExpressionAttributeValues")
    )
    if condition.expr(current):
        return None
    item = None
    if request.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current is not None:
        item = current.to_json()["Attributes"]
    return ("ConditionalCheckFailed", "The conditional request failed", item)


def _new_image(table: Any, operation: str, request: dict[str, Any], current: Any, key: tuple[Any, Any]) -> Any:
    """The item as it will be after ``operation`` (None: deleted), computed without touching the table."""
    from moto.dynamodb.models.dynamo_type import Item  # noqa: PLC0415

    if operation == "ConditionCheck":
        return current
    if operation == "Delete":
        return None
    if operation == "Put":
        attributes = request["Item"]
        _validate_put(table, attributes, *key)
        return Item(key[0], key[1], attributes)
    return _updated(
        table,
        current,
        key,
        expression=request.get("UpdateExpression") or "",
        names=request.get("ExpressionAttributeNames") or {},
        values=request.get("ExpressionAttributeValues") or {},
    )


def _validate_put(table: Any, attributes: dict[str, Any], hash_value: Any, range_value: Any) -> None:
    """The checks moto's ``Table.put_item`` makes before storing, without storing."""
    errors = _exceptions()
    if hash_value.type != table.hash_key_type:
        raise errors.InvalidAttributeTypeError(
            table.hash_key_attr, expected_type=table.hash_key_type, actual_type=hash_value.type
        )
    if range_value is not None and range_value.type != table.range_key_type:
        raise errors.InvalidAttributeTypeError(
            table.range_key_attr, expected_type=table.range_key_type, actual_type=range_value.type
        )
    table._validate_item_types(attributes)
    table._validate_key_sizes(attributes)


def _updated(
    table: Any,
    current: Any,
    key: tuple[Any, Any],
    *,
    expression: str,
    names: dict[str, Any],
    values: dict[str, Any],
) -> Any:
    """Apply an update expression to a copy of one item (moto's own parser, validator and executor)."""
    from moto.dynamodb.models.dynamo_type import Item  # noqa: PLC0415
    from moto.dynamodb.parsing.executors import UpdateExpressionExecutor  # noqa: PLC0415
    from moto.dynamodb.parsing.expressions import UpdateExpressionParser  # type: ignore[attr-defined]  # noqa: PLC0415
    from moto.dynamodb.parsing.validators import UpdateExpressionValidator  # noqa: PLC0415

    errors = _exceptions()
    hash_value, range_value = key
    if current is not None:
        item = copy.deepcopy(current)
        WORK.items_copied += 1
    else:
        keys = {table.hash_key_attr: hash_value.to_json()}
        if range_value is not None:
            keys[table.range_key_attr] = range_value.to_json()
        item = Item(hash_value, range_value, keys)
    if not expression.strip():
        return item
    tree = UpdateExpressionParser.make(expression)
    validated = UpdateExpressionValidator(
        tree, expression_attribute_names=names, expression_attribute_values=values, item=item, table=table
    ).validate()
    validated.normalize()
    try:
        UpdateExpressionExecutor(validated, item, names).execute()
    except errors.ItemSizeTooLarge:
        raise errors.ItemSizeToUpdateTooLarge() from None
    return item


def _install(table: Any, hash_value: Any, range_value: Any, current: Any, new: Any) -> None:
    """Store (or delete) one item in place and write its stream record, as DynamoDB would."""
    if new is None:
        if current is None:
            return  # deleting nothing writes no record
        if range_value is not None:
            table.items[hash_value].pop(range_value, None)
        else:
            table.items.pop(hash_value, None)
    else:
        if range_value is not None:
            table.items[hash_value][range_value] = new
        else:
            table.items[hash_value] = new
        if current is not None and current == new:
            _reindex(table, current, new)  # the same attributes, a new object: the index holds the new one
            return  # nothing changed: no stream record
    _reindex(table, current, new)
    if table.stream_shard is not None:
        table.stream_shard.add(current, new)


# -- UpdateItem ---------------------------------------------------------------------------------------
def _update_item(  # noqa: PLR0917 - moto's own signature, positional as moto calls it
    self: Any,
    original: Any,
    table_name: str,
    key: dict[str, Any],
    update_expression: str,
    expression_attribute_names: dict[str, Any],
    expression_attribute_values: dict[str, Any],
    attribute_updates: dict[str, Any] | None = None,
    expected: dict[str, Any] | None = None,
    condition_expression: str | None = None,
    return_values_on_condition_check_failure: str | None = None,
) -> Any:
    """UpdateItem through check-then-install (gaps 4 and 5); the legacy parameters keep moto's path."""
    if attribute_updates or expected:
        _table_or_none(self, table_name, _forget_indexes)  # moto changes the item in place
        return original(
            self,
            table_name,
            key,
            update_expression,
            expression_attribute_names,
            expression_attribute_values,
            attribute_updates,
            expected,
            condition_expression,
            return_values_on_condition_check_failure,
        )
    table = self.get_table(table_name)
    hash_value, range_value = self.get_keys_value(table, key)
    current = table.get_item(hash_value, range_value)
    request = {
        "ConditionExpression": condition_expression,
        "ExpressionAttributeNames": expression_attribute_names,
        "ExpressionAttributeValues": expression_attribute_values,
        "ReturnValuesOnConditionCheckFailure": return_values_on_condition_check_failure,
    }
    failed = _condition_failure(request, current)
    if failed is not None:
        raise _exceptions().ConditionalCheckFailed(item=failed[2])
    new = _updated(
        table,
        current,
        (hash_value, range_value),
        expression=update_expression or "",
        names=expression_attribute_names or {},
        values=expression_attribute_values or {},
    )
    _install(table, hash_value, range_value, current, new)
    return new


# -- ClientRequestToken --------------------------------------------------------------------------------
def _ledger(backend: Any) -> OrderedDict[str, tuple[str, float]]:
    """Tokens of successful transactions, kept on the backend (a reset of moto makes new backends)."""
    ledger: OrderedDict[str, tuple[str, float]] | None = getattr(backend, "_local_token_ledger", None)
    if ledger is None:
        ledger = OrderedDict()
        backend._local_token_ledger = ledger
    now = time.monotonic()
    while ledger and (len(ledger) >= MAX_TOKENS or now - next(iter(ledger.values()))[1] > TOKEN_WINDOW_S):
        ledger.popitem(last=False)
    return ledger


def _transact_with_token(handler: Any, original: Any) -> Any:
    """Gap 3: the same token and items within 10 minutes of success succeed again, applying nothing."""
    from moto.core.responses import ActionResult  # noqa: PLC0415

    token = handler.body.get("ClientRequestToken")
    if not token:
        return original(handler)
    fingerprint = hashlib.sha256(
        json.dumps(handler.body.get("TransactItems"), sort_keys=True, default=str).encode()
    ).hexdigest()
    ledger = _ledger(handler.dynamodb_backend)
    seen = ledger.get(token)
    if seen is not None:
        if seen[0] != fingerprint:
            raise _exceptions().DynamodbException(
                ERROR_PREFIX + "IdempotentParameterMismatchException",
                "Request parameters do not match the previous request with this ClientRequestToken",
            )
        WORK.replayed += 1
        return ActionResult({"ConsumedCapacity": [], "ItemCollectionMetrics": {}})
    result = original(handler)
    ledger[token] = (fingerprint, time.monotonic())
    return result


# -- stream shard iterators ------------------------------------------------------------------------------
def _iterators(backend: Any) -> OrderedDict[str, Any]:
    if not isinstance(backend.shard_iterators, OrderedDict):
        backend.shard_iterators = OrderedDict(backend.shard_iterators)
    iterators: OrderedDict[str, Any] = backend.shard_iterators
    now = time.monotonic()
    while iterators and (
        len(iterators) > MAX_ITERATORS
        or now - getattr(next(iter(iterators.values())), "_local_created", now) > ITERATOR_TTL_S
    ):
        iterators.popitem(last=False)
    return iterators


def _get_shard_iterator(original: Any) -> Any:
    def get_shard_iterator(self: Any, *args: Any, **kwargs: Any) -> Any:
        iterator = original(self, *args, **kwargs)
        iterator._local_created = time.monotonic()
        _iterators(self)
        return iterator

    return get_shard_iterator


def _get_records(self: Any, iterator_arn: str, limit: int) -> dict[str, Any]:
    from moto.core.exceptions import JsonRESTError  # noqa: PLC0415

    iterators = _iterators(self)
    iterator = iterators.get(iterator_arn)
    if iterator is None:
        raise JsonRESTError("ExpiredIteratorException", "Iterator expired or unknown")
    result: dict[str, Any] = iterator.get(limit)
    following = iterators.get(result["NextShardIterator"])
    if following is not None:
        following._local_created = time.monotonic()
    _iterators(self)
    return result


# -- Query by partition and by index bucket (gap 8) -----------------------------------------------------
_BUCKETS = "_local_gsi_buckets"  # {index name: {hash key value: {(hash, range): item}}}


def _table_or_none(backend: Any, name: str, action: Any) -> None:
    table = backend.tables.get(name)
    if table is not None:
        action(table)


def _forget_indexes(table: Any) -> None:
    table.__dict__.pop(_BUCKETS, None)


def _index_hash_attribute(index: Any) -> str | None:
    hashes = [key["AttributeName"] for key in index.schema if key["KeyType"] == "HASH"]
    return hashes[0] if len(hashes) == 1 else None  # multi-attribute keys: moto's own scan


def _item_key(item: Any) -> tuple[Any, Any]:
    return (item.hash_key, item.range_key)


def _reindex(table: Any, old: Any, new: Any) -> None:
    """Keep the built GSI buckets in step with one item changing from ``old`` to ``new``."""
    buckets = table.__dict__.get(_BUCKETS)
    if not buckets:
        return
    for index in table.global_indexes:
        bucket_map = buckets.get(index.name)
        attribute = _index_hash_attribute(index)
        if bucket_map is None or attribute is None:
            continue
        for item, add in ((old, False), (new, True)):
            value = item.attrs.get(attribute) if item is not None else None
            if value is None:
                continue
            bucket = bucket_map.setdefault(value, {})
            if add:
                bucket[_item_key(item)] = item
            else:
                bucket.pop(_item_key(item), None)


def _bucket_map(table: Any, index: Any) -> dict[Any, dict[tuple[Any, Any], Any]]:
    """The index's items by hash key value, built on first use and kept in step by ``_reindex``."""
    attribute = _index_hash_attribute(index)
    buckets = table.__dict__.setdefault(_BUCKETS, {})
    if index.name not in buckets:
        built: dict[Any, dict[tuple[Any, Any], Any]] = {}
        for item in _every_item(table):
            found = item.attrs.get(attribute)
            if found is not None:
                built.setdefault(found, {})[_item_key(item)] = item
        buckets[index.name] = built
    result: dict[Any, dict[tuple[Any, Any], Any]] = buckets[index.name]
    return result


def _bucket(table: Any, index: Any, value: Any) -> list[Any] | None:
    if _index_hash_attribute(index) is None:
        return None
    return list(_bucket_map(table, index).get(value, {}).values())


def _every_item(table: Any) -> list[Any]:
    if table.range_key_attr:
        return [item for partition in table.items.values() for item in partition.values()]
    return list(table.items.values())


def _sorted(items: list[Any]) -> list[Any]:
    """In the order moto's ``all_items`` gives."""
    return sorted(items, key=lambda x: (x.hash_key, x.range_key) if x.range_key else x.hash_key)


def _index_queries() -> None:
    from moto.dynamodb.models.table import Table  # noqa: PLC0415

    original_query = Table.query
    original_put = Table.put_item
    original_delete = Table.delete_item

    signature = inspect.signature(original_query)

    def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        arguments = signature.bind(self, hash_key, *args, **kwargs).arguments  # moto passes most by position
        candidates = _candidates(self, hash_key, arguments.get("index_name"), arguments.get("hash_key_conditions"))
        if candidates is not None:
            candidates = _page_of(self, candidates, arguments)
        if candidates is None:
            return original_query(self, hash_key, *args, **kwargs)
        self.all_items = lambda: candidates  # moto's query reads its candidates from here
        try:
            return original_query(self, hash_key, *args, **kwargs)
        finally:
            del self.all_items

    def put_item(self: Any, item_attrs: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        old = _current(self, item_attrs)
        new = original_put(self, item_attrs, *args, **kwargs)
        _reindex(self, old, new)
        return new

    def delete_item(self: Any, hash_key: Any, range_key: Any) -> Any:
        old = original_delete(self, hash_key, range_key)
        _reindex(self, old, None)
        return old

    original_has_idx_items = Table.has_idx_items

    def has_idx_items(self: Any, index_name: str) -> list[Any]:
        """A GSI scan reads the index's buckets, not every item of the table."""
        index = next((i for i in self.global_indexes if i.name == index_name), None)
        if index is None or _index_hash_attribute(index) is None:
            return list(original_has_idx_items(self, index_name))
        columns = {key["AttributeName"] for key in index.schema}
        buckets = _bucket_map(self, index)
        return [item for bucket in buckets.values() for item in bucket.values() if columns.issubset(item.attrs)]

    Table.query = query  # type: ignore[method-assign]
    Table.has_idx_items = has_idx_items  # type: ignore[method-assign]
    Table.put_item = put_item  # type: ignore[method-assign]
    Table.delete_item = delete_item  # type: ignore[method-assign]


def _page_of(table: Any, candidates: list[Any], arguments: dict[str, Any]) -> list[Any]:
    """Only the candidates a plain index query can return: in range, in order, at most ``limit``.

    moto then sorts, sizes and pages just those, instead of the whole bucket (a feed index holds every
    published article: sizing each candidate cost ~0.2 s per query at a thousand articles). Queries
    with a filter, a start key or several range keys keep every candidate and moto's own handling.
    """
    index_name, limit = arguments.get("index_name"), arguments.get("limit")
    if index_name is None or not limit or arguments.get("filter_expression") is not None:
        return candidates
    if arguments.get("exclusive_start_key") or len(arguments.get("range_key_conditions") or ()) > 1:
        return candidates
    index = next((i for i in table.global_indexes if i.name == index_name), None)
    ranges = [key["AttributeName"] for key in index.schema if key["KeyType"] == "RANGE"] if index else []
    if len(ranges) != 1:
        return candidates
    attribute = ranges[0]
    comparison, objects = arguments.get("range_comparison"), arguments.get("range_objs") or []
    kept = [
        item
        for item in candidates
        if item.attrs.get(attribute) is not None
        and (not comparison or item.attrs[attribute].compare(comparison, objects))
    ]
    kept.sort(key=lambda item: (item.attrs[attribute], item.hash_key, item.range_key))
    if arguments.get("scan_index_forward") is False:
        kept.reverse()
    # one more than asked for, so moto still sees that another page exists
    return kept[: int(limit) + 1]


# -- Per-item fast paths (gap 9) ---------------------------------------------------------------------------
_DATA_PLANE: Final = frozenset(
    {"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem", "BatchWriteItem",
     "TransactWriteItems"}
)  # fmt: skip


def _native(value: Any) -> tuple[int, Any]:
    """A DynamoType as a natively comparable value (missing values first, as moto orders them)."""
    if value is None:
        return (0, "")
    if value.type == "N":
        return (1, Decimal(value.value))
    return (1, value.value)


def _fast_paths() -> None:
    from moto.core.responses import ActionResult  # noqa: PLC0415
    from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict  # noqa: PLC0415
    from moto.dynamodb.models.table import Table  # noqa: PLC0415

    original_cast = DynamoType.__dict__["cast_value"]
    cast = original_cast.fget
    original_project = Item.project
    original_execute = ActionResult.execute_result

    def fast_cast(self: Any) -> Any:
        return self.value if self.type in ("S", "B", "BOOL") else cast(self)  # the original's answer, sooner

    def sorted_items(self: Any, hash_attrs: list[str], range_attrs: list[str | None], items: list[Any]) -> list[Any]:
        attributes = self._generate_attr_to_sort_by(hash_attrs, range_attrs)
        items.sort(key=lambda item: tuple(_native(item.attrs.get(a)) for a in attributes))
        return items

    def project(self: Any, expressions: list[list[str]]) -> Any:
        if any(len(path) != 1 or "[" in path[0] for path in expressions):
            return original_project(self, expressions)  # nested paths and list elements ("l[0]"): moto's own way
        names = {path[0] for path in expressions}
        # Built as moto's own Item.__deepcopy__ builds a copy: the item passed its size check when it was
        # written, and Item() would re-check the whole size on every attribute it sets (quadratic).
        projected: Any = Item.__new__(Item)
        projected.hash_key, projected.range_key = self.hash_key, self.range_key
        attrs = LimitedSizeDict.__new__(LimitedSizeDict)
        dict.__init__(attrs, ((k, copy.deepcopy(v)) for k, v in self.attrs.items() if k in names))
        projected.attrs = attrs
        return projected

    def execute_result(self: Any, context: Any) -> Any:
        if (
            context.service_model.service_name == "dynamodb"
            and context.operation_model.name in _DATA_PLANE
            and not isinstance(self.result, Exception)
        ):
            try:
                body = json.dumps(self.result)
            except TypeError:
                return original_execute(self, context)
            return 200, {"Content-Type": "application/x-amz-json-1.0"}, body
        return original_execute(self, context)

    DynamoType.cast_value = property(fast_cast)  # type: ignore[method-assign,assignment]
    Table.sorted_items = sorted_items  # type: ignore[method-assign,assignment]
    Item.project = project  # type: ignore[method-assign,assignment]
    ActionResult.execute_result = execute_result  # type: ignore[method-assign]


# -- SQS receives (gap 10) --------------------------------------------------------------------------------
def _retention_check() -> None:
    from moto.core.utils import unix_time  # noqa: PLC0415
    from moto.sqs.models import SQSBackend  # noqa: PLC0415

    def is_message_valid_based_on_retention_period(self: Any, queue_name: str, message: Any) -> bool:
        retention_s = int(self.get_queue(queue_name).message_retention_period)
        return bool(retention_s + message.sent_timestamp / 1000 > unix_time())

    SQSBackend.is_message_valid_based_on_retention_period = is_message_valid_based_on_retention_period  # type: ignore[method-assign]


def _current(table: Any, item_attrs: dict[str, Any]) -> Any:
    if not table.__dict__.get(_BUCKETS):
        return None
    from moto.dynamodb.models.dynamo_type import DynamoType  # noqa: PLC0415

    try:
        hash_value = DynamoType(item_attrs[table.hash_key_attr])
        range_value = DynamoType(item_attrs[table.range_key_attr]) if table.range_key_attr else None
        return table.get_item(hash_value, range_value)
    except Exception:  # moto will refuse the item itself; the index must not fail first
        return None


def _candidates(table: Any, hash_key: Any, index_name: str | None, conditions: Any) -> list[Any] | None:
    """The items a query can match: one partition, or one bucket of a GSI (None: let moto scan)."""
    if index_name is None:
        if hash_key is None:
            return None
        partition = table.items.get(hash_key)
        if partition is None:
            return []
        return _sorted(list(partition.values()) if table.range_key_attr else [partition])
    index = next((i for i in table.global_indexes if i.name == index_name), None)
    if index is None:
        return None  # a local secondary index: its partition is the table's, moto scans
    attribute = _index_hash_attribute(index)
    value = next((v for name, v in conditions or () if name == attribute), None)
    if value is None:
        return None
    bucket = _bucket(table, index, value)
    return None if bucket is None else _sorted(bucket)
