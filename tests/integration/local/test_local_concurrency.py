"""Real concurrency in the local runtime (fixtures/workload.json): functions in parallel up to their
limit with their own environments, SQS batches in parallel, stream batches one at a time per shard,
and moto's state safe under concurrent requests, including the stall a cancelled transaction caused."""

from __future__ import annotations

import copy
import os
import sys
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.dynamodb.models import dynamodb_backends

from infra.local import LocalRuntime
from infra.local.motoserver import MOTO_LOCK
from infra.local.template import DEFAULT_ACCOUNT_ID
from tests.integration.local.conftest import FIXTURES

TEMPLATE = FIXTURES / "workload.json"


@pytest.fixture(scope="module")
def runtime() -> Iterator[LocalRuntime]:
    local = LocalRuntime(TEMPLATE, code_root=FIXTURES, stack_name="Workload", retry_delay_s=0, concurrency=2)
    local.start()
    try:
        yield local
    finally:
        local.stop()


def _records() -> ModuleType:
    """What the fixture functions recorded (shared by all their execution environments)."""
    return sys.modules["localrt_records"]


def _in_parallel(count: int, work: Callable[[int], Any]) -> list[Any]:
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(work, range(count)))


def _table(runtime: LocalRuntime) -> str:
    assert runtime.deployment is not None
    return str(runtime.deployment.resources["JobsTable"].physical_id)


def _queue(runtime: LocalRuntime, logical_id: str) -> str:
    assert runtime.deployment is not None
    return str(runtime.deployment.resources[logical_id].physical_id)


# -- functions ------------------------------------------------------------------------------------------
def test_a_function_runs_concurrently_up_to_the_runtime_default(runtime: LocalRuntime) -> None:
    # GIVEN SlowFunction without reserved concurrency and a runtime default of 2
    runtime.invoke("SlowFunction", {"sleep": 0})  # cold start first
    records = _records()
    records.reset_peak("slow")
    # WHEN six callers invoke it at once
    outcomes = _in_parallel(6, lambda _: runtime.invoke("SlowFunction", {"sleep": 0.2}))
    # THEN all succeed, two at a time (never one, never more)
    assert all(outcome.ok for outcome in outcomes)
    assert records.RUNNING["slow_peak"] == 2
    assert runtime.functions["SlowFunction"].stats.peak_concurrency == 2
    assert runtime.functions["SlowFunction"].environments == 2  # one execution environment per concurrent call
    assert runtime.functions["SlowFunction"].concurrency == 2


def test_reserved_concurrency_limits_a_function_without_blocking_others(runtime: LocalRuntime) -> None:
    # GIVEN SingleFunction with ReservedConcurrentExecutions 1, and SlowFunction
    single = runtime.functions["SingleFunction"]
    assert single.concurrency == 1
    runtime.invoke("SingleFunction", {"sleep": 0})
    records = _records()
    records.reset_peak("single")
    started = threading.Event()

    def slow_call() -> Any:
        started.set()
        return runtime.invoke("SlowFunction", {"sleep": 0.5})

    # WHEN a slow invocation of SlowFunction runs while SingleFunction is called four times at once
    with ThreadPoolExecutor(max_workers=5) as pool:
        slow_future = pool.submit(slow_call)
        started.wait(5)
        singles = list(pool.map(lambda _: runtime.invoke("SingleFunction", {"sleep": 0.05}), range(4)))
        slow_still_running = not slow_future.done()
        slow_outcome = slow_future.result()
    # THEN SingleFunction ran one at a time, and all four finished while SlowFunction was still running
    assert all(outcome.ok for outcome in singles) and slow_outcome.ok
    assert records.RUNNING["single_peak"] == 1
    assert slow_still_running


def test_each_function_sees_only_its_own_environment_under_concurrency(runtime: LocalRuntime) -> None:
    # WHEN two functions with different variables run interleaved, many times
    def call(n: int) -> tuple[str, dict[str, Any]]:
        name = "SlowFunction" if n % 2 else "SingleFunction"
        outcome = runtime.invoke(name, {"sleep": 0.01})
        assert outcome.ok, outcome.error_message
        return name, outcome.result

    results = _in_parallel(12, call)
    # THEN each saw its own WHO at import and at every point of every invocation, and never the other's
    for name, result in results:
        if name == "SlowFunction":
            assert result["import"] == {"WHO": "slow", "ONLY_SLOW": "yes"}
            assert (result["before"], result["after"], result["only_slow"]) == ("slow", "slow", "yes")
            assert result["region"] == runtime.region  # the runtime's variables are there too
        else:
            assert result["import"] == {"WHO": "single", "ONLY_SLOW": None}
            assert (result["who"], result["only_slow"]) == ("single", None)
            assert result["last_caller"] is None  # SlowFunction's own write did not leak
    # AND the runtime's own thread sees neither
    assert os.environ.get("WHO") is None


# -- event source mappings ------------------------------------------------------------------------------
def test_an_sqs_mapping_runs_batches_in_parallel_up_to_reserved_concurrency(runtime: LocalRuntime) -> None:
    # GIVEN WorkerFunction (reserved concurrency 3) behind a batch-size-1 queue mapping
    sqs = runtime.client("sqs")
    bodies = [f"job-{uuid.uuid4()}" for _ in range(9)]
    # WHEN nine messages arrive at once
    for body in bodies:
        sqs.send_message(QueueUrl=_queue(runtime, "JobsQueue"), MessageBody=body)
    assert runtime.wait_idle(20)
    records = _records()
    # THEN three batches ran at a time, each in its own execution environment, each message exactly once
    seen = Counter(job["body"] for job in records.JOBS if job["body"] in bodies)
    assert seen == Counter(bodies)
    assert records.RUNNING["jobs_peak"] == 3
    assert len(records.ENVIRONMENTS["jobs"]) == 3
    assert runtime.stats()["pollers"]["JobsMapping"]["peak_concurrent_batches"] == 3


def test_a_stream_mapping_runs_one_batch_at_a_time_in_stream_order(runtime: LocalRuntime) -> None:
    ddb, table = runtime.client("dynamodb"), _table(runtime)
    keys = [f"order-{n:03d}-{uuid.uuid4().hex[:6]}" for n in range(30)]
    # WHEN 30 items are written one after the other
    for key in keys:
        ddb.put_item(TableName=table, Item={"pk": {"S": key}})
    assert runtime.wait_idle(20)
    records = _records()
    # THEN the stream handler got them in write order, one batch at a time
    assert [k for k in records.STREAM if k in keys] == keys
    assert records.RUNNING["stream_peak"] == 1


# -- moto under concurrency -----------------------------------------------------------------------------
def test_concurrent_writers_lose_no_update(runtime: LocalRuntime) -> None:
    # GIVEN eight writers, each with its own client, adding to one counter and creating items
    table, key = _table(runtime), f"counter-{uuid.uuid4()}"

    def write(n: int) -> None:
        ddb = runtime.session.client("dynamodb", endpoint_url=runtime.moto_url)  # type: ignore[union-attr]
        for i in range(10):
            ddb.update_item(
                TableName=table,
                Key={"pk": {"S": key}},
                UpdateExpression="ADD n :one",
                ExpressionAttributeValues={":one": {"N": "1"}},
            )
            ddb.put_item(TableName=table, Item={"pk": {"S": f"{key}-{n}-{i}"}})

    # WHEN they run at once
    _in_parallel(8, write)
    # THEN every increment and every item is there
    ddb = runtime.client("dynamodb")
    assert ddb.get_item(TableName=table, Key={"pk": {"S": key}})["Item"]["n"] == {"N": "80"}
    assert runtime.wait_idle(30)
    assert len({k for k in _records().STREAM if k.startswith(f"{key}-")}) == 80


def test_cancelled_transactions_under_load_do_not_stall_the_stream(runtime: LocalRuntime) -> None:
    # GIVEN writers putting items while others run transactions that are always cancelled
    table, prefix = _table(runtime), f"load-{uuid.uuid4().hex[:8]}"
    ddb = runtime.client("dynamodb")
    ddb.put_item(TableName=table, Item={"pk": {"S": f"{prefix}-taken"}})

    def work(n: int) -> int:
        client = runtime.session.client("dynamodb", endpoint_url=runtime.moto_url)  # type: ignore[union-attr]
        cancelled = 0
        for i in range(15):
            if n % 2:
                client.put_item(TableName=table, Item={"pk": {"S": f"{prefix}-{n}-{i}"}})
                continue
            try:
                client.transact_write_items(
                    TransactItems=[
                        {"Put": {"TableName": table, "Item": {"pk": {"S": f"{prefix}-never-{n}-{i}"}}}},
                        {
                            "Put": {
                                "TableName": table,
                                "Item": {"pk": {"S": f"{prefix}-taken"}},
                                "ConditionExpression": "attribute_not_exists(pk)",
                            }
                        },
                    ]
                )
            except ClientError as exc:
                assert exc.response["Error"]["Code"] == "TransactionCanceledException"
                cancelled += 1
        return cancelled

    # WHEN they run together
    cancelled = sum(_in_parallel(6, work))
    # THEN every transaction was cancelled, and the stream handler still got every put (and nothing else)
    assert cancelled == 45
    assert runtime.wait_idle(30)
    delivered = {k for k in _records().STREAM if k.startswith(prefix)}
    expected = {f"{prefix}-taken"} | {f"{prefix}-{n}-{i}" for n in (1, 3, 5) for i in range(15)}
    assert delivered == expected


def test_a_long_poll_does_not_hold_moto_for_others(runtime: LocalRuntime) -> None:
    # GIVEN a client long-polling an empty queue for 3 seconds
    sqs = runtime.session.client("sqs", endpoint_url=runtime.moto_url)  # type: ignore[union-attr]
    url = runtime.client("sqs").create_queue(QueueName=f"empty-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    polling = threading.Thread(target=lambda: sqs.receive_message(QueueUrl=url, WaitTimeSeconds=3))
    polling.start()
    # WHEN twenty other requests are made meanwhile
    ddb, table = runtime.client("dynamodb"), _table(runtime)
    for n in range(20):
        ddb.get_item(TableName=table, Key={"pk": {"S": f"absent-{n}"}})
    # THEN they were all answered while the long poll still waits
    assert polling.is_alive()
    polling.join(10)
    assert not polling.is_alive()


def test_a_stream_poller_whose_iterator_went_stale_rereads_from_its_last_record(runtime: LocalRuntime) -> None:
    # GIVEN the stream poller reading along, then moto's table object swapped for a copy (what moto's
    # transaction rollback did: the poller's iterator keeps reading the old table's shard)
    ddb, table = runtime.client("dynamodb"), _table(runtime)
    before = f"stale-before-{uuid.uuid4().hex[:6]}"
    ddb.put_item(TableName=table, Item={"pk": {"S": before}})
    assert runtime.wait_idle(10)
    with MOTO_LOCK:
        backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][runtime.region]
        backend.tables[table] = copy.deepcopy(backend.tables[table])
    poller = next(p for p in runtime.pollers if p.name == "StreamMapping")
    refreshes = poller.refreshes  # type: ignore[attr-defined]
    # WHEN another item is written
    after = f"stale-after-{uuid.uuid4().hex[:6]}"
    ddb.put_item(TableName=table, Item={"pk": {"S": after}})
    # THEN the poller notices its iterator is behind the stream, takes a new one, and delivers the record once
    assert runtime.wait_idle(10)
    assert _records().STREAM.count(after) == 1
    assert _records().STREAM.count(before) == 1
    assert poller.refreshes > refreshes  # type: ignore[attr-defined]
