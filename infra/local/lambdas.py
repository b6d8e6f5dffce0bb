"""Lambda functions from the template, run in this process, concurrently.

Each function imports its ``Handler`` lazily (the first invocation is the cold start). Invocations
run concurrently up to the function's concurrency (its ``ReservedConcurrentExecutions``, else the
runtime's default); more wait for a slot (Lambda would throttle; locally they queue, so that a
burst does not turn into spurious failures). Each function sees its own ``Environment.Variables``
through a per-thread layer over ``os.environ`` (``infra.local.environ``), at import and at every
invocation, without blocking any other function. Events and results go through JSON, as they do in
Lambda, so a handler that returns something JSON cannot carry (a ``Decimal``, a ``datetime``) fails
here too. An injected crash (``faults.InvocationCrash``) ends the invocation as a runtime exit.
"""

from __future__ import annotations

import importlib
import json
import logging
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from infra.local import environ, faults

log = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 4


@dataclass(frozen=True)
class FunctionSpec:
    """What the template says about one function, resolved to local values."""

    logical_id: str
    name: str
    arn: str
    handler: str
    runtime: str
    memory_mb: int
    timeout_s: int
    environment: Mapping[str, str]

    @property
    def module_name(self) -> str:
        return self.handler.rpartition(".")[0]

    @property
    def attribute(self) -> str:
        return self.handler.rpartition(".")[2]

    @property
    def is_python(self) -> bool:
        return self.runtime.startswith("python")


class LambdaContext:
    """The context object the Python runtime passes (same attribute names and types)."""

    def __init__(self, spec: FunctionSpec, request_id: str) -> None:
        self.aws_request_id = request_id
        self.function_name = spec.name
        self.function_version = "$LATEST"
        self.invoked_function_arn = spec.arn
        self.memory_limit_in_mb = str(spec.memory_mb)  # a string in the real runtime too
        self.log_group_name = f"/aws/lambda/{spec.name}"
        self.log_stream_name = f"{time.strftime('%Y/%m/%d')}/[$LATEST]local"
        self.identity = None
        self.client_context = None
        self.tenant_id = None
        self._deadline = time.monotonic() + spec.timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


@dataclass
class Invocation:
    """The outcome of one invocation, as the caller (API Gateway, a poller) sees it."""

    function: str
    request_id: str
    ok: bool
    result: Any = None
    error_type: str | None = None
    error_message: str | None = None
    duration_ms: float = 0.0
    cold_start: bool = False


@dataclass
class FunctionStats:
    invocations: int = 0
    errors: int = 0
    cold_starts: int = 0
    crashes: int = 0  # injected crashes
    peak_concurrency: int = 0
    last_error: str | None = None


@dataclass
class LocalFunction:
    spec: FunctionSpec
    code_root: Path
    runtime_environment: Mapping[str, str] = field(default_factory=dict)
    concurrency: int = DEFAULT_CONCURRENCY
    stats: FunctionStats = field(default_factory=FunctionStats)

    def __post_init__(self) -> None:
        if self.concurrency < 1:
            raise ValueError(f"{self.spec.logical_id}: concurrency must be at least 1")
        self._import_lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(self.concurrency)
        self._module: ModuleType | None = None
        self._handler: Callable[[Any, Any], Any] | None = None
        self._state = threading.Lock()
        self._waiting = 0
        self._running = 0
        self.layer = environ.EnvironmentLayer(self.environment())

    @property
    def in_flight(self) -> int:
        """Invocations running or waiting for a slot."""
        return self._waiting + self._running

    @property
    def running(self) -> int:
        return self._running

    @property
    def module(self) -> ModuleType | None:
        return self._module

    def module_file(self) -> Path | None:
        """Where the handler module lives under the code root, if it exists (checked without importing)."""
        parts = self.spec.module_name.split(".")
        candidates = [
            self.code_root.joinpath(*parts).with_suffix(".py"),
            self.code_root.joinpath(*parts, "__init__.py"),
        ]
        return next((path for path in candidates if path.is_file()), None)

    def problem(self) -> str | None:
        """Why this function cannot run locally, or None."""
        if not self.spec.is_python:
            return f"runtime {self.spec.runtime} cannot run in-process"
        if not self.spec.module_name:
            return f"handler {self.spec.handler!r} is not <module>.<function>"
        if self.module_file() is None:
            expected = self.code_root.joinpath(*self.spec.module_name.split(".")).with_suffix(".py")
            return f"handler module {self.spec.module_name} not found: {expected}"
        return None

    def environment(self) -> dict[str, str]:
        lambda_variables = {
            "AWS_LAMBDA_FUNCTION_NAME": self.spec.name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(self.spec.memory_mb),
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{self.spec.name}",
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "_HANDLER": self.spec.handler,
        }
        return {**self.runtime_environment, **lambda_variables, **self.spec.environment}

    @contextmanager
    def _slot(self) -> Iterator[None]:
        with self._state:
            self._waiting += 1
        self._slots.acquire()
        with self._state:
            self._waiting -= 1
            self._running += 1
            self.stats.peak_concurrency = max(self.stats.peak_concurrency, self._running)
        try:
            yield
        finally:
            with self._state:
                self._running -= 1
            self._slots.release()

    def invoke(self, event: Any) -> Invocation:
        request_id = str(uuid.uuid4())
        started = time.perf_counter()
        with self._slot():
            layered = environ.current()
            scope = layered.using(self.layer) if layered is not None else nullcontext()
            with scope, faults.invocation(self.spec.logical_id, request_id):
                cold = self._handler is None
                outcome = self._run(event, request_id)
            outcome.duration_ms = (time.perf_counter() - started) * 1000
            outcome.cold_start = cold
            self._record(outcome)
        return outcome

    def _run(self, event: Any, request_id: str) -> Invocation:
        name = self.spec.logical_id
        try:
            handler = self._load()
        except Exception as exc:
            log.error("λ %s: cannot import %s:\n%s", name, self.spec.handler, traceback.format_exc())
            return Invocation(name, request_id, False, error_type="Runtime.ImportModuleError", error_message=str(exc))
        context = LambdaContext(self.spec, request_id)
        try:
            payload = json.loads(json.dumps(event))
        except (TypeError, ValueError) as exc:
            return Invocation(name, request_id, False, error_type="Runtime.MarshalError", error_message=str(exc))
        try:
            result = handler(payload, context)
        except faults.InvocationCrash as exc:
            log.warning("λ %s: %s", name, exc)
            return Invocation(name, request_id, False, error_type="Runtime.ExitError", error_message=str(exc))
        except Exception as exc:
            log.warning("λ %s raised %s: %s\n%s", name, type(exc).__name__, exc, traceback.format_exc())
            return Invocation(name, request_id, False, error_type=type(exc).__name__, error_message=str(exc))
        if context.get_remaining_time_in_millis() == 0:
            log.warning("λ %s ran past its Timeout of %d s (not enforced locally)", name, self.spec.timeout_s)
        try:
            result = json.loads(json.dumps(result))
        except (TypeError, ValueError) as exc:
            return Invocation(name, request_id, False, error_type="Runtime.MarshalError", error_message=str(exc))
        return Invocation(name, request_id, True, result=result)

    def _load(self) -> Callable[[Any, Any], Any]:
        if self._handler is not None:
            return self._handler
        with self._import_lock:  # concurrent first invocations wait for one import
            if self._handler is None:
                root = str(self.code_root)
                if root not in sys.path:
                    sys.path.insert(0, root)
                started = time.perf_counter()
                module = importlib.import_module(self.spec.module_name)
                handler = getattr(module, self.spec.attribute, None)
                if not callable(handler):
                    raise ImportError(f"{self.spec.module_name} has no callable {self.spec.attribute!r}")
                log.info(
                    "λ %s: cold start, imported %s in %.0f ms",
                    self.spec.logical_id,
                    self.spec.handler,
                    (time.perf_counter() - started) * 1000,
                )
                self._module, self._handler = module, handler
                with self._state:
                    self.stats.cold_starts += 1
        return self._handler

    def _record(self, outcome: Invocation) -> None:
        with self._state:
            self.stats.invocations += 1
            if not outcome.ok:
                self.stats.errors += 1
                self.stats.last_error = f"{outcome.error_type}: {outcome.error_message}"
                if outcome.error_type == "Runtime.ExitError":
                    self.stats.crashes += 1
        log.debug(
            "λ %s %s %.1f ms%s",
            self.spec.logical_id,
            "ok" if outcome.ok else f"failed ({outcome.error_type})",
            outcome.duration_ms,
            " (cold)" if outcome.cold_start else "",
        )
