"""The clock that fires schedules: EventBridge Scheduler schedules and EventBridge rules with a
``ScheduleExpression``. moto stores both and never fires either.

Scheduler schedules are read from moto's state on every tick (every ``tick_s``), so those created,
updated or deleted at run time by function code are seen as soon as they exist, exactly like the
ones the template declares (which the deployment creates in moto). A due schedule is delivered to
its target: an SQS queue (``SendMessage`` of the target ``Input``, with ``SqsParameters``), a Lambda
function (an asynchronous invocation: up to 3 attempts), an EventBridge bus (``PutEvents`` with
``EventBridgeParameters``) or a universal target (``arn:aws:scheduler:::aws-sdk:<service>:<action>``,
the target ``Input`` as the request). Context attributes (``<aws.scheduler.scheduled-time>`` ...)
are replaced in the input. A delivery that fails is retried with backoff under the target's
``RetryPolicy`` (``MaximumRetryAttempts``, ``MaximumEventAgeInSeconds``) and then sent to its
``DeadLetterConfig`` queue. A one-time schedule fires once; with ``ActionAfterCompletion: DELETE``
a schedule that has nothing more to do is deleted.

Scheduled rules deliver the "Scheduled Event" (or the target's ``Input`` / ``InputPath`` /
``InputTransformer``) to their targets: queues directly, Lambda targets through the local queue the
runtime polls for them. ``rule_rate_scale`` runs ``rate(...)`` rules that many times faster (a
local option for tests; the default 1 keeps the template's rates).

Everything the clock does goes through the runtime's own clients: it is never faulted.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Final

from botocore.exceptions import BotoCoreError, ClientError

from infra.local import schedules
from infra.local.lambdas import LocalFunction

log = logging.getLogger(__name__)

ASYNC_ATTEMPTS: Final = 3
MAX_BACKOFF_S: Final = 60.0
_CONTEXT = re.compile(r"<aws\.scheduler\.(schedule-arn|scheduled-time|execution-id|attempt-number)>")


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _as_datetime(value: Any) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, int | float):
        return dt.datetime.fromtimestamp(float(value), dt.UTC)
    text = str(value)
    try:
        return dt.datetime.fromtimestamp(float(text), dt.UTC)
    except ValueError:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _version(schedule: Mapping[str, Any]) -> str:
    return f"{schedule.get('LastModificationDate')}|{schedule['ScheduleExpression']}|{schedule.get('StartDate')}"


# -- asynchronous Lambda invocations ---------------------------------------------------------------------
class AsyncInvoker:
    """Lambda's asynchronous invocation for targets the runtime calls itself: queued, run on a small
    pool, retried twice (3 attempts) with a delay, then dropped with a log line."""

    def __init__(self, retry_delay_s: float = 1.0, workers: int = 4) -> None:
        self.retry_delay_s = retry_delay_s
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="local-async-invoke")
        self._stop = threading.Event()
        self._pending = 0
        self._lock = threading.Lock()
        self.invoked = 0
        self.dropped = 0

    @property
    def pending(self) -> int:
        return self._pending

    def submit(self, function: LocalFunction, event: Any) -> None:
        with self._lock:
            self._pending += 1
        self._pool.submit(self._run, function, event)

    def _run(self, function: LocalFunction, event: Any) -> None:
        try:
            for attempt in range(1, ASYNC_ATTEMPTS + 1):
                outcome = function.invoke(event)
                self.invoked += 1
                if outcome.ok:
                    return
                if attempt < ASYNC_ATTEMPTS and self._stop.wait(self.retry_delay_s * attempt):
                    return
            self.dropped += 1
            log.error("async invoke of %s dropped after %d attempts", function.spec.logical_id, ASYNC_ATTEMPTS)
        finally:
            with self._lock:
                self._pending -= 1

    def stop(self) -> None:
        self._stop.set()
        self._pool.shutdown(wait=True, cancel_futures=True)


# -- what fires --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RuleTargetSpec:
    target_id: str
    arn: str  # the template's target ARN
    queue_url: str | None  # where the event goes (the queue, or the local queue of a Lambda target)
    input: str | None = None
    input_path: str | None = None
    input_transformer: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class ScheduledRule:
    logical_id: str
    name: str
    arn: str
    expression: str
    enabled: bool
    targets: tuple[RuleTargetSpec, ...]


@dataclass
class _Delivery:
    source: str  # schedule or rule ARN
    target: Mapping[str, Any]  # the scheduler target (Arn, Input, RetryPolicy, DeadLetterConfig...)
    scheduled_time: dt.datetime
    first_at: float
    group: str = ""
    attempt: int = 1
    next_at: float = 0.0
    last_error: tuple[str, str] = ("", "")


@dataclass
class _Track:
    version: str
    anchor: dt.datetime
    next_due: dt.datetime | None
    fired: int = 0


@dataclass
class SchedulerStats:
    fired: int = 0
    delivered: int = 0
    retries: int = 0
    dead_lettered: int = 0
    dropped: int = 0
    deleted: int = 0
    rule_events: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "fired": self.fired,
            "delivered": self.delivered,
            "retries": self.retries,
            "dead_lettered": self.dead_lettered,
            "dropped": self.dropped,
            "deleted": self.deleted,
            "rule_events": self.rule_events,
            "recent_errors": self.errors[-5:],
        }


class SchedulerEmulator:
    """A daemon thread that fires due schedules and scheduled rules (see the module docstring)."""

    def __init__(
        self,
        *,
        read_schedules: Callable[[], list[dict[str, Any]]],
        client: Callable[[str], Any],
        function_for: Callable[[str], LocalFunction | None],
        invoker: AsyncInvoker,
        rules: list[ScheduledRule],
        account_id: str,
        region: str,
        rule_rate_scale: float = 1.0,
        retry_delay_s: float = 1.0,
        tick_s: float = 0.2,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.read_schedules, self.client, self.function_for = read_schedules, client, function_for
        self.invoker, self.rules = invoker, rules
        self.account_id, self.region = account_id, region
        self.rule_rate_scale, self.retry_delay_s, self.tick_s = rule_rate_scale, retry_delay_s, tick_s
        self.clock = clock
        self.stats = SchedulerStats()
        self._tracks: dict[str, _Track] = {}
        self._deliveries: list[_Delivery] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._queue_urls: dict[str, str] = {}
        self._firing = 0
        self.problems: list[str] = []

    # -- lifecycle --------------------------------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="local-scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def join(self, timeout: float) -> bool:
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:
                log.exception("scheduler tick failed; continuing")
            self._stop.wait(self.tick_s)

    # -- observing ----------------------------------------------------------------------------------------
    def pending(self) -> dict[str, Any]:
        """Due now and not yet handed over, retries waiting, async invocations in flight, next time.

        Reads moto's schedules itself, so a schedule created since the last tick counts too.
        """
        now = dt.datetime.fromtimestamp(self.clock(), dt.UTC)
        due_times: list[dt.datetime] = []
        for schedule in self.read_schedules():
            if schedule.get("State", "ENABLED") != "ENABLED":
                continue
            version = _version(schedule)
            with self._lock:
                track = self._tracks.get(schedule["Arn"])
            if track is None or track.version != version:
                track = self._new_track(schedule, version, now, quiet=True)
            if track.next_due is not None:
                due_times.append(track.next_due)
        with self._lock:
            due_times += [t.next_due for t in self._tracks.values() if t.version == "rule" and t.next_due is not None]
            deliveries = len(self._deliveries)
        due = [t for t in due_times if t <= now]
        future = [t for t in due_times if t > now]
        return {
            "due": len(due) + self._firing,
            "retrying": deliveries,
            "async_invocations": self.invoker.pending,
            "next_due_at": _iso(min(future)) if future else None,
        }

    # -- one tick ---------------------------------------------------------------------------------------
    def tick(self) -> None:
        now_s = self.clock()
        now = dt.datetime.fromtimestamp(now_s, dt.UTC)
        seen: set[str] = set()
        for schedule in self.read_schedules():
            seen.add(schedule["Arn"])
            self._consider_schedule(schedule, now)
        for rule in self.rules:
            seen.add(rule.arn)
            self._consider_rule(rule, now)
        with self._lock:
            for key in set(self._tracks) - seen:
                del self._tracks[key]  # deleted (by function code, or after completion)
        self._retry_due(now_s)

    def _consider_schedule(self, schedule: dict[str, Any], now: dt.datetime) -> None:
        arn = schedule["Arn"]
        version = _version(schedule)
        with self._lock:
            track = self._tracks.get(arn)
        if track is None or track.version != version:
            track = self._new_track(schedule, version, now)
            with self._lock:
                self._tracks[arn] = track
        if schedule.get("State", "ENABLED") != "ENABLED" or track.next_due is None:
            if track.next_due is None and track.fired and schedule.get("ActionAfterCompletion") == "DELETE":
                self._delete(schedule)
            return
        if track.next_due > now:
            return
        due = track.next_due
        self.stats.fired += 1
        track.fired += 1
        delivery = _Delivery(arn, schedule["Target"], due, self.clock(), group=str(schedule.get("GroupName", "")))
        with self._counting():
            self._deliver(delivery)
            track.next_due = self._following(schedule, track, due)
        if track.next_due is None and schedule.get("ActionAfterCompletion") == "DELETE":
            self._delete(schedule)

    @contextmanager
    def _counting(self) -> Iterator[None]:
        """While a due schedule is being handed over, it still counts as due (for idleness)."""
        with self._lock:
            self._firing += 1
        try:
            yield
        finally:
            with self._lock:
                self._firing -= 1

    def _new_track(self, schedule: dict[str, Any], version: str, now: dt.datetime, *, quiet: bool = False) -> _Track:
        try:
            expression = schedules.parse(schedule["ScheduleExpression"], schedule.get("ScheduleExpressionTimezone"))
        except schedules.ScheduleError as exc:
            if not quiet:
                self._problem(f"{schedule['Arn']}: {exc}")
            return _Track(version, now, None)
        start = _as_datetime(schedule.get("StartDate"))
        end = _as_datetime(schedule.get("EndDate"))
        if isinstance(expression, schedules.At):
            due = expression.when  # a one-time schedule in the past fires now
            return _Track(version, now, None if end is not None and due > end else due)
        anchor = start or now
        return _Track(version, anchor, schedules.next_due(expression, now, anchor=anchor, start=start, end=end))

    def _following(self, schedule: dict[str, Any], track: _Track, after: dt.datetime) -> dt.datetime | None:
        expression = schedules.parse(schedule["ScheduleExpression"], schedule.get("ScheduleExpressionTimezone"))
        if isinstance(expression, schedules.At):
            return None
        now = dt.datetime.fromtimestamp(self.clock(), dt.UTC)
        return schedules.next_due(
            expression,
            max(after, now),
            anchor=track.anchor,
            start=_as_datetime(schedule.get("StartDate")),
            end=_as_datetime(schedule.get("EndDate")),
        )

    def _delete(self, schedule: dict[str, Any]) -> None:
        try:
            self.client("scheduler").delete_schedule(Name=schedule["Name"], GroupName=schedule["GroupName"])
            self.stats.deleted += 1
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                raise
        with self._lock:
            self._tracks.pop(schedule["Arn"], None)

    # -- scheduled rules ------------------------------------------------------------------------------------
    def _consider_rule(self, rule: ScheduledRule, now: dt.datetime) -> None:
        if not rule.enabled:
            return
        with self._lock:
            track = self._tracks.get(rule.arn)
        if track is None:
            try:
                expression = schedules.parse(rule.expression)
            except schedules.ScheduleError as exc:
                self._problem(f"{rule.logical_id}: {exc}")
                with self._lock:
                    self._tracks[rule.arn] = _Track("rule", now, None)
                return
            first = schedules.next_due(expression, now, anchor=now, rate_scale=self.rule_rate_scale)
            track = _Track("rule", now, first)
            with self._lock:
                self._tracks[rule.arn] = track
        if track.next_due is None or track.next_due > now:
            return
        due = track.next_due
        track.fired += 1
        with self._counting():
            self._fire_rule(rule, due)
            track.next_due = schedules.next_due(
                schedules.parse(rule.expression), max(due, now), anchor=track.anchor, rate_scale=self.rule_rate_scale
            )

    def _fire_rule(self, rule: ScheduledRule, due: dt.datetime) -> None:
        event = {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": self.account_id,
            "time": _iso(due),
            "region": self.region,
            "resources": [rule.arn],
            "detail": {},
        }
        sqs = self.client("sqs")
        for target in rule.targets:
            if target.queue_url is None:
                continue
            try:
                body = _rule_input(target, event)
                sqs.send_message(QueueUrl=target.queue_url, MessageBody=body)
                self.stats.rule_events += 1
            except (ClientError, BotoCoreError, ValueError) as exc:
                self._problem(f"{rule.logical_id}/{target.target_id}: {exc}")

    # -- delivering ------------------------------------------------------------------------------------------
    def _retry_due(self, now_s: float) -> None:
        with self._lock:
            ready = [d for d in self._deliveries if d.next_at <= now_s]
            self._deliveries = [d for d in self._deliveries if d.next_at > now_s]
            self._firing += len(ready)
        for delivery in ready:
            self.stats.retries += 1
            try:
                self._deliver(delivery)
            finally:
                with self._lock:
                    self._firing -= 1

    def _deliver(self, delivery: _Delivery) -> None:
        try:
            self._send(delivery)
            self.stats.delivered += 1
            return
        except ClientError as exc:
            error = exc.response.get("Error", {})
            delivery.last_error = (str(error.get("Code", "ClientError")), str(error.get("Message", exc)))
        except (BotoCoreError, LookupError, ValueError) as exc:
            delivery.last_error = (type(exc).__name__, str(exc))
        policy = delivery.target.get("RetryPolicy") or {}
        max_retries = int(policy.get("MaximumRetryAttempts", 185))
        max_age = float(policy.get("MaximumEventAgeInSeconds", 86400))
        age = self.clock() - delivery.first_at
        backoff = min(MAX_BACKOFF_S, self.retry_delay_s * 2 ** (delivery.attempt - 1))
        if delivery.attempt <= max_retries and age + backoff <= max_age:
            delivery.attempt += 1
            delivery.next_at = self.clock() + backoff
            with self._lock:
                self._deliveries.append(delivery)
            return
        self._dead_letter(delivery)

    def _payload(self, delivery: _Delivery) -> str:
        raw = delivery.target.get("Input")
        text = "{}" if raw is None else str(raw)
        values = {
            "schedule-arn": delivery.source,
            "scheduled-time": _iso(delivery.scheduled_time),
            "execution-id": uuid.uuid4().hex[:16],
            "attempt-number": str(delivery.attempt),
        }
        return _CONTEXT.sub(lambda m: values[m.group(1)], text)

    def _send(self, delivery: _Delivery) -> None:
        target, arn = delivery.target, str(delivery.target["Arn"])
        payload = self._payload(delivery)
        service = arn.split(":")[2] if arn.count(":") >= 5 else ""
        if arn.startswith("arn:aws:scheduler:::aws-sdk:"):
            _, _, action = arn.removeprefix("arn:aws:scheduler:::aws-sdk:").partition(":")
            sdk_service = arn.removeprefix("arn:aws:scheduler:::aws-sdk:").split(":", 1)[0]
            method = re.sub(r"(?<!^)(?=[A-Z])", "_", action[:1].lower() + action[1:]).lower()
            request = json.loads(payload)
            getattr(self.client(sdk_service), method)(**request)
        elif service == "sqs":
            kwargs: dict[str, Any] = {"QueueUrl": self._queue_url(arn), "MessageBody": payload}
            group = (target.get("SqsParameters") or {}).get("MessageGroupId")
            if group:
                kwargs["MessageGroupId"] = group
            self.client("sqs").send_message(**kwargs)
        elif service == "lambda":
            function = self.function_for(arn)
            if function is None:
                raise LookupError(f"no local function {arn}")
            self.invoker.submit(function, json.loads(payload))
        elif service == "events":
            parameters = target.get("EventBridgeParameters") or {}
            result = self.client("events").put_events(
                Entries=[
                    {
                        "EventBusName": arn,
                        "Source": parameters.get("Source", "aws.scheduler"),
                        "DetailType": parameters.get("DetailType", "Scheduled Event"),
                        "Detail": payload,
                        "Resources": [delivery.source],
                    }
                ]
            )
            if result.get("FailedEntryCount"):
                entry = result["Entries"][0]
                raise ValueError(f"{entry.get('ErrorCode')}: {entry.get('ErrorMessage')}")
        else:
            raise LookupError(f"target {arn} is not emulated locally")

    def _queue_url(self, arn: str) -> str:
        if arn not in self._queue_urls:
            _, _, _, _, account, name = arn.split(":", 5)
            url = self.client("sqs").get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"]
            self._queue_urls[arn] = url
        return self._queue_urls[arn]

    def _dead_letter(self, delivery: _Delivery) -> None:
        code, message = delivery.last_error
        dlq = (delivery.target.get("DeadLetterConfig") or {}).get("Arn")
        log.warning(
            "schedule %s: delivery to %s failed %d time(s) (%s: %s)%s",
            delivery.source,
            delivery.target.get("Arn"),
            delivery.attempt,
            code,
            message,
            f"; sent to {dlq}" if dlq else "; dropped",
        )
        if not dlq:
            self.stats.dropped += 1
            return
        attributes = {
            "ERROR_CODE": code,
            "ERROR_MESSAGE": message[:1000] or code,
            "RETRY_ATTEMPTS": str(delivery.attempt - 1),
            "SCHEDULE_ARN": delivery.source,
            "TARGET_ARN": str(delivery.target.get("Arn")),
        }
        try:
            self.client("sqs").send_message(
                QueueUrl=self._queue_url(str(dlq)),
                MessageBody=self._payload(delivery),
                MessageAttributes={k: {"DataType": "String", "StringValue": v} for k, v in attributes.items() if v},
            )
            self.stats.dead_lettered += 1
        except (ClientError, BotoCoreError) as exc:
            self.stats.dropped += 1
            self._problem(f"{delivery.source}: dead-letter queue {dlq}: {exc}")

    def _problem(self, text: str) -> None:
        log.warning("scheduler: %s", text)
        self.stats.errors.append(text)
        del self.stats.errors[:-50]


# -- rule inputs ---------------------------------------------------------------------------------------
def _path(event: Mapping[str, Any], path: str) -> Any:
    """A JSONPath of the form ``$`` or ``$.a.b`` (what rule targets use)."""
    if path == "$":
        return event
    if not path.startswith("$."):
        raise ValueError(f"unsupported InputPath {path!r}")
    value: Any = event
    for part in path[2:].split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def _rule_input(target: RuleTargetSpec, event: Mapping[str, Any]) -> str:
    if target.input is not None:
        return target.input
    if target.input_path:
        return json.dumps(_path(event, target.input_path))
    if target.input_transformer:
        paths = target.input_transformer.get("InputPathsMap") or {}
        values = {name: _path(event, path) for name, path in paths.items()}
        template = str(target.input_transformer.get("InputTemplate", ""))

        def substitute(match: re.Match[str]) -> str:
            value = values.get(match.group(1))
            return value if isinstance(value, str) else json.dumps(value)

        return re.sub(r"<([A-Za-z0-9_.-]+)>", substitute, template)
    return json.dumps(event)
