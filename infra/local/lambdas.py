"""Lambda functions from the template, run in this process, concurrently.

Invocations run concurrently up to the function's concurrency (its ``ReservedConcurrentExecutions``,
else the runtime's default); more wait for a slot (Lambda would throttle; locally they queue, so
that a burst does not turn into spurious failures). Like Lambda, each concurrent invocation runs in
an execution environment of its own that handles one invocation at a time and is reused warm: here
an environment is a separate instance of the handler module (the first one is the module as
imported; more are loaded from the same file under another name when concurrency needs them), so
module-level state that Lambda keeps per environment (a Powertools ``BatchProcessor``, an
``APIGatewayRestResolver`` and its current event) is never shared by two running invocations.
Modules the handler imports are shared, as one process shares them. Creating an environment is a
cold start. Each function sees its own ``Environment.Variables``
through a per-thread layer over ``os.environ`` (``infra.local.environ``), at import and at every
invocation, without blocking any other function. Events and results go through JSON, as they do in
Lambda, so a handler that returns something JSON cannot carry (a ``Decimal``, a ``datetime``) fails
here too. An injected crash (``faults.InvocationCrash``) ends the invocation as a runtime exit.
"""

from __future__ import annotations

import importlib
import importlib.util
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
class ExecutionEnvironment:
    """One instance of the handler module: runs one invocation at a time."""

    index: int
    module: ModuleType
    handler: Callable[[Any, Any], Any]
    invocations: int = 0


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
        self._environments: list[ExecutionEnvironment] = []
        self._idle: list[ExecutionEnvironment] = []
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
        """The handler module of the first execution environment (None before the first cold start)."""
        return self._environments[0].module if self._environments else None

    @property
    def environments(self) -> int:
        return len(self._environments)

    def module_names(self) -> list[str]:
        """Names under which environments were loaded (to unload when the runtime stops)."""
        return [env.module.__name__ for env in self._environments]

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
                environment, cold, problem = self._checkout()
                try:
                    if problem is not None:
                        outcome = problem
                        outcome.request_id = request_id
                    else:
                        assert environment is not None
                        outcome = self._run(environment, event, request_id)
                finally:
                    if environment is not None:
                        self._checkin(environment)
            outcome.duration_ms = (time.perf_counter() - started) * 1000
            outcome.cold_start = cold
            self._record(outcome)
        return outcome

    def _run(self, environment: ExecutionEnvironment, event: Any, request_id: str) -> Invocation:
        name = self.spec.logical_id
        handler = environment.handler
        environment.invocations += 1
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

    # -- execution environments -------------------------------------------------------------------
    def _checkout(self) -> tuple[ExecutionEnvironment | None, bool, Invocation | None]:
        """(a warm environment or a new one, whether it is a cold start, or the import error)."""
        with self._state:
            if self._idle:
                return self._idle.pop(), False, None
        try:
            environment = self._cold_start()
        except Exception as exc:
            log.error("λ %s: cannot import %s:\n%s", self.spec.logical_id, self.spec.handler, traceback.format_exc())
            failure = Invocation(
                self.spec.logical_id, "", False, error_type="Runtime.ImportModuleError", error_message=str(exc)
            )
            return None, True, failure
        return environment, True, None

    def _checkin(self, environment: ExecutionEnvironment) -> None:
        with self._state:
            self._idle.append(environment)  # last in, first out: the warmest is reused first

    def _cold_start(self) -> ExecutionEnvironment:
        root = str(self.code_root)
        if root not in sys.path:
            sys.path.insert(0, root)
        started = time.perf_counter()
        with self._import_lock:
            index = len(self._environments) + 1
            if index == 1:
                module = importlib.import_module(self.spec.module_name)
            else:
                module = self._load_copy(f"{self.spec.module_name}__local_env{index}")
            handler = getattr(module, self.spec.attribute, None)
            if not callable(handler):
                raise ImportError(f"{self.spec.module_name} has no callable {self.spec.attribute!r}")
            environment = ExecutionEnvironment(index, module, handler)
            with self._state:
                self._environments.append(environment)
                self.stats.cold_starts += 1
        log.info(
            "λ %s: cold start of environment %d, imported %s in %.0f ms",
            self.spec.logical_id,
            index,
            self.spec.handler,
            (time.perf_counter() - started) * 1000,
        )
        return environment

    def _load_copy(self, alias: str) -> ModuleType:
        """Another instance of the handler module, from its file (its own imports stay shared)."""
        path = self.module_file()
        if path is None:
            raise ImportError(f"handler module {self.spec.module_name} not found under {self.code_root}")
        locations = [str(path.parent)] if path.name == "__init__.py" else None
        spec = importlib.util.spec_from_file_location(alias, path, submodule_search_locations=locations)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {path}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[alias] = module  # as an import would: pydantic and dataclasses look modules up there
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(alias, None)
            raise
        return module

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
