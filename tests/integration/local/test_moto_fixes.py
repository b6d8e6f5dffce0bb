"""Regression tests for moto's gaps fixed in infra/local/motofixes.py, one or more per gap.

They run against moto in-process (``mock_aws``) with the fixes installed, as the local runtime
installs them; the runtime-level stall test (a cancelled transaction under load, with the stream
poller running) is in test_local_concurrency.py.
"""

from __future__ import annotations

import gc
import random
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodbstreams.models import dynamodbstreams_backends
from moto.sqs.models import Message, Queue, sqs_backends

from infra.local import motofixes

REGION = "us-east-1"
ACCOUNT = "123456789012"


@pytest.fixture
def ddb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_ACCOUNT_ID_ENDPOINT_MODE", "disabled")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    motofixes.install()
    with mock_aws():
        yield boto3.client("dynamodb", region_name=REGION)


def _table(ddb: Any, name: str = "t", *, stream: bool = True, gsi: bool = False) -> str:
    kwargs: dict[str, Any] = {
        "TableName": name,
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    if stream:
        kwargs["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    if gsi:
        kwargs["AttributeDefinitions"] += [
            {"AttributeName": "feed", "AttributeType": "S"},
            {"AttributeName": "at", "AttributeType": "S"},
        ]
        kwargs["GlobalSecondaryIndexes"] = [
            {
                "IndexName": "Feed",
                "KeySchema": [
                    {"AttributeName": "feed", "KeyType": "HASH"},
                    {"AttributeName": "at", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["card"]},
            }
        ]
    ddb.create_table(**kwargs)
    return name


def _fill(name: str, count: int) -> None:
    """``count`` items straight into moto's table (a fast set-up of a big table; no stream records)."""
    table = dynamodb_backends[ACCOUNT][REGION].tables[name]
    for n in range(count):
        key = DynamoType({"S": f"filler-{n:06d}"})
        item = Item(key, None, {"pk": {"S": f"filler-{n:06d}"}, "body": {"S": "x" * 200}})
        table.items[key] = item  # type: ignore[assignment]


def _stream(name: str) -> tuple[Any, str]:
    streams = boto3.client("dynamodbstreams", region_name=REGION)
    arn = boto3.client("dynamodb", region_name=REGION).describe_table(TableName=name)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    return streams, streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST")[
        "ShardIterator"
    ]


def _cancelled(ddb: Any, **kwargs: Any) -> ClientError:
    with pytest.raises(ClientError) as raised:
        ddb.transact_write_items(**kwargs)
    assert raised.value.response["Error"]["Code"] == "TransactionCanceledException"
    return raised.value


def _put_new(name: str, key: str, **attributes: str) -> dict[str, Any]:
    item = {"pk": {"S": key}, **{k: {"S": v} for k, v in attributes.items()}}
    return {"Put": {"TableName": name, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}}


# -- gap 1: no table copy, no table swap ---------------------------------------------------------------
def test_a_stream_iterator_taken_before_a_cancelled_transaction_keeps_seeing_new_records(ddb: Any) -> None:
    # GIVEN a table, a LATEST stream iterator, and an item "a"
    name = _table(ddb)
    table_before = dynamodb_backends[ACCOUNT][REGION].tables[name]
    streams, iterator = _stream(name)
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    # WHEN a transaction whose condition fails on "a" is cancelled, then "b" is written
    _cancelled(ddb, TransactItems=[_put_new(name, "a")])
    ddb.put_item(TableName=name, Item={"pk": {"S": "b"}})
    # THEN the same table object is in place and the old iterator sees both writes (moto's swap lost "b")
    assert dynamodb_backends[ACCOUNT][REGION].tables[name] is table_before
    records = streams.get_records(ShardIterator=iterator)["Records"]
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in records] == ["a", "b"]


def test_a_transaction_does_the_same_work_on_a_table_of_10_000_items_as_on_10(
    ddb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN two tables, of 10 and of 10,000 items, and a count of every item moto copies
    copies = {"n": 0}
    original = Item.__deepcopy__

    def counting(self: Item, memo: dict[int, Any]) -> Item:
        copies["n"] += 1
        return original(self, memo)

    monkeypatch.setattr(Item, "__deepcopy__", counting)
    work = {}
    for size in (10, 10_000):
        name = _table(ddb, f"t{size}")
        _fill(name, size)
        ddb.put_item(TableName=name, Item={"pk": {"S": "head"}, "v": {"N": "1"}})
        copies["n"] = 0
        # WHEN the same three-item transaction (update, put, condition check) runs on each
        ddb.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": name,
                        "Key": {"pk": {"S": "head"}},
                        "UpdateExpression": "SET v = v + :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}},
                    }
                },
                _put_new(name, "new"),
                {
                    "ConditionCheck": {
                        "TableName": name,
                        "Key": {"pk": {"S": "filler-000001"}},
                        "ConditionExpression": "attribute_exists(pk)",
                    }
                },
            ]
        )
        work[size] = copies["n"]
    # THEN it copies the same handful of items whatever the table size (moto copied the table per item)
    assert work[10] == work[10_000]
    assert work[10_000] <= 3


def test_memory_stays_flat_over_many_transactions_read_by_a_stream_poller(ddb: Any) -> None:
    # GIVEN a streamed table of 1,000 items and a reader taking new iterators as a poller does
    name = _table(ddb)
    _fill(name, 1_000)
    ddb.put_item(TableName=name, Item={"pk": {"S": "head"}, "v": {"N": "0"}})
    streams, iterator = _stream(name)
    update = {
        "Update": {
            "TableName": name,
            "Key": {"pk": {"S": "head"}},
            "UpdateExpression": "SET v = v + :one",
            "ExpressionAttributeValues": {":one": {"N": "1"}},
        }
    }
    # WHEN 30 successful and 30 cancelled transactions run, the stream read after each
    for _ in range(30):
        ddb.transact_write_items(TransactItems=[update])
        with pytest.raises(ClientError):
            ddb.transact_write_items(TransactItems=[_put_new(name, "filler-000007")])
        iterator = streams.get_records(ShardIterator=iterator)["NextShardIterator"]
    gc.collect()
    # THEN the process holds the table's items and nothing more: no copy of the table survives
    # (moto's rollback swapped in a copy per cancelled transaction, and old iterators kept them alive)
    live = sum(1 for obj in gc.get_objects() if isinstance(obj, Item))
    assert 1_001 <= live <= 1_001 + 10


def test_remembered_tokens_are_bounded(ddb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(motofixes, "MAX_TOKENS", 20)
    name = _table(ddb, stream=False)
    for n in range(50):
        ddb.transact_write_items(TransactItems=_increment(name), ClientRequestToken=f"token-{n}")
    assert len(dynamodb_backends[ACCOUNT][REGION]._local_token_ledger) == 20  # type: ignore[attr-defined]


# -- gap 2: check everything, then apply; reasons as DynamoDB reports them ---------------------------
def test_a_failed_condition_applies_nothing_and_reports_one_reason_per_item(ddb: Any) -> None:
    name = _table(ddb)
    ddb.put_item(TableName=name, Item={"pk": {"S": "taken"}, "owner": {"S": "first"}})
    # WHEN a transaction writes a new item, then claims a taken one (asking for the old item back)
    claim = _put_new(name, "taken")
    claim["Put"]["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    error = _cancelled(ddb, TransactItems=[_put_new(name, "fresh"), claim])
    # THEN nothing was written, and the reasons name the failing item, in order, with its stored image
    assert "Item" not in ddb.get_item(TableName=name, Key={"pk": {"S": "fresh"}})
    reasons = error.response["CancellationReasons"]
    assert reasons[0] == {"Code": "None"}
    assert reasons[1]["Code"] == "ConditionalCheckFailed"
    assert reasons[1]["Message"] == "The conditional request failed"
    assert reasons[1]["Item"] == {"pk": {"S": "taken"}, "owner": {"S": "first"}}
    assert "[None, ConditionalCheckFailed]" in error.response["Error"]["Message"]


def test_an_update_that_cannot_apply_to_the_stored_item_cancels_with_a_validation_reason(ddb: Any) -> None:
    name = _table(ddb)
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    error = _cancelled(
        ddb,
        TransactItems=[
            _put_new(name, "b"),
            {
                "Update": {
                    "TableName": name,
                    "Key": {"pk": {"S": "a"}},
                    "UpdateExpression": "SET v = v + :one",  # v does not exist
                    "ExpressionAttributeValues": {":one": {"N": "1"}},
                }
            },
        ],
    )
    assert [r["Code"] for r in error.response["CancellationReasons"]] == ["None", "ValidationError"]
    assert "Item" not in ddb.get_item(TableName=name, Key={"pk": {"S": "b"}})


def test_two_operations_on_one_item_are_refused_before_anything_is_checked(ddb: Any) -> None:
    name = _table(ddb)
    with pytest.raises(ClientError) as raised:
        ddb.transact_write_items(TransactItems=[_put_new(name, "a"), _put_new(name, "a")])
    assert raised.value.response["Error"]["Code"] == "ValidationException"
    assert "Item" not in ddb.get_item(TableName=name, Key={"pk": {"S": "a"}})


# -- gap 3: ClientRequestToken ------------------------------------------------------------------------------
def _increment(name: str) -> list[dict[str, Any]]:
    return [
        {
            "Update": {
                "TableName": name,
                "Key": {"pk": {"S": "counter"}},
                "UpdateExpression": "ADD n :one",
                "ExpressionAttributeValues": {":one": {"N": "1"}},
            }
        }
    ]


def _counter(ddb: Any, name: str) -> int:
    return int(ddb.get_item(TableName=name, Key={"pk": {"S": "counter"}})["Item"]["n"]["N"])


def test_a_resent_transaction_with_the_same_token_succeeds_without_applying_twice(ddb: Any) -> None:
    name = _table(ddb)
    # WHEN the same transaction is sent twice with one token (as botocore resends after a timeout)
    ddb.transact_write_items(TransactItems=_increment(name), ClientRequestToken="token-1")
    ddb.transact_write_items(TransactItems=_increment(name), ClientRequestToken="token-1")
    # THEN it was applied once; another token applies again
    assert _counter(ddb, name) == 1
    ddb.transact_write_items(TransactItems=_increment(name), ClientRequestToken="token-2")
    assert _counter(ddb, name) == 2


def test_the_same_token_with_other_items_is_a_parameter_mismatch(ddb: Any) -> None:
    name = _table(ddb)
    ddb.transact_write_items(TransactItems=_increment(name), ClientRequestToken="token-1")
    with pytest.raises(ClientError) as raised:
        ddb.transact_write_items(TransactItems=[_put_new(name, "x")], ClientRequestToken="token-1")
    assert raised.value.response["Error"]["Code"] == "IdempotentParameterMismatchException"
    assert "Item" not in ddb.get_item(TableName=name, Key={"pk": {"S": "x"}})


def test_a_token_is_remembered_for_ten_minutes_only(ddb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    name = _table(ddb)
    clock = {"now": 1_000.0}
    monkeypatch.setattr(motofixes.time, "monotonic", lambda: clock["now"])
    ddb.transact_write_items(TransactItems=_increment(name), ClientRequestToken="token-1")
    clock["now"] += 599
    ddb.transact_write_items(TransactItems=_increment(name), ClientRequestToken="token-1")
    assert _counter(ddb, name) == 1
    # WHEN the same token comes back after the 10-minute window  THEN it is a new request
    clock["now"] += 2
    ddb.transact_write_items(TransactItems=_increment(name), ClientRequestToken="token-1")
    assert _counter(ddb, name) == 2


def test_a_cancelled_transaction_is_not_remembered_so_a_resend_is_evaluated_afresh(ddb: Any) -> None:
    name = _table(ddb)
    guarded = [{**_increment(name)[0]}]
    guarded[0]["Update"] = {**guarded[0]["Update"], "ConditionExpression": "attribute_exists(ready)"}
    _cancelled(ddb, TransactItems=guarded, ClientRequestToken="token-1")
    ddb.put_item(TableName=name, Item={"pk": {"S": "counter"}, "ready": {"BOOL": True}})
    ddb.transact_write_items(TransactItems=guarded, ClientRequestToken="token-1")
    assert _counter(ddb, name) == 1


# -- gaps 4 and 5: stream records as DynamoDB writes them ----------------------------------------------
def test_an_update_that_creates_an_item_writes_one_insert_record(ddb: Any) -> None:
    name = _table(ddb)
    streams, iterator = _stream(name)
    ddb.update_item(
        TableName=name,
        Key={"pk": {"S": "a"}},
        UpdateExpression="SET v = :v",
        ExpressionAttributeValues={":v": {"N": "1"}},
    )
    records = streams.get_records(ShardIterator=iterator)["Records"]
    assert [(r["eventName"], r["dynamodb"]["NewImage"]) for r in records] == [
        ("INSERT", {"pk": {"S": "a"}, "v": {"N": "1"}})
    ]


def test_writes_that_change_nothing_write_no_stream_record(ddb: Any) -> None:
    name = _table(ddb)
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"N": "1"}})
    streams, iterator = _stream(name)
    same = {"TableName": name, "Key": {"pk": {"S": "a"}}, "UpdateExpression": "SET v = :v"}
    ddb.update_item(**same, ExpressionAttributeValues={":v": {"N": "1"}})
    ddb.transact_write_items(TransactItems=[{"Update": {**same, "ExpressionAttributeValues": {":v": {"N": "1"}}}}])
    ddb.update_item(**same, ExpressionAttributeValues={":v": {"N": "2"}})
    records = streams.get_records(ShardIterator=iterator)["Records"]
    assert [(r["eventName"], r["dynamodb"]["NewImage"]["v"]) for r in records] == [("MODIFY", {"N": "2"})]


def test_update_item_keeps_its_condition_and_return_values(ddb: Any) -> None:
    name = _table(ddb)
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"N": "1"}})
    with pytest.raises(ClientError) as raised:
        ddb.update_item(
            TableName=name,
            Key={"pk": {"S": "a"}},
            UpdateExpression="SET v = :v",
            ConditionExpression="v = :old",
            ExpressionAttributeValues={":v": {"N": "3"}, ":old": {"N": "2"}},
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    assert raised.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    returned = raised.value.response["Item"]  # type: ignore[typeddict-item]
    assert returned == {"pk": {"S": "a"}, "v": {"N": "1"}}
    answer = ddb.update_item(
        TableName=name,
        Key={"pk": {"S": "a"}},
        UpdateExpression="SET v = :v",
        ConditionExpression="v = :old",
        ExpressionAttributeValues={":v": {"N": "3"}, ":old": {"N": "1"}},
        ReturnValues="UPDATED_OLD",
    )
    assert answer["Attributes"] == {"v": {"N": "1"}}


# -- sparse GSIs and INCLUDE projections through the fixed write paths ---------------------------------
def test_sparse_include_index_follows_transactions_and_updates(ddb: Any) -> None:
    # GIVEN a sparse GSI projecting keys and "card" only
    name = _table(ddb, gsi=True)
    ddb.transact_write_items(
        TransactItems=[
            _put_new(name, "in", feed="all", at="2026-12-01T10:00:00Z", card="c1", secret="s"),
            _put_new(name, "out", card="c2"),  # no index keys: not in the index
        ]
    )

    def feed() -> list[dict[str, Any]]:
        return ddb.query(
            TableName=name,
            IndexName="Feed",
            KeyConditionExpression="feed = :f",
            ExpressionAttributeValues={":f": {"S": "all"}},
        )["Items"]

    assert feed() == [
        {"pk": {"S": "in"}, "feed": {"S": "all"}, "at": {"S": "2026-12-01T10:00:00Z"}, "card": {"S": "c1"}}
    ]
    # WHEN the second item gains the index keys by an update, and the first loses them in a transaction
    ddb.update_item(
        TableName=name,
        Key={"pk": {"S": "out"}},
        UpdateExpression="SET feed = :f, #at = :t",
        ExpressionAttributeNames={"#at": "at"},
        ExpressionAttributeValues={":f": {"S": "all"}, ":t": {"S": "2026-12-01T11:00:00Z"}},
    )
    ddb.transact_write_items(
        TransactItems=[
            {
                "Update": {
                    "TableName": name,
                    "Key": {"pk": {"S": "in"}},
                    "UpdateExpression": "REMOVE feed, #at",
                    "ExpressionAttributeNames": {"#at": "at"},
                }
            }
        ]
    )
    # THEN the index holds exactly the second one
    assert [item["pk"]["S"] for item in feed()] == ["out"]


# -- gap 6: shard iterators ------------------------------------------------------------------------------
def test_shard_iterators_are_bounded_and_an_unknown_one_is_expired(ddb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(motofixes, "MAX_ITERATORS", 5)
    name = _table(ddb)
    streams, iterator = _stream(name)
    first = iterator
    # WHEN a poller reads 50 times (moto kept one iterator per read, forever)
    for _ in range(50):
        iterator = streams.get_records(ShardIterator=iterator)["NextShardIterator"]
    # THEN at most 5 are kept, and the long-gone first one is an ExpiredIteratorException, not a 500
    assert len(dynamodbstreams_backends[ACCOUNT][REGION].shard_iterators) <= 5
    with pytest.raises(ClientError) as raised:
        streams.get_records(ShardIterator=first)
    assert raised.value.response["Error"]["Code"] == "ExpiredIteratorException"


def test_a_shard_iterator_expires_after_15_minutes(ddb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = {"now": 5_000.0}
    monkeypatch.setattr(motofixes.time, "monotonic", lambda: clock["now"])
    name = _table(ddb)
    streams, iterator = _stream(name)
    fresh = streams.get_records(ShardIterator=iterator)["NextShardIterator"]
    clock["now"] += 14 * 60
    streams.get_records(ShardIterator=fresh)  # still valid
    clock["now"] += 2 * 60
    with pytest.raises(ClientError) as raised:
        streams.get_records(ShardIterator=fresh)
    assert raised.value.response["Error"]["Code"] == "ExpiredIteratorException"


# -- gap 7: moto's global instance tracking --------------------------------------------------------------
def test_deleted_messages_and_overwritten_items_are_not_kept_alive(ddb: Any) -> None:
    # GIVEN a queue and a table
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    name = _table(ddb, stream=False)
    # WHEN 30 messages go through the queue and one item is overwritten 30 times
    for n in range(30):
        sqs.send_message(QueueUrl=url, MessageBody=str(n))
        ddb.put_item(TableName=name, Item={"pk": {"S": "same"}, "n": {"N": str(n)}})
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        sqs.delete_message_batch(
            QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)]
        )
    gc.collect()
    # THEN only what moto's state still holds is alive: one item, no message
    live = [obj for obj in gc.get_objects() if isinstance(obj, Item | Message)]
    assert [type(obj).__name__ for obj in live] == ["Item"]


# -- gap 8: Query reads a partition or an index bucket, not the whole table ----------------------------
def _feed_table(ddb: Any, name: str) -> str:
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": name_, "AttributeType": "S"} for name_ in ("pk", "sk", "feed", "at")],
        BillingMode="PAY_PER_REQUEST",
        GlobalSecondaryIndexes=[
            {
                "IndexName": "Feed",
                "KeySchema": [
                    {"AttributeName": "feed", "KeyType": "HASH"},
                    {"AttributeName": "at", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    return name


def _fill_feed(name: str, count: int) -> None:
    table = dynamodb_backends[ACCOUNT][REGION].tables[name]
    for n in range(count):
        attrs = {"pk": {"S": f"A#{n:06d}"}, "sk": {"S": "HEAD"}, "feed": {"S": f"f{n % 50}"}, "at": {"S": f"{n:06d}"}}
        table.put_item(attrs)


def test_a_query_compares_the_same_number_of_keys_at_10_000_items_as_at_10(
    ddb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a count of moto's key comparisons
    comparisons = {"n": 0}
    equal, less = DynamoType.__eq__, DynamoType.__lt__

    def counting_eq(self: DynamoType, other: Any) -> bool:
        comparisons["n"] += 1
        return equal(self, other)

    def counting_lt(self: DynamoType, other: Any) -> bool:
        comparisons["n"] += 1
        return less(self, other)

    work = {}
    for size in (10, 10_000):
        name = _feed_table(ddb, f"feed{size}")
        _fill_feed(name, size)
        ddb.put_item(
            TableName=name, Item={"pk": {"S": "A#x"}, "sk": {"S": "HEAD"}, "feed": {"S": "rare"}, "at": {"S": "1"}}
        )
        ddb.query(  # the index bucket is built on its first query, then kept
            TableName=name,
            IndexName="Feed",
            KeyConditionExpression="feed = :f",
            ExpressionAttributeValues={":f": {"S": "rare"}},
        )
        monkeypatch.setattr(DynamoType, "__eq__", counting_eq)
        monkeypatch.setattr(DynamoType, "__lt__", counting_lt)
        comparisons["n"] = 0
        # WHEN one table query and one index query run
        base = ddb.query(
            TableName=name, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "A#x"}}
        )["Items"]
        index = ddb.query(
            TableName=name,
            IndexName="Feed",
            KeyConditionExpression="feed = :f",
            ExpressionAttributeValues={":f": {"S": "rare"}},
        )["Items"]
        work[size] = comparisons["n"]
        monkeypatch.undo()
        assert [i["pk"]["S"] for i in base] == [i["pk"]["S"] for i in index] == ["A#x"]
    # THEN they compare as many keys at 10,000 items as at 10 (moto walked and sorted the whole table)
    assert work[10] == work[10_000]


def test_index_queries_stay_right_through_every_write_path(ddb: Any) -> None:
    # GIVEN a table whose GSI was already queried (so its buckets are kept from then on)
    name = _feed_table(ddb, "paths")
    feeds = ["a", "b", "c"]
    rng = random.Random(7)

    def query(feed: str, **extra: Any) -> list[str]:
        return [
            i["pk"]["S"]
            for i in ddb.query(
                TableName=name,
                IndexName="Feed",
                KeyConditionExpression="feed = :f",
                ExpressionAttributeValues={":f": {"S": feed}},
                **extra,
            )["Items"]
        ]

    def expected(feed: str) -> list[str]:
        items = ddb.scan(TableName=name)["Items"]
        chosen = [i for i in items if i.get("feed", {}).get("S") == feed]
        return [i["pk"]["S"] for i in sorted(chosen, key=lambda i: (i["at"]["S"], i["pk"]["S"]))]

    assert query("a") == []
    # WHEN items are put, moved between feeds, made sparse, deleted, by every write path, at random
    for step in range(120):
        key = {"pk": {"S": f"A#{rng.randrange(15)}"}, "sk": {"S": "HEAD"}}
        feed, at = rng.choice(feeds), f"{rng.randrange(1000):04d}"
        match rng.randrange(6):
            case 0:
                ddb.put_item(TableName=name, Item={**key, "feed": {"S": feed}, "at": {"S": at}})
            case 1:
                ddb.update_item(
                    TableName=name,
                    Key=key,
                    UpdateExpression="SET feed = :f, #at = :t",
                    ExpressionAttributeNames={"#at": "at"},
                    ExpressionAttributeValues={":f": {"S": feed}, ":t": {"S": at}},
                )
            case 2:
                ddb.transact_write_items(
                    TransactItems=[{"Update": {"TableName": name, "Key": key, "UpdateExpression": "REMOVE feed"}}]
                )
            case 3:
                ddb.delete_item(TableName=name, Key=key)
            case 4:
                ddb.batch_write_item(
                    RequestItems={name: [{"PutRequest": {"Item": {**key, "feed": {"S": feed}, "at": {"S": at}}}}]}
                )
            case _:
                ddb.update_item(  # the legacy parameters: moto changes the item in place
                    TableName=name,
                    Key=key,
                    AttributeUpdates={
                        "feed": {"Value": {"S": feed}, "Action": "PUT"},
                        "at": {"Value": {"S": at}, "Action": "PUT"},
                    },
                )
        # THEN every index query answers what a scan of the table says
        if step % 10 == 9:
            for name_ in feeds:
                assert query(name_) == expected(name_), (step, name_)
    # AND paging through an index with Limit and ExclusiveStartKey still works
    full = query("a")
    paged: list[str] = []
    start: dict[str, Any] | None = None
    while True:
        page = ddb.query(
            TableName=name,
            IndexName="Feed",
            KeyConditionExpression="feed = :f",
            ExpressionAttributeValues={":f": {"S": "a"}},
            Limit=2,
            **({"ExclusiveStartKey": start} if start else {}),
        )
        paged += [i["pk"]["S"] for i in page["Items"]]
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    assert paged == full


# -- gap 10: SQS receives that grow with the square of the backlog ----------------------------------------
def _queue(retention_s: int = 345_600) -> tuple[Any, str]:
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName=f"q-{random.randrange(10**9)}",
                           Attributes={"MessageRetentionPeriod": str(retention_s)})["QueueUrl"]  # fmt: skip
    return sqs, url


def test_a_receive_does_not_count_the_whole_queue_for_each_message(ddb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a backlog of 50 messages and a count of how often moto builds the queue's attributes (each
    # time it counts every message three times)
    sqs, url = _queue()
    for batch in range(5):
        sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(n), "MessageBody": f"{batch}-{n}"} for n in range(10)])
    built = {"n": 0}
    original = Queue.attributes

    def counting(self: Queue) -> dict[str, Any]:
        built["n"] += 1
        return original.fget(self)  # type: ignore[attr-defined]

    monkeypatch.setattr(Queue, "attributes", property(counting))
    # WHEN ten are received
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"])
    # THEN ten come back and the attributes were never built (moto built them once per message)
    assert len(messages["Messages"]) == 10
    assert built["n"] == 0


def test_the_retention_period_still_decides_what_is_delivered(ddb: Any) -> None:
    # GIVEN two queues that keep messages a minute: one holds a message sent two minutes ago, one a new one
    sqs, expired_url = _queue(retention_s=60)
    _, fresh_url = _queue(retention_s=60)
    sqs.send_message(QueueUrl=expired_url, MessageBody="old")
    sqs.send_message(QueueUrl=fresh_url, MessageBody="new")
    queue = sqs_backends[ACCOUNT][REGION].get_queue(expired_url.rsplit("/", 1)[-1])
    for message in queue._messages:  # the fixture ages them
        message.sent_timestamp = int(message.sent_timestamp or 0) - 120_000  # type: ignore[assignment]

    def bodies(url: str) -> list[str]:
        return [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])]

    # WHEN each queue is read THEN only the message within its retention period is delivered
    assert bodies(expired_url) == []
    assert bodies(fresh_url) == ["new"]


# -- gap 9: projections -----------------------------------------------------------------------------------
def test_a_projection_of_top_level_names_list_elements_and_nested_paths_answers_as_moto_does(ddb: Any) -> None:
    # GIVEN an item with a list, a map and a plain attribute
    name = _table(ddb, "projections")
    item = {"pk": {"S": "a"}, "l": {"L": [{"S": "x"}, {"S": "y"}]}, "m": {"M": {"k": {"S": "v"}}}, "s": {"S": "t"}}
    ddb.put_item(TableName=name, Item=item)

    def get(expression: str) -> dict[str, Any]:
        answer = ddb.get_item(TableName=name, Key={"pk": {"S": "a"}}, ProjectionExpression=expression)
        return dict(answer["Item"])

    # WHEN attributes, a list element and a nested path are projected THEN each answer holds just those
    assert get("s") == {"s": {"S": "t"}}
    assert get("l[0], s") == {"l": {"L": [{"S": "x"}]}, "s": {"S": "t"}}
    assert get("m.k") == {"m": {"M": {"k": {"S": "v"}}}}
