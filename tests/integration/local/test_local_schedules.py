"""Schedules and idleness: expressions (pure), the scheduler's clock (a fake clock), and the runtime on
fixtures/platform.json firing schedules that function code creates, the template's schedule and a
scheduled rule; ``/_local/idle`` and ``/_local/stats``; redrive against the running moto."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from infra.local import LocalRuntime
from infra.local import schedules as expressions
from infra.local.scheduler import AsyncInvoker, SchedulerEmulator
from tests.integration.local.conftest import FIXTURES, http, json_body

PLATFORM = FIXTURES / "platform.json"
REPO_ROOT = Path(__file__).resolve().parents[3]
UTC = dt.UTC


# -- expressions ---------------------------------------------------------------------------------------------
NOW = dt.datetime(2026, 12, 1, 10, 0, 30, tzinfo=UTC)  # a Tuesday


@pytest.mark.parametrize(
    ("expression", "timezone", "expected"),
    [
        ("rate(5 minutes)", None, dt.datetime(2026, 12, 1, 10, 5, 30, tzinfo=UTC)),
        ("rate(1 day)", None, dt.datetime(2026, 12, 2, 10, 0, 30, tzinfo=UTC)),
        ("cron(0 12 * * ? *)", None, dt.datetime(2026, 12, 1, 12, 0, tzinfo=UTC)),
        ("cron(0/15 * * * ? *)", None, dt.datetime(2026, 12, 1, 10, 15, tzinfo=UTC)),
        ("cron(15 10 ? * MON-FRI *)", "Europe/Kyiv", dt.datetime(2026, 12, 2, 8, 15, tzinfo=UTC)),
        ("cron(0 8 L * ? *)", None, dt.datetime(2026, 12, 31, 8, 0, tzinfo=UTC)),
        ("cron(0 9 ? * 6#1 *)", None, dt.datetime(2026, 12, 4, 9, 0, tzinfo=UTC)),
        ("cron(0 9 ? * 2L *)", None, dt.datetime(2026, 12, 28, 9, 0, tzinfo=UTC)),
        ("cron(0 0 1 JAN ? 2027)", None, dt.datetime(2027, 1, 1, 0, 0, tzinfo=UTC)),
        ("cron(0 0 1 JAN ? 2025)", None, None),
    ],
)
def test_the_next_time_of_an_expression(expression: str, timezone: str | None, expected: dt.datetime | None) -> None:
    parsed = expressions.parse(expression, timezone)
    assert expressions.next_due(parsed, NOW, anchor=NOW) == expected


def test_a_one_time_schedule_is_read_in_its_time_zone() -> None:
    parsed = expressions.parse("at(2026-12-01T12:00:00)", "Europe/Kyiv")
    assert parsed == expressions.At(dt.datetime(2026, 12, 1, 10, 0, tzinfo=UTC))


def test_rates_can_run_faster_and_stop_at_the_end_date() -> None:
    rate = expressions.parse("rate(1 minute)")
    assert expressions.next_due(rate, NOW, anchor=NOW, rate_scale=60) == NOW + dt.timedelta(seconds=1)
    assert expressions.next_due(rate, NOW, anchor=NOW, end=NOW + dt.timedelta(seconds=30)) is None


@pytest.mark.parametrize(
    "expression",
    [
        "rate(0 minutes)",
        "rate(1 fortnight)",
        "cron(0 12 * * *)",
        "cron(0 12 * * MON *)",
        "cron(0 12 15W * ? *)",
        "soon",
    ],
)
def test_expressions_the_emulation_cannot_read_are_refused(expression: str) -> None:
    with pytest.raises(expressions.ScheduleError):
        expressions.parse(expression)


# -- the clock (fake time, fake targets) -------------------------------------------------------------------
class FakeSqs:
    def __init__(self, fail: bool = False) -> None:
        self.sent: list[dict[str, Any]] = []
        self.fail = fail

    def get_queue_url(self, QueueName: str, QueueOwnerAWSAccountId: str) -> dict[str, str]:
        return {"QueueUrl": f"https://queue/{QueueName}"}

    def send_message(self, **kwargs: Any) -> None:
        if self.fail and not kwargs["QueueUrl"].endswith("dlq"):
            raise ClientError({"Error": {"Code": "QueueDoesNotExist", "Message": "gone"}}, "SendMessage")
        self.sent.append(kwargs)


class FakeScheduler:
    """EventBridge Scheduler's DeleteSchedule over the list the engine reads."""

    def __init__(self, listed: list[dict[str, Any]]) -> None:
        self.listed = listed
        self.deleted: list[str] = []

    def delete_schedule(self, Name: str, GroupName: str) -> None:
        self.deleted.append(f"{GroupName}/{Name}")
        self.listed[:] = [s for s in self.listed if (s["Name"], s["GroupName"]) != (Name, GroupName)]


def _clock(start: float) -> tuple[dict[str, float], Callable[[], float]]:
    state = {"now": start}
    return state, lambda: state["now"]


def _engine(schedule_list: list[dict[str, Any]], sqs: FakeSqs, clock: Callable[[], float]) -> SchedulerEmulator:
    """The scheduler over fake targets; ``schedule_list`` is what moto lists (deletions remove from it)."""
    clients = {"sqs": sqs, "scheduler": FakeScheduler(schedule_list)}
    return SchedulerEmulator(
        read_schedules=lambda: [dict(s) for s in schedule_list],
        client=clients.__getitem__,
        function_for=lambda arn: None,
        invoker=AsyncInvoker(),
        rules=[],
        account_id="123456789012",
        region="us-east-1",
        retry_delay_s=1.0,
        clock=clock,
    )


def _one_time(at: dt.datetime, **target: Any) -> dict[str, Any]:
    return {
        "Arn": "arn:aws:scheduler:us-east-1:123456789012:schedule/g/once",
        "Name": "once",
        "GroupName": "g",
        "ScheduleExpression": f"at({at.strftime('%Y-%m-%dT%H:%M:%S')})",
        "ActionAfterCompletion": "DELETE",
        "LastModificationDate": 1.0,
        "Target": {
            "Arn": "arn:aws:sqs:us-east-1:123456789012:work",
            "Input": '{"at": "<aws.scheduler.scheduled-time>"}',
            **target,
        },
    }


def test_a_one_time_schedule_fires_at_the_first_tick_after_its_time_then_is_deleted() -> None:
    at = dt.datetime(2026, 12, 1, 10, 0, 20, tzinfo=UTC)
    state, clock = _clock(at.timestamp() - 0.1)
    sqs, listed = FakeSqs(), [_one_time(at)]
    engine = _engine(listed, sqs, clock)
    # WHEN the clock ticks just before its time  THEN nothing is sent, and it is not due yet
    engine.tick()
    assert sqs.sent == [] and engine.pending()["due"] == 0
    assert engine.pending()["next_due_at"] == "2026-12-01T10:00:20Z"
    # WHEN the next tick (0.2 s later) comes  THEN it is due, sent once with its context attribute, deleted
    state["now"] += 0.2
    assert engine.pending()["due"] == 1
    engine.tick()
    assert sqs.sent == [{"QueueUrl": "https://queue/work", "MessageBody": '{"at": "2026-12-01T10:00:20Z"}'}]
    assert engine.client("scheduler").deleted == ["g/once"]
    assert listed == []
    state["now"] += 5
    engine.tick()
    assert len(sqs.sent) == 1 and engine.pending()["due"] == 0


def test_a_failing_target_is_retried_under_its_policy_then_dead_lettered() -> None:
    at = dt.datetime(2026, 12, 1, 10, 0, 0, tzinfo=UTC)
    state, clock = _clock(at.timestamp())
    sqs = FakeSqs(fail=True)
    schedule = _one_time(
        at,
        RetryPolicy={"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 3600},
        DeadLetterConfig={"Arn": "arn:aws:sqs:us-east-1:123456789012:dlq"},
    )
    engine = _engine([schedule], sqs, clock)
    engine.tick()  # first attempt fails: a retry waits 1 s
    assert engine.pending()["retrying"] == 1
    state["now"] += 1
    engine.tick()  # second attempt fails: the next waits 2 s
    state["now"] += 2
    engine.tick()  # third attempt fails: retries exhausted
    assert engine.pending()["retrying"] == 0
    (dead,) = sqs.sent
    assert dead["QueueUrl"] == "https://queue/dlq"
    assert dead["MessageBody"] == '{"at": "2026-12-01T10:00:00Z"}'
    attributes = {k: v["StringValue"] for k, v in dead["MessageAttributes"].items()}
    assert (attributes["ERROR_CODE"], attributes["RETRY_ATTEMPTS"]) == ("QueueDoesNotExist", "2")
    assert engine.stats.retries == 2 and engine.stats.dead_lettered == 1


# -- the runtime -------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def runtime() -> Iterator[LocalRuntime]:
    # rate(1 minute) rules 30 times faster: the sweep rule fires every 2 s
    local = LocalRuntime(PLATFORM, code_root=FIXTURES, stack_name="Clock", retry_delay_s=0, rule_rate_scale=30)
    local.start()
    try:
        yield local
    finally:
        local.stop()


def _platform() -> Any:
    """What the fixture functions recorded (shared by all their execution environments)."""
    return sys.modules["localrt_records"]


def _wait(check: Callable[[], Any], timeout: float = 10) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.05)
    raise AssertionError(f"not within {timeout} s")


def _consumed(marker: str) -> list[Any]:
    return [p for p in _platform().CONSUMED if isinstance(p, dict) and p.get("marker") == marker]


def _schedule(runtime: LocalRuntime, target: str, **extra: Any) -> tuple[str, dt.datetime]:
    marker = f"m-{uuid.uuid4().hex[:10]}"
    outcome = runtime.invoke("SchedulingFunction", {"target": target, "marker": marker, **extra})
    assert outcome.ok, outcome.error_message
    return marker, dt.datetime.fromisoformat(outcome.result["at"])


def _schedules(runtime: LocalRuntime) -> list[str]:
    return [s["Name"] for s in runtime.client("scheduler").list_schedules(GroupName="platform")["Schedules"]]


def test_a_schedule_created_by_function_code_reaches_its_queue_at_its_time(runtime: LocalRuntime) -> None:
    # WHEN function code creates a one-time schedule 2 s ahead, targeting a queue
    marker, at = _schedule(runtime, "queue")
    assert marker in _schedules(runtime)
    (payload,) = _wait(lambda: _consumed(marker))
    # THEN its consumer got the input (context attribute filled in), not before its time; then it was deleted
    assert dt.datetime.now(UTC) >= at.replace(microsecond=0)
    assert payload["time"] == at.strftime("%Y-%m-%dT%H:%M:%SZ")
    _wait(lambda: marker not in _schedules(runtime))


def test_a_schedule_can_invoke_a_function_asynchronously(runtime: LocalRuntime) -> None:
    marker, _ = _schedule(runtime, "lambda", in_s=0)
    (event,) = _wait(lambda: _consumed(marker))
    assert "Records" not in event  # the input itself is the event


def test_a_schedule_can_put_an_event_on_a_bus(runtime: LocalRuntime) -> None:
    marker, _ = _schedule(runtime, "bus", in_s=0)
    assert runtime.deployment is not None
    ticks = runtime.deployment.resources["TickQueue"].physical_id

    def tick() -> list[dict[str, Any]]:
        messages = runtime.client("sqs").receive_message(QueueUrl=ticks, MaxNumberOfMessages=10).get("Messages", [])
        return [json.loads(m["Body"]) for m in messages if marker in m["Body"]]

    (event,) = _wait(tick)
    assert (event["detail-type"], event["source"]) == ("Tick", "fixture.scheduler")
    assert event["detail"]["marker"] == marker


def test_an_undeliverable_schedule_ends_in_its_dead_letter_queue(runtime: LocalRuntime) -> None:
    assert runtime.deployment is not None
    dlq = runtime.deployment.resources["ScheduleDlq"].physical_id
    marker, _ = _schedule(runtime, "missing", in_s=0, retries=1)

    def dead() -> list[dict[str, Any]]:
        messages = (
            runtime.client("sqs")
            .receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, MessageAttributeNames=["All"])
            .get("Messages", [])
        )
        return [m for m in messages if marker in m["Body"]]

    (message,) = _wait(dead)
    assert message["MessageAttributes"]["RETRY_ATTEMPTS"]["StringValue"] == "1"
    assert "NonExistentQueue" in message["MessageAttributes"]["ERROR_CODE"]["StringValue"]
    runtime.client("sqs").delete_message(QueueUrl=dlq, ReceiptHandle=message["ReceiptHandle"])


def test_a_one_time_schedule_kept_after_completion_fires_once(runtime: LocalRuntime) -> None:
    marker, _ = _schedule(runtime, "queue", in_s=0, after="NONE")
    _wait(lambda: _consumed(marker))
    time.sleep(1)  # several ticks
    assert marker in _schedules(runtime)
    assert len(_consumed(marker)) == 1


def test_the_template_schedule_exists_and_is_wired(runtime: LocalRuntime) -> None:
    schedule = runtime.client("scheduler").get_schedule(Name="Clock-WeeklyDigest", GroupName="platform")
    assert schedule["ScheduleExpression"] == "rate(7 days)"
    assert schedule["Target"]["RetryPolicy"] == {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 600}
    (trigger,) = [t for t in runtime.wiring().triggers if t.logical_id == "WeeklyDigest"]
    assert (trigger.kind, trigger.target) == ("schedule→sqs", "ScheduleQueue")


def test_a_scheduled_rule_fires_on_its_target_with_its_input(runtime: LocalRuntime) -> None:
    # GIVEN rate(1 minute) run 30 times faster  THEN its Lambda target keeps getting the constant input
    _wait(lambda: sum(1 for p in _platform().CONSUMED if p == {"sweep": True}) >= 2, timeout=10)
    (trigger,) = [t for t in runtime.wiring().triggers if t.logical_id == "SweepRule"]
    assert (trigger.kind, trigger.target) == ("schedule-rule→lambda", "ConsumerFunction")


# -- idleness ------------------------------------------------------------------------------------------------
def _pending_item(runtime: LocalRuntime, key: str, when: dt.datetime) -> None:
    assert runtime.deployment is not None
    table = runtime.deployment.resources["ArticlesTable"].physical_id
    runtime.client("dynamodb").put_item(
        TableName=table,
        Item={
            "pk": {"S": key},
            "sk": {"S": "HEAD"},
            "pending_pk": {"S": "pending"},
            "pending_at": {"S": when.isoformat().replace("+00:00", "Z")},
        },
    )


def _forget(runtime: LocalRuntime, key: str) -> None:
    assert runtime.deployment is not None
    table = runtime.deployment.resources["ArticlesTable"].physical_id
    runtime.client("dynamodb").delete_item(TableName=table, Key={"pk": {"S": key}, "sk": {"S": "HEAD"}})


def test_unfinished_work_whose_time_has_come_keeps_the_runtime_busy(runtime: LocalRuntime) -> None:
    key = f"ARTICLE#{uuid.uuid4()}"
    _pending_item(runtime, key, dt.datetime.now(UTC) - dt.timedelta(seconds=1))
    report = runtime.idle()
    assert report["idle"] is False
    assert any("unfinished work ArticlesTable/Pending: 1 item(s) due" in r for r in report["reasons"])
    assert report["unfinished"]["ArticlesTable/Pending"]["sample"][0]["pk"] == key
    assert runtime.wait_idle(1) is False
    # WHEN the work is done (the item leaves the index)  THEN the runtime becomes idle
    _forget(runtime, key)
    assert runtime.wait_idle(10)


def test_future_unfinished_work_is_reported_without_blocking(runtime: LocalRuntime) -> None:
    key = f"ARTICLE#{uuid.uuid4()}"
    later = dt.datetime(2099, 1, 1, tzinfo=UTC)
    _pending_item(runtime, key, later)
    try:
        assert runtime.wait_idle(10)
        assert runtime.idle()["unfinished"]["ArticlesTable/Pending"] == {
            "due": 0,
            "sample": [],
            "next_due_at": "2099-01-01T00:00:00Z",
        }
    finally:
        _forget(runtime, key)


def test_a_message_being_processed_keeps_the_runtime_busy(runtime: LocalRuntime) -> None:
    assert runtime.deployment is not None
    queue = runtime.deployment.resources["ScheduleQueue"].physical_id
    _platform().RELEASE.clear()  # the consumer holds on to what it gets
    try:
        runtime.client("sqs").send_message(QueueUrl=queue, MessageBody="held")
        report = _wait(lambda: (r := runtime.idle())["invocations"].get("ConsumerFunction") and r)
        assert report["idle"] is False
        assert report["queues"]["ScheduleQueue"]["in_flight"] == 1
        assert runtime.wait_idle(0.5) is False
    finally:
        _platform().RELEASE.set()
    assert runtime.wait_idle(10)


def test_dead_letters_are_reported_but_are_not_pending_work(runtime: LocalRuntime) -> None:
    assert runtime.deployment is not None
    dlq = runtime.deployment.resources["ScheduleDlq"].physical_id
    runtime.client("sqs").send_message(QueueUrl=dlq, MessageBody="parked")
    try:
        assert runtime.wait_idle(10)
        assert runtime.idle()["parked"]["ScheduleDlq"] == 1
    finally:
        runtime.client("sqs").purge_queue(QueueUrl=dlq)


def test_idle_and_stats_over_http_include_the_memory_high_water_mark(runtime: LocalRuntime) -> None:
    assert runtime.wait_idle(10)
    status, _, body = http("GET", runtime.base_url + "/_local/idle")
    idle = json_body(body)
    assert status == 200
    assert set(idle) >= {"idle", "reasons", "queues", "streams", "schedules", "unfinished", "next_due_at", "memory"}
    assert idle["memory"]["peak_rss_mb"] >= idle["memory"]["rss_mb"] > 0
    status, _, body = http("GET", runtime.base_url + "/_local/stats")
    stats = json_body(body)
    assert status == 200
    assert stats["functions"]["SchedulingFunction"]["invocations"] >= 1
    assert stats["scheduler"]["fired"] >= 1 and stats["moto"]["requests"] > 0
    assert stats["memory"]["peak_rss_mb"] > 0


# -- redrive against the running moto -------------------------------------------------------------------------
def test_the_redrive_verb_moves_dead_letters_back_to_their_source_queue(runtime: LocalRuntime) -> None:
    # GIVEN three messages in the DLQ of the schedule queue (whose consumer records them)
    assert runtime.deployment is not None
    dlq = runtime.deployment.resources["ScheduleDlq"].physical_id
    markers = [f"r-{uuid.uuid4().hex[:8]}" for _ in range(3)]
    for marker in markers:
        runtime.client("sqs").send_message(QueueUrl=dlq, MessageBody=json.dumps({"marker": marker}))
    # WHEN `python -m infra.local redrive platform-schedule-dlq` runs (what `make redrive DLQ=...` does)
    result = subprocess.run(
        [sys.executable, "-m", "infra.local", "redrive", "platform-schedule-dlq", "--endpoint-url", runtime.moto_url],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    # THEN it says what it moved, and the consumer gets each message once
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("moved 3 message(s)")
    assert "platform-schedules" in result.stdout
    assert runtime.wait_idle(10)
    assert all(len(_consumed(marker)) == 1 for marker in markers)
    assert "ScheduleDlq" not in runtime.idle()["parked"]
