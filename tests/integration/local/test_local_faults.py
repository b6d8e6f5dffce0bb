"""Fault injection (infra/local/faults.py) on fixtures/workload.json: each kind, post-retry and
transient modes, the operations filter, seeded determinism, the HTTP control, delivery faults, and
the runtime's own plumbing left alone."""

from __future__ import annotations

import json
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from infra.local import LocalRuntime
from infra.local.faults import FaultSettings
from tests.integration.local.conftest import FIXTURES, http, json_body

TEMPLATE = FIXTURES / "workload.json"
ATTEMPTS = 3  # the fixture's botocore config


@pytest.fixture(scope="module")
def runtime() -> Iterator[LocalRuntime]:
    local = LocalRuntime(TEMPLATE, code_root=FIXTURES, stack_name="Faults", retry_delay_s=0)
    local.start()
    try:
        yield local
    finally:
        local.stop()


@pytest.fixture(autouse=True)
def faults_off(runtime: LocalRuntime) -> Iterator[None]:
    runtime.faults.update({"rate": 0, "kinds": list(FaultSettings().kinds), "operations": [], "mode": "post-retry"})
    yield
    runtime.faults.update({"rate": 0, "reset_counts": True})


def _set(runtime: LocalRuntime, **settings: Any) -> dict[str, Any]:
    status, _, body = http("PUT", runtime.base_url + "/_local/faults", json.dumps(settings).encode())
    assert status == 200, body
    return dict(json_body(body))


def _call(runtime: LocalRuntime, op: str, key: str | None = None) -> Any:
    return runtime.invoke("CallerFunction", {"op": op, "key": key or f"k-{uuid.uuid4()}"})


def _item(runtime: LocalRuntime, key: str) -> dict[str, Any] | None:
    assert runtime.deployment is not None
    table = runtime.deployment.resources["JobsTable"].physical_id
    return runtime.client("dynamodb").get_item(TableName=table, Key={"pk": {"S": key}}).get("Item")


# -- kinds, post-retry --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("throttle", "ThrottlingException"),
        ("server_error", "InternalServerError"),
        ("connection", "EndpointConnectionError"),
        ("timeout", "ReadTimeoutError"),
    ],
)
def test_a_post_retry_fault_fails_every_attempt_and_writes_nothing(
    runtime: LocalRuntime, kind: str, error: str
) -> None:
    # GIVEN every PutItem by function code faulted with one kind
    _set(runtime, rate=1, kinds=[kind], operations=["dynamodb:PutItem"])
    key = f"k-{uuid.uuid4()}"
    # WHEN the function writes
    outcome = _call(runtime, "put", key)
    # THEN its code sees the service's error after botocore's retries, and nothing was written
    assert outcome.ok
    assert outcome.result["error"] == error
    if "retries" in outcome.result:
        assert outcome.result["retries"] == ATTEMPTS - 1
    assert _item(runtime, key) is None
    report = runtime.faults.report()
    assert (report["total"], report["by_kind"], report["by_operation"]) == (1, {kind: 1}, {"dynamodb:PutItem": 1})
    assert report["by_function"] == {"CallerFunction": 1}


def test_a_transient_fault_fails_only_the_first_attempt(runtime: LocalRuntime) -> None:
    _set(runtime, rate=1, kinds=["throttle"], operations=["dynamodb:PutItem"], mode="transient")
    key = f"k-{uuid.uuid4()}"
    outcome = _call(runtime, "put", key)
    assert outcome.result == {"ok": True, "retries": 1}  # botocore's retry absorbed it
    assert _item(runtime, key) is not None


def test_a_lost_response_took_effect_on_every_attempt(runtime: LocalRuntime) -> None:
    # GIVEN responses of UpdateItem lost after the update applied (post-retry: on each attempt)
    _set(runtime, rate=1, kinds=["lost_response"], operations=["dynamodb:UpdateItem"])
    key = f"k-{uuid.uuid4()}"
    # WHEN the function increments a counter
    outcome = _call(runtime, "add", key)
    # THEN it saw a timeout, yet each of the three attempts was applied
    assert outcome.result == {"error": "ReadTimeoutError"}
    assert (_item(runtime, key) or {})["n"] == {"N": str(ATTEMPTS)}


def test_a_transient_lost_response_is_retried_into_a_duplicate(runtime: LocalRuntime) -> None:
    _set(runtime, rate=1, kinds=["lost_response"], operations=["dynamodb:UpdateItem"], mode="transient")
    key = f"k-{uuid.uuid4()}"
    outcome = _call(runtime, "add", key)
    assert outcome.result == {"ok": True, "retries": 1}
    assert (_item(runtime, key) or {})["n"] == {"N": "2"}  # why every write must be conditional


def test_a_crash_right_after_a_successful_write_ends_the_invocation(runtime: LocalRuntime) -> None:
    # GIVEN crashes after PutItem
    _set(runtime, rate=1, kinds=["crash"], operations=["dynamodb:PutItem"])
    key = f"k-{uuid.uuid4()}"
    # WHEN the function writes (its code catches Exception)
    outcome = _call(runtime, "put", key)
    # THEN the write happened, the invocation died as a runtime exit, and the code could not catch it
    assert _item(runtime, key) is not None
    assert (outcome.ok, outcome.error_type) == (False, "Runtime.ExitError")
    assert runtime.faults.report()["by_kind"] == {"crash": 1}
    assert runtime.functions["CallerFunction"].stats.crashes == 1


def test_write_only_kinds_never_hit_reads(runtime: LocalRuntime) -> None:
    _set(runtime, rate=1, kinds=["crash", "lost_response"])
    outcome = _call(runtime, "get")
    assert outcome.ok and outcome.result["ok"] is True
    assert runtime.faults.report()["total"] == 0


# -- scope ----------------------------------------------------------------------------------------------
def test_an_outage_of_one_operation_leaves_the_others_alone(runtime: LocalRuntime) -> None:
    _set(runtime, rate=1, kinds=["server_error"], operations=["events:PutEvents"])
    assert _call(runtime, "events").result["error"] == "InternalServerError"
    assert _call(runtime, "put").result["ok"] is True
    assert runtime.faults.report()["by_operation"] == {"events:PutEvents": 1}
    assert runtime.faults.report()["calls_by_operation"]["dynamodb:PutItem"] >= 1


def test_the_runtime_own_calls_and_other_threads_are_never_faulted(runtime: LocalRuntime) -> None:
    # GIVEN every fault kind on every operation
    _set(runtime, rate=1)
    sqs = runtime.client("sqs")
    assert runtime.deployment is not None
    body = f"plumbing-{uuid.uuid4()}"
    # WHEN the runtime's client and the SQS poller do their work
    sqs.send_message(QueueUrl=runtime.deployment.resources["JobsQueue"].physical_id, MessageBody=body)
    # THEN the message still reaches the worker (which makes no AWS call), and nothing was counted
    _set(runtime, rate=0)
    assert runtime.wait_idle(20)
    assert body in [job["body"] for job in sys.modules["localrt_records"].JOBS]
    assert runtime.faults.report()["by_kind"].keys() <= {"duplicate", "reorder"}


# -- determinism -----------------------------------------------------------------------------------------
def _pattern(runtime: LocalRuntime, seed: int) -> list[bool]:
    _set(runtime, rate=0.5, seed=seed, kinds=["throttle"], operations=["dynamodb:GetItem"])
    return ["error" in _call(runtime, "get", "same").result for _ in range(12)]


def test_the_same_seed_faults_the_same_calls(runtime: LocalRuntime) -> None:
    first, again, other = _pattern(runtime, 7), _pattern(runtime, 7), _pattern(runtime, 8)
    assert first == again
    assert first != other
    assert 0 < sum(first) < 12


# -- the HTTP control ------------------------------------------------------------------------------------
def test_get_answers_settings_and_counts(runtime: LocalRuntime) -> None:
    _set(runtime, rate=1, seed="s", kinds=["timeout"], operations=["dynamodb:GetItem"])
    _call(runtime, "get")
    status, _, body = http("GET", runtime.base_url + "/_local/faults")
    report = json_body(body)
    assert status == 200
    assert {k: report[k] for k in ("rate", "seed", "kinds", "operations", "mode", "total")} == {
        "rate": 1.0,
        "seed": "s",
        "kinds": ["timeout"],
        "operations": ["dynamodb:GetItem"],
        "mode": "post-retry",
        "total": 1,
    }
    assert report["by_function"] == {"CallerFunction": 1}
    # WHEN {"rate": 0} is put THEN faults stop, the counts stay
    _set(runtime, rate=0)
    assert _call(runtime, "get").result["ok"] is True
    assert runtime.faults.report()["total"] == 1


@pytest.mark.parametrize(
    "body",
    [
        {"rate": 2},
        {"rate": "high"},
        {"kinds": ["meteor"]},
        {"operations": ["PutEvents"]},
        {"mode": "sometimes"},
        {"colour": "red"},
        ["rate", 1],
    ],
)
def test_invalid_settings_are_a_400_and_change_nothing(runtime: LocalRuntime, body: Any) -> None:
    before = runtime.faults.report()
    status, _, payload = http("PUT", runtime.base_url + "/_local/faults", json.dumps(body).encode())
    assert status == 400
    assert json_body(payload)["message"]
    assert runtime.faults.report() == before


# -- delivery faults --------------------------------------------------------------------------------------
def test_duplicate_delivery_redelivers_processed_messages_but_never_into_the_dlq(runtime: LocalRuntime) -> None:
    # GIVEN every successful delivery duplicated (the queue's maxReceiveCount is 5)
    _set(runtime, rate=1, kinds=["duplicate"])
    assert runtime.deployment is not None
    resources = runtime.deployment.resources
    body = f"dup-{uuid.uuid4()}"
    runtime.client("sqs").send_message(QueueUrl=resources["JobsQueue"].physical_id, MessageBody=body)
    assert runtime.wait_idle(20)
    # THEN the same message (same id) was delivered up to just below the DLQ limit, and then deleted
    deliveries = [job for job in sys.modules["localrt_records"].JOBS if job["body"] == body]
    assert len(deliveries) == 4
    assert len({job["id"] for job in deliveries}) == 1
    dlq = resources["JobsDlq"].physical_id
    assert "Messages" not in runtime.client("sqs").receive_message(QueueUrl=dlq)
    assert runtime.faults.report()["by_kind"] == {"duplicate": 3}


def test_reordered_delivery_shuffles_a_batch(runtime: LocalRuntime) -> None:
    # GIVEN a batch-size-10 mapping (with a batching window) and every batch reordered
    _set(runtime, rate=1, kinds=["reorder"])
    assert runtime.deployment is not None
    queue = runtime.deployment.resources["BatchQueue"].physical_id
    tag = uuid.uuid4().hex[:8]
    bodies = [f"{tag}-{n}" for n in range(6)]
    runtime.client("sqs").send_message_batch(
        QueueUrl=queue, Entries=[{"Id": str(n), "MessageBody": body} for n, body in enumerate(bodies)]
    )
    assert runtime.wait_idle(20)
    # THEN every message arrived exactly once, not in the order sent
    received = [body for batch in sys.modules["localrt_records"].BATCHES for body in batch if body.startswith(tag)]
    assert Counter(received) == Counter(bodies)
    assert received != bodies
    assert runtime.faults.report()["by_kind"]["reorder"] >= 1
