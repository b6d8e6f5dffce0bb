"""moto in server mode with every request serialized by one lock.

moto's backends are plain Python objects with no locking of their own: two requests that mutate the
same table or queue at once can corrupt it ("dictionary changed size during iteration", lost
writes). The local runtime runs functions concurrently, so every request to moto passes through
``MOTO_LOCK`` here, and the runtime's own direct reads of moto's state (idleness, schedules) take the
same lock. The response body is produced entirely inside the lock.

One request type would hold the lock for seconds: an SQS ``ReceiveMessage`` that long-polls
(``WaitTimeSeconds``, or the queue's ``ReceiveMessageWaitTimeSeconds``), because moto sleeps inside
the call. Such a request is run as a series of short polls (``WaitTimeSeconds=0``), each under the
lock, sleeping outside it in between, until a message arrives or the wait is over: the client sees
the same long-poll semantics and nobody else waits.
"""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from werkzeug.serving import BaseWSGIServer, make_server

from infra.local import motofixes

MOTO_LOCK: Final = threading.RLock()
_SHORT_POLL_PAUSE_S: Final = 0.2  # an idle queue costs moto ~4 ms per poll: 5 polls a second, not 20
_MAX_WAIT_S: Final = 20


@dataclass
class LockStats:
    requests: int = 0
    waited_s: float = 0.0  # total time requests waited for the lock
    held_s: float = 0.0  # total time the lock was held by requests
    longest_hold_s: float = 0.0
    short_polls: int = 0  # long polls run as short polls
    cpu_s: float = 0.0  # CPU time moto's request threads used (held_s minus waiting for the GIL)
    by_operation: dict[str, list[float]] = field(default_factory=dict)  # [requests, s held, CPU s]

    def as_dict(self) -> dict[str, Any]:
        slowest = sorted(self.by_operation.items(), key=lambda item: -item[1][1])[:10]
        return {
            "requests": self.requests,
            "waited_s": round(self.waited_s, 3),
            "held_s": round(self.held_s, 3),
            "longest_hold_ms": round(self.longest_hold_s * 1000, 1),
            "short_polls": self.short_polls,
            "cpu_s": round(self.cpu_s, 3),
            "held_by_operation": {
                name: {"requests": int(count), "held_s": round(held, 3), "cpu_s": round(cpu, 3)}
                for name, (count, held, cpu) in slowest
            },
        }


StartResponse = Callable[..., Any]


class SerializedApp:
    """WSGI middleware: one request at a time into moto; long polls split into short ones."""

    def __init__(self, app: Callable[[dict[str, Any], StartResponse], Iterable[bytes]]) -> None:
        self.app = app
        self.stats = LockStats()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        long_poll = _sqs_long_poll(environ)
        if long_poll is None:
            status, headers, body = self._once(environ)
            start_response(status, headers)
            return [body]
        request, wait_s = long_poll
        deadline = time.monotonic() + wait_s
        short = json.dumps({**request, "WaitTimeSeconds": 0}).encode()
        while True:
            attempt = dict(environ)
            attempt["wsgi.input"] = io.BytesIO(short)
            attempt["CONTENT_LENGTH"] = str(len(short))
            status, headers, body = self._once(attempt)
            self.stats.short_polls += 1
            if not status.startswith("200") or _has_messages(body) or time.monotonic() >= deadline:
                start_response(status, headers)
                return [body]
            time.sleep(min(_SHORT_POLL_PAUSE_S, max(0.0, deadline - time.monotonic())))

    def _once(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        captured: dict[str, Any] = {}
        chunks: list[bytes] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
            captured["status"], captured["headers"] = status, headers
            return chunks.append

        asked = time.perf_counter()
        with MOTO_LOCK:
            got, cpu = time.perf_counter(), time.thread_time()
            iterable = self.app(environ, capture)
            try:
                chunks.extend(iterable)
            finally:
                close = getattr(iterable, "close", None)
                if close is not None:
                    close()
            held, used = time.perf_counter() - got, time.thread_time() - cpu
            self.stats.requests += 1
            self.stats.cpu_s += used
            self.stats.waited_s += got - asked
            self.stats.held_s += held
            self.stats.longest_hold_s = max(self.stats.longest_hold_s, held)
            entry = self.stats.by_operation.setdefault(_operation(environ), [0, 0.0, 0.0])
            entry[0] += 1
            entry[1] += held
            entry[2] += used
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        body = b"".join(chunks)
        headers.append(("Content-Length", str(len(body))))
        return captured["status"], headers, body


def _operation(environ: dict[str, Any]) -> str:
    """A short name for what a request asks (JSON protocols name it in a header; S3 by its verb)."""
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return str(target).split(".")[-1]
    path = str(environ.get("PATH_INFO", "/")).strip("/").split("/", 1)[0]
    return (
        f"{environ.get('REQUEST_METHOD', '?')} /{path}"
        if path.startswith(("moto-api", "schedules"))
        else str(environ.get("REQUEST_METHOD", "?"))
    )


def _sqs_long_poll(environ: dict[str, Any]) -> tuple[dict[str, Any], float] | None:
    """(request, seconds to wait) for a JSON-protocol SQS ReceiveMessage that would long-poll."""
    if environ.get("HTTP_X_AMZ_TARGET") != "AmazonSQS.ReceiveMessage":
        return None
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(raw)  # put it back for the normal path
    try:
        request = json.loads(raw or b"{}")
    except ValueError:
        return None
    if not isinstance(request, dict):
        return None
    wait = request.get("WaitTimeSeconds")
    if wait is None:
        wait = _queue_default_wait(str(request.get("QueueUrl", "")))
    try:
        seconds = float(wait)
    except (TypeError, ValueError):
        return None  # let moto answer the validation error
    if seconds <= 0 or seconds > _MAX_WAIT_S:
        return None
    return request, seconds


def _queue_default_wait(queue_url: str) -> float:
    """The queue's ReceiveMessageWaitTimeSeconds, read from moto's state (0 if unknown)."""
    from moto.sqs.models import sqs_backends  # noqa: PLC0415 - moto's state, only in server mode

    parts = queue_url.rstrip("/").split("/")
    if len(parts) < 2:
        return 0.0
    account, name = parts[-2], parts[-1]
    with MOTO_LOCK:
        for backend in sqs_backends.get(account, {}).values():
            queue = backend.queues.get(name)
            if queue is not None:
                return float(getattr(queue, "receive_message_wait_time_seconds", 0) or 0)
    return 0.0


def _has_messages(body: bytes) -> bool:
    try:
        return bool(json.loads(body or b"{}").get("Messages"))
    except (ValueError, AttributeError):
        return True  # not what we expected: hand it back as is


class LockedMotoServer:
    """Like moto's ``ThreadedMotoServer`` (same interface), with ``SerializedApp`` in front of moto."""

    def __init__(self, ip_address: str = "127.0.0.1", port: int = 0) -> None:
        self._ip_address, self._port = ip_address, port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self.app: SerializedApp | None = None

    def start(self) -> None:
        motofixes.install()
        from moto.moto_server.werkzeug_app import (  # noqa: PLC0415 - heavy, only when a runtime starts
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )

        self.app = SerializedApp(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(
            self._ip_address, self._port, self.app, threaded=True, request_handler=MotoRequestHandler
        )
        self._thread = threading.Thread(target=self._server.serve_forever, name="local-moto", daemon=True)
        self._thread.start()
        self._ready.set()

    def get_host_and_port(self) -> tuple[str, int]:
        if self._server is None:
            raise RuntimeError("moto is not started")
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    @property
    def stats(self) -> LockStats:
        return self.app.stats if self.app else LockStats()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)
        self._server, self._thread = None, None


class MotoState:
    """Direct reads of moto's in-process state, under ``MOTO_LOCK`` (the service's own view, never
    faulted): what a poller or the scheduler of the real service would know without an API call."""

    def __init__(self, account_id: str, region: str) -> None:
        self.account_id, self.region = account_id, region

    def latest_stream_sequence(self, stream_arn: str) -> int | None:
        """The sequence number of the newest record in a table's stream (None: no record yet)."""
        from moto.dynamodb.models import dynamodb_backends  # noqa: PLC0415

        table_name = stream_arn.split(":", 5)[-1].split("/")[1]
        with MOTO_LOCK:
            backend = dynamodb_backends[self.account_id][self.region]
            table = backend.tables.get(table_name)
            shard = getattr(table, "stream_shard", None)
            if shard is None or not shard.items:
                return None
            return int(shard.starting_sequence_number) + len(shard.items) - 1

    def schedules(self) -> list[dict[str, Any]]:
        """Every EventBridge Scheduler schedule (as ``GetSchedule`` would answer), all groups."""
        from moto.scheduler.models import scheduler_backends  # noqa: PLC0415

        with MOTO_LOCK:
            backend = scheduler_backends[self.account_id][self.region]
            return [
                json.loads(json.dumps(schedule.to_dict(), default=str))
                for group in list(backend.schedule_groups.values())
                for schedule in list(group.schedules.values())
            ]
