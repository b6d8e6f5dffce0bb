"""Seeded fault injection into the AWS calls that function code makes, and into deliveries.

Where: every botocore client created while the runtime runs gets three handlers on its own event
system (``before-call``, ``before-send``, ``after-call``). They act only when the calling thread is
running a function invocation (``invocation()`` below, set by ``LocalFunction``) and the client was
not made by the runtime's own session: the runtime's plumbing (pollers, the scheduler, the API
emulation, idleness checks) is never faulted.

What (``KINDS``):
- ``throttle``: the service answers its throttling error (``ThrottlingException``; S3 ``SlowDown``);
- ``server_error``: HTTP 500 (``InternalServerError``; S3 ``InternalError``);
- ``connection``: the connection fails before anything is sent (``EndpointConnectionError``);
- ``timeout``: no answer (``ReadTimeoutError``), nothing was sent;
- ``lost_response``: the request reaches moto and takes effect, then the answer is lost
  (``ReadTimeoutError``) - writes only;
- ``crash``: the call succeeds, then the invocation dies on the spot (as if the process were
  killed: no ``except Exception`` in function code can catch it) - writes only;
- ``duplicate`` (delivery): an SQS message that was processed successfully is not deleted, so it is
  delivered again (same message id, as SQS's at-least-once delivery does);
- ``reorder`` (delivery): a received SQS batch is handed over in shuffled order, and single messages
  are held back for a second so that later ones overtake them.

When: each call is decided once, before its first attempt. In ``post-retry`` mode (the default) a
faulted call fails on every attempt, so botocore's retries do not absorb it and the caller sees the
fault after them. In ``transient`` mode only the first attempt fails and botocore's retries (as
configured by the function code) hide it. Retries go through botocore's own retry handler, with the
backoff it would use in AWS.

Determinism: the decision for the n-th call of function F to operation O is a hash of
(seed, F, O, n): the same seed gives the same decisions in every run. Under concurrency, which
request is the n-th one depends on scheduling.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Final

API_KINDS: Final = ("throttle", "server_error", "connection", "timeout", "lost_response", "crash")
DELIVERY_KINDS: Final = ("duplicate", "reorder")
KINDS: Final = API_KINDS + DELIVERY_KINDS
WRITE_ONLY: Final = frozenset({"lost_response", "crash"})
MODES: Final = ("post-retry", "transient")
_OPERATION = re.compile(r"^[a-z0-9-]+:(\*|[A-Za-z0-9]+)$")
_WRITE_PREFIXES: Final = (
    "Put",
    "Update",
    "Delete",
    "TransactWrite",
    "BatchWrite",
    "Send",
    "Create",
    "Publish",
    "Copy",
    "Start",
    "CompleteMultipart",
    "Upload",
    "Restore",
    "ChangeMessageVisibility",
    "Tag",
    "Untag",
)


class FaultSettingsError(ValueError):
    """A fault setting is not valid (answered as 400 by ``PUT /_local/faults``)."""


class InvocationCrash(BaseException):
    """The injected death of an invocation right after a successful write.

    A ``BaseException`` so that ``except Exception`` in function code (and Powertools' batch
    processor) cannot swallow it: the invocation ends as if its process had been killed.
    """


def is_write(operation: str) -> bool:
    return operation.startswith(_WRITE_PREFIXES)


# -- the current invocation (per thread) -------------------------------------------------------------
@dataclass(frozen=True)
class InvocationContext:
    function: str  # logical id
    request_id: str


_CURRENT = threading.local()


@contextmanager
def invocation(function: str, request_id: str) -> Iterator[InvocationContext]:
    context = InvocationContext(function, request_id)
    previous = getattr(_CURRENT, "context", None)
    _CURRENT.context = context
    try:
        yield context
    finally:
        _CURRENT.context = previous


def current_invocation() -> InvocationContext | None:
    return getattr(_CURRENT, "context", None)


# -- settings and decisions -------------------------------------------------------------------------
@dataclass
class FaultSettings:
    rate: float = 0.0
    seed: int | str = 0
    kinds: tuple[str, ...] = KINDS
    operations: tuple[str, ...] = ()  # empty: every operation
    mode: str = "post-retry"

    def as_dict(self) -> dict[str, Any]:
        return {
            "rate": self.rate,
            "seed": self.seed,
            "kinds": list(self.kinds),
            "operations": list(self.operations),
            "mode": self.mode,
        }

    def changed(self, body: Any) -> FaultSettings:
        """New settings from a ``PUT`` body (absent keys keep their value); raises FaultSettingsError."""
        if not isinstance(body, dict):
            raise FaultSettingsError("the body must be a JSON object")
        unknown = set(body) - {"rate", "seed", "kinds", "operations", "mode", "reset_counts"}
        if unknown:
            raise FaultSettingsError(f"unknown settings: {', '.join(sorted(unknown))}")
        rate = body.get("rate", self.rate)
        if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate <= 1:
            raise FaultSettingsError("rate must be a number from 0 to 1")
        seed = body.get("seed", self.seed)
        if isinstance(seed, bool) or not isinstance(seed, int | str):
            raise FaultSettingsError("seed must be an integer or a string")
        kinds = body.get("kinds", list(self.kinds))
        if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
            raise FaultSettingsError("kinds must be a list of strings")
        bad_kinds = [k for k in kinds if k not in KINDS]
        if bad_kinds:
            raise FaultSettingsError(f"unknown kinds {bad_kinds}; known: {list(KINDS)}")
        operations = body.get("operations", list(self.operations))
        if operations is None:
            operations = []
        if not isinstance(operations, list) or not all(isinstance(o, str) for o in operations):
            raise FaultSettingsError("operations must be a list of 'service:Operation' strings")
        bad_operations = [o for o in operations if not _OPERATION.match(o)]
        if bad_operations:
            raise FaultSettingsError(f"operations must look like 'events:PutEvents' or 'sqs:*': {bad_operations}")
        mode = body.get("mode", self.mode)
        if mode not in MODES:
            raise FaultSettingsError(f"mode must be one of {list(MODES)}")
        return FaultSettings(float(rate), seed, tuple(dict.fromkeys(kinds)), tuple(operations), mode)


def _unit(*parts: object) -> float:
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


@dataclass
class _Counts:
    total: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    by_function: Counter[str] = field(default_factory=Counter)
    by_operation: Counter[str] = field(default_factory=Counter)
    calls: Counter[str] = field(default_factory=Counter)  # every call function code made, by operation


class FaultInjector:
    """Holds the settings, decides, counts. Thread-safe."""

    def __init__(self, settings: FaultSettings | None = None) -> None:
        self._lock = threading.Lock()
        self.settings = settings or FaultSettings()
        self._sequence: Counter[tuple[str, str, str]] = Counter()
        self._counts = _Counts()

    # -- settings ------------------------------------------------------------------------------------
    def update(self, body: Any) -> FaultSettings:
        with self._lock:
            self.settings = self.settings.changed(body)
            self._sequence.clear()  # decisions restart from the first call: a seed replays
            if isinstance(body, dict) and body.get("reset_counts"):
                self._counts = _Counts()
            return self.settings

    def report(self) -> dict[str, Any]:
        with self._lock:
            counts = self._counts
            return {
                **self.settings.as_dict(),
                "total": counts.total,
                "by_kind": dict(counts.by_kind),
                "by_function": dict(counts.by_function),
                "by_operation": dict(counts.by_operation),
                "calls_by_operation": dict(counts.calls),
            }

    # -- decisions -------------------------------------------------------------------------------------
    def _applies(self, operation: str) -> bool:
        wanted = self.settings.operations
        if not wanted:
            return True
        service = operation.split(":", 1)[0]
        return operation in wanted or f"{service}:*" in wanted

    def decide_call(self, function: str, operation: str) -> str | None:
        """The fault kind for this call of ``function`` to ``operation`` (``service:Operation``), or None."""
        with self._lock:
            self._counts.calls[operation] += 1
            settings = self.settings
            if settings.rate <= 0 or not self._applies(operation):
                return None
            kinds = [k for k in settings.kinds if k in API_KINDS]
            if not is_write(operation.split(":", 1)[1]):
                kinds = [k for k in kinds if k not in WRITE_ONLY]
            if not kinds:
                return None
            key = ("call", function, operation)
            self._sequence[key] += 1
            n = self._sequence[key]
            if _unit(settings.seed, *key, n) >= settings.rate:
                return None
            kind = kinds[int(_unit(settings.seed, "kind", *key, n) * len(kinds))]
            if kind != "crash":  # a crash is counted when it happens (after a successful call)
                self._record(kind, function, operation)
            return kind

    def decide_delivery(self, kind: str, function: str, source: str) -> bool:
        """Whether to inject delivery fault ``kind`` on this delivery from ``source`` to ``function``."""
        with self._lock:
            settings = self.settings
            if settings.rate <= 0 or kind not in settings.kinds:
                return False
            operation = f"delivery:{source}"
            if settings.operations and operation not in settings.operations:
                return False
            key = (kind, function, source)
            self._sequence[key] += 1
            if _unit(settings.seed, *key, self._sequence[key]) >= settings.rate:
                return False
            self._record(kind, function, operation)
            return True

    def shuffle(self, items: Sequence[Any], function: str, source: str) -> list[Any]:
        """A deterministic permutation of ``items`` (for ``reorder``)."""
        ranked = sorted(
            range(len(items)), key=lambda i: _unit(self.settings.seed, "order", function, source, i, len(items))
        )
        shuffled = [items[i] for i in ranked]
        return shuffled if len(items) < 2 or shuffled != list(items) else [*items[1:], items[0]]

    def record_crash(self, function: str, operation: str) -> None:
        with self._lock:
            self._record("crash", function, operation)

    def _record(self, kind: str, function: str, operation: str) -> None:
        counts = self._counts
        counts.total += 1
        counts.by_kind[kind] += 1
        counts.by_function[function] += 1
        counts.by_operation[operation] += 1


# -- botocore wiring ----------------------------------------------------------------------------------
_ACTIVE: FaultInjector | None = None
_PATCH_LOCK = threading.Lock()
_PATCHED = False
PLUMBING_MARK: Final = "_local_plumbing"
_CONTEXT_KEY: Final = "local_fault"


def activate(injector: FaultInjector | None) -> None:
    """Make ``injector`` the one consulted by every client (None: inject nothing)."""
    global _ACTIVE  # noqa: PLW0603 - botocore clients are process-wide
    _install_client_hook()
    _ACTIVE = injector


def mark_plumbing(session: Any) -> None:
    """Clients created from this boto3 (or botocore) session are never faulted."""
    core = getattr(session, "_session", session)
    setattr(core, PLUMBING_MARK, True)


def _install_client_hook() -> None:
    global _PATCHED  # noqa: PLW0603
    with _PATCH_LOCK:
        if _PATCHED:
            return
        import botocore.session  # noqa: PLC0415

        original = botocore.session.Session.create_client

        def create_client(self: Any, *args: Any, **kwargs: Any) -> Any:
            client = original(self, *args, **kwargs)
            if not getattr(self, PLUMBING_MARK, False):
                events = client.meta.events
                events.register("before-call", _before_call, unique_id="local-fault-before-call")
                events.register("before-send", _before_send, unique_id="local-fault-before-send")
                events.register("after-call", _after_call, unique_id="local-fault-after-call")
            return client

        botocore.session.Session.create_client = create_client  # type: ignore[method-assign]
        _PATCHED = True


def _operation_name(model: Any) -> str:
    return f"{model.service_model.service_name}:{model.name}"


def _before_call(model: Any, context: dict[str, Any], **_: Any) -> None:
    injector, invocation_context = _ACTIVE, current_invocation()
    if injector is None or invocation_context is None:
        return
    operation = _operation_name(model)
    kind = injector.decide_call(invocation_context.function, operation)
    if kind is not None:
        context[_CONTEXT_KEY] = {
            "kind": kind,
            "attempts": 0,
            "mode": injector.settings.mode,
            "operation": operation,
            "protocol": model.service_model.protocol,
            "service": model.service_model.service_name,
        }


def _before_send(request: Any, **_: Any) -> Any:
    fault = (getattr(request, "context", None) or {}).get(_CONTEXT_KEY)
    if fault is None or fault["kind"] == "crash":
        return None
    fault["attempts"] += 1
    if fault["mode"] == "transient" and fault["attempts"] > 1:
        return None
    from botocore.exceptions import EndpointConnectionError, ReadTimeoutError  # noqa: PLC0415

    kind = fault["kind"]
    if kind == "connection":
        raise EndpointConnectionError(endpoint_url=request.url)
    if kind == "timeout":
        raise ReadTimeoutError(endpoint_url=request.url)
    if kind == "lost_response":
        _deliver(request)
        raise ReadTimeoutError(endpoint_url=request.url)
    return _error_response(request.url, fault["protocol"], fault["service"], kind)


def _after_call(http_response: Any, model: Any, context: dict[str, Any], **_: Any) -> None:
    fault = context.get(_CONTEXT_KEY)
    if fault is None or fault["kind"] != "crash" or http_response is None:
        return
    if getattr(http_response, "status_code", 500) >= 300:
        return
    injector, invocation_context = _ACTIVE, current_invocation()
    if injector is None or invocation_context is None:
        return
    injector.record_crash(invocation_context.function, fault["operation"])
    raise InvocationCrash(f"injected crash right after {fault['operation']} succeeded")


_SENDER_LOCK = threading.Lock()
_sender: Any = None


def _deliver(request: Any) -> None:
    """Send the request for real (it takes effect); the caller will not see the answer."""
    global _sender  # noqa: PLW0603
    with _SENDER_LOCK:
        if _sender is None:
            from botocore.httpsession import URLLib3Session  # noqa: PLC0415

            _sender = URLLib3Session()
    response = _sender.send(request)
    _ = response.content


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def _error_response(url: str, protocol: str, service: str, kind: str) -> Any:
    """An error answer in the service's own protocol, so botocore parses and retries it as in AWS."""
    from botocore.awsrequest import AWSResponse  # noqa: PLC0415

    request_id = str(uuid.uuid4())
    throttle = kind == "throttle"
    headers = {"x-amzn-RequestId": request_id, "x-amz-request-id": request_id}
    if protocol == "rest-xml":
        code, status = ("SlowDown", 503) if throttle else ("InternalError", 500)
        message = "Please reduce your request rate." if throttle else "We encountered an internal error."
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code><Message>{message}</Message>'
            f"<RequestId>{request_id}</RequestId></Error>"
        ).encode()
        headers["Content-Type"] = "application/xml"
    elif protocol in ("query", "ec2"):
        code, status = ("Throttling", 400) if throttle else ("InternalFailure", 500)
        body = (
            f"<ErrorResponse><Error><Type>{'Sender' if throttle else 'Receiver'}</Type><Code>{code}</Code>"
            f"<Message>injected by the local runtime</Message></Error><RequestId>{request_id}</RequestId>"
            "</ErrorResponse>"
        ).encode()
        headers["Content-Type"] = "text/xml"
    else:  # json, rest-json (and anything else that reads a JSON error)
        code = "ThrottlingException" if throttle else "InternalServerError"
        status = (429 if protocol == "rest-json" else 400) if throttle else 500
        body = json.dumps({"__type": code, "message": "injected by the local runtime"}).encode()
        headers["Content-Type"] = "application/x-amz-json-1.0" if protocol == "json" else "application/json"
        headers["x-amzn-ErrorType"] = code
    del service
    return AWSResponse(url, status, headers, _Raw(body))  # type: ignore[arg-type]
