"""``LocalRuntime``: moto in server mode + the template deployed into it + functions, API and event
source mappings emulated in this process. One runtime per process at a time (moto's state is global).

    with LocalRuntime("cdk.out/Newsroom.template.json") as runtime:
        requests.post(f"{runtime.api_url}/articles", headers={"x-api-key": runtime.api_key}, ...)
        runtime.wait_idle(10)
"""

from __future__ import annotations

import logging
import os
import re
import socket
import sys
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Final

import boto3
from moto.server import ThreadedMotoServer

from infra.local.apigw import RestApi, rest_apis
from infra.local.deploy import DeployedResource, Deployer, Deployment
from infra.local.lambdas import FunctionSpec, LocalFunction
from infra.local.patterns import PatternError, parse_filters
from infra.local.pollers import (
    AsyncTargetPoller,
    Poller,
    SqsPoller,
    SqsSettings,
    StreamPoller,
    StreamSettings,
)
from infra.local.server import SITE_PREFIX, ApiGateway, LocalServer, SiteBucket, landing_page
from infra.local.template import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, Template

log = logging.getLogger(__name__)

REPO_ROOT: Final = Path(__file__).resolve().parents[2]
DEFAULT_TEMPLATE: Final = "cdk.out/Newsroom.template.json"
DEFAULT_API_KEY: Final = "local-dev-key"
HOST: Final = "127.0.0.1"  # loopback only, never a public interface
_DUMMY_CREDENTIAL: Final = "testing"  # moto accepts anything; never a real credential
# Types that may name a function's ARN without being a trigger (permissions, policies, logs, alarms).
_NOT_TRIGGERS: Final = (
    "AWS::IAM::",
    "AWS::Logs::",
    "AWS::CloudWatch::",
    "AWS::SQS::QueuePolicy",
    "AWS::SNS::TopicPolicy",
)
_NOT_TRIGGER_TYPES: Final = frozenset(
    {
        "AWS::Lambda::Permission",
        "AWS::Lambda::Version",
        "AWS::Lambda::Alias",
        "AWS::Lambda::EventInvokeConfig",
    }
)


class WiringError(RuntimeError):
    """Something in the template that should run locally cannot be wired (see ``Wiring.unwired``)."""


@dataclass(frozen=True)
class WiredFunction:
    logical_id: str
    name: str
    handler: str
    module_file: str | None
    triggers: tuple[str, ...]


@dataclass(frozen=True)
class WiredTrigger:
    logical_id: str  # the ESM, rule or method
    kind: str  # "api", "sqs", "dynamodb-stream", "rule→sqs", "rule→lambda"
    source: str  # queue/stream ARN, "GET /articles/{id}", rule name
    target: str  # function logical id or queue logical id
    detail: str = ""


@dataclass(frozen=True)
class Wiring:
    """What of the template runs locally, what is deliberately not emulated, and what is missing."""

    functions: tuple[WiredFunction, ...]
    triggers: tuple[WiredTrigger, ...]
    not_emulated: Mapping[str, tuple[str, ...]]
    unwired: tuple[str, ...]
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        lines = [f"functions: {', '.join(f.logical_id for f in self.functions) or '-'}"]
        lines += [f"  {t.kind:<16} {t.source} → {t.target} {t.detail}".rstrip() for t in self.triggers]
        if self.not_emulated:
            lines.append("not emulated (no local meaning):")
            lines += [f"  {type_}: {', '.join(ids)}" for type_, ids in self.not_emulated.items()]
        lines += [f"note: {note}" for note in self.notes]
        lines += [f"UNWIRED: {problem}" for problem in self.unwired]
        return "\n".join(lines)


@dataclass
class _Parts:
    functions: dict[str, LocalFunction] = field(default_factory=dict)
    skipped_functions: dict[str, str] = field(default_factory=dict)
    pollers: list[Poller] = field(default_factory=list)
    triggers: list[WiredTrigger] = field(default_factory=list)
    unwired: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class LocalRuntime:
    """The template running locally. ``start()`` / ``stop()`` (or ``with``), then:

    ``api_url`` (with the stage, like an invoke URL), ``site_url``, ``moto_url``, ``base_url``;
    ``client(service)`` for boto3 against moto; ``wiring()``; ``wait_idle(timeout)``;
    ``invoke(function, event)``; ``functions``, ``pollers``, ``deployment``, ``api``.
    Everything listens on 127.0.0.1 only; port 0 picks a free port.
    """

    _running: ClassVar[LocalRuntime | None] = None

    def __init__(
        self,
        template_path: str | Path = DEFAULT_TEMPLATE,
        *,
        port: int = 0,
        moto_port: int = 0,
        api_key: str = DEFAULT_API_KEY,
        code_root: str | Path | None = None,
        stack_name: str | None = None,
        region: str = DEFAULT_REGION,
        retry_delay_s: float = 1.0,
        parameters: Mapping[str, Any] | None = None,
        strict: bool = True,
    ) -> None:
        self.template_path = Path(template_path)
        self.code_root = Path(code_root).resolve() if code_root else REPO_ROOT
        self.stack_name = stack_name or self.template_path.name.split(".")[0]
        self.api_key, self.region, self.host = api_key, region, HOST
        self.retry_delay_s, self.strict = retry_delay_s, strict
        self._requested_port, self._requested_moto_port = port, moto_port
        self._parameters = dict(parameters or {})
        self._moto: Any = None
        self._server: LocalServer | None = None
        self._saved_env: dict[str, str | None] = {}
        self._werkzeug_level: int | None = None
        self.session: boto3.session.Session | None = None
        self.deployment: Deployment | None = None
        self.api: RestApi | None = None
        self.site_bucket: str | None = None
        self.startup_s: float | None = None
        self._parts = _Parts()
        self._wiring: Wiring | None = None

    # -- URLs -------------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return self._require(self._server, "server").port

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """The API's invoke URL (with its stage, as in AWS)."""
        return self.base_url + (self.api.base_path if self.api else "")

    @property
    def site_url(self) -> str:
        return self.base_url + SITE_PREFIX

    @property
    def moto_url(self) -> str:
        host, port = self._require(self._moto, "moto").get_host_and_port()
        return f"http://{host}:{port}"

    @property
    def functions(self) -> dict[str, LocalFunction]:
        return dict(self._parts.functions)

    @property
    def pollers(self) -> list[Poller]:
        return list(self._parts.pollers)

    def client(self, service: str) -> Any:
        """A boto3 client pointed at this runtime's moto."""
        session = self._require(self.session, "session")
        return session.client(service, endpoint_url=self.moto_url)

    def wiring(self) -> Wiring:
        return self._require(self._wiring, "wiring")

    @staticmethod
    def _require(value: Any, what: str) -> Any:
        if value is None:
            raise RuntimeError(f"the local runtime is not started ({what} missing)")
        return value

    def __enter__(self) -> LocalRuntime:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- lifecycle --------------------------------------------------------------------------------
    def start(self) -> LocalRuntime:
        if LocalRuntime._running is not None:
            raise RuntimeError("a LocalRuntime is already running in this process (moto's state is global)")
        started = time.perf_counter()
        template = Template.load(self.template_path)  # fail on a bad template before starting anything
        LocalRuntime._running = self
        try:
            self._start_moto()
            self._set_process_environment()
            self.session = boto3.session.Session(
                aws_access_key_id=_DUMMY_CREDENTIAL,
                aws_secret_access_key=_DUMMY_CREDENTIAL,
                region_name=self.region,
            )
            deployer = Deployer(
                template,
                self.session,
                self.moto_url,
                stack_name=self.stack_name,
                region=self.region,
                account_id=DEFAULT_ACCOUNT_ID,
                parameters=self._parameters,
            )
            self.deployment = deployer.deploy()
            self._server = LocalServer(
                self.host,
                self._requested_port,
                gateway=None,
                site=SiteBucket(self.client("s3"), None),
                landing=self._landing,
                wiring=lambda: self.wiring().as_dict(),
            )
            self._wire(self.deployment)
            wiring = self.wiring()
            if wiring.unwired and self.strict:
                raise WiringError("not wired locally:\n  " + "\n  ".join(wiring.unwired))
            for poller in self._parts.pollers:
                poller.start()
            self._server.start()
        except BaseException:
            self.stop()
            raise
        self.startup_s = time.perf_counter() - started
        log.info("local runtime up in %.2f s: API %s, moto %s", self.startup_s, self.api_url, self.moto_url)
        return self

    def stop(self) -> None:
        """Stop pollers, the HTTP server and moto (its state is reset); restore the environment."""
        for poller in self._parts.pollers:
            poller.stop()
        for poller in self._parts.pollers:
            if not poller.join(5):
                log.warning("poller %s did not stop within 5 s", poller.name)
        if self._server is not None:
            self._server.stop()
        if self._moto is not None:
            try:
                self._reset_moto()
            except OSError as exc:
                log.warning("could not reset moto: %s", exc)
            self._moto.stop()
            self._moto = None
        for function in self._parts.functions.values():
            sys.modules.pop(function.spec.module_name, None)  # the next runtime gets a real cold start
        self._restore_process_environment()
        if LocalRuntime._running is self:
            LocalRuntime._running = None

    def _start_moto(self) -> None:
        self._werkzeug_level = logging.getLogger("werkzeug").level
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
        _ensure_port_free(self.host, self._requested_moto_port)
        self._moto = ThreadedMotoServer(ip_address=self.host, port=self._requested_moto_port, verbose=False)
        self._moto.start()
        self._reset_moto()  # moto's state is per process: start from nothing, even after in-process mocks

    def _reset_moto(self) -> None:
        reset = urllib.request.Request(f"{self.moto_url}/moto-api/reset", method="POST")  # noqa: S310
        urllib.request.urlopen(reset, timeout=5).close()  # noqa: S310 - our own loopback moto

    def _set_process_environment(self) -> None:
        values = {
            "AWS_ENDPOINT_URL": self.moto_url,
            "AWS_ACCESS_KEY_ID": _DUMMY_CREDENTIAL,
            "AWS_SECRET_ACCESS_KEY": _DUMMY_CREDENTIAL,
            "AWS_SESSION_TOKEN": _DUMMY_CREDENTIAL,
            "AWS_SECURITY_TOKEN": _DUMMY_CREDENTIAL,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
            "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
            "AWS_EC2_METADATA_DISABLED": "true",
        }
        removed = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")
        self._saved_env = {key: os.environ.get(key) for key in (*values, *removed)}
        os.environ.update(values)
        for key in removed:
            os.environ.pop(key, None)
        boto3.DEFAULT_SESSION = None  # a default session made earlier may hold other credentials

    def _restore_process_environment(self) -> None:
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved_env = {}
        boto3.DEFAULT_SESSION = None
        if self._werkzeug_level is not None:
            logging.getLogger("werkzeug").setLevel(self._werkzeug_level)
            self._werkzeug_level = None

    # -- wiring -------------------------------------------------------------------------------------
    def _wire(self, deployment: Deployment) -> None:
        parts = self._parts = _Parts(notes=list(deployment.notes))
        server = self._require(self._server, "server")
        overrides = {"SITE_BASE_URL": f"http://{self.host}:{server.port}{SITE_PREFIX}"}
        for resource in deployment.of_type("AWS::Lambda::Function"):
            self._wire_function(resource, overrides)
        self._wire_custom_resource_providers(deployment)
        self._wire_site(deployment, server)
        self._wire_api(deployment, server)
        for mapping in deployment.of_type("AWS::Lambda::EventSourceMapping"):
            self._wire_event_source(deployment, mapping)
        self._wire_rules(deployment)
        self._find_unemulated_triggers(deployment)
        modules: dict[str, str] = {}
        for function in parts.functions.values():
            other = modules.setdefault(function.spec.module_name, function.spec.logical_id)
            if other != function.spec.logical_id:
                parts.notes.append(
                    f"{function.spec.logical_id} and {other} share module {function.spec.module_name}: "
                    "it is imported once, with the environment of the first one invoked"
                )
        self._wiring = self._wiring_report(deployment)

    def _wire_function(self, resource: DeployedResource, overrides: Mapping[str, str]) -> None:
        props = resource.properties
        environment = {k: _env_text(v) for k, v in ((props.get("Environment") or {}).get("Variables") or {}).items()}
        environment.update({k: v for k, v in overrides.items() if k in environment})
        spec = FunctionSpec(
            logical_id=resource.logical_id,
            name=str(resource.physical_id),
            arn=resource.attributes["Arn"],
            handler=str(props.get("Handler", "")),
            runtime=str(props.get("Runtime", "")),
            memory_mb=int(props.get("MemorySize", 128)),
            timeout_s=int(props.get("Timeout", 3)),
            environment=environment,
        )
        function = LocalFunction(spec, self.code_root, runtime_environment={"AWS_REGION": self.region})
        if not spec.is_python:
            self._parts.skipped_functions[resource.logical_id] = f"runtime {spec.runtime or '(none)'}"
            return
        problem = function.problem()
        if problem:
            self._parts.unwired.append(f"{resource.logical_id}: {problem}")
        self._parts.functions[resource.logical_id] = function

    def _wire_custom_resource_providers(self, deployment: Deployment) -> None:
        """Functions that only back deploy-time custom resources have nothing to do locally."""
        for resource in deployment.resources.values():
            if resource.type.startswith("Custom::") or resource.type == "AWS::CloudFormation::CustomResource":
                provider = deployment.function_for(str(resource.properties.get("ServiceToken", "")))
                if provider is not None and provider.logical_id in self._parts.functions:
                    function = self._parts.functions.pop(provider.logical_id)
                    self._parts.unwired = [
                        p for p in self._parts.unwired if not p.startswith(provider.logical_id + ":")
                    ]
                    self._parts.skipped_functions[provider.logical_id] = (
                        f"custom resource provider ({function.spec.handler})"
                    )

    def _wire_site(self, deployment: Deployment, server: LocalServer) -> None:
        names = {f.spec.environment.get("SITE_BUCKET") for f in self._parts.functions.values()} - {None}
        buckets = {b.physical_id for b in deployment.of_type("AWS::S3::Bucket")}
        site = next((name for name in sorted(n for n in names if n) if name in buckets), None)
        if site is None:
            site = next(
                (b.physical_id for b in deployment.of_type("AWS::S3::Bucket") if "site" in b.logical_id.lower()),
                None,
            )
        self.site_bucket = site
        server.site.bucket = site
        if site is None:
            self._parts.notes.append("no site bucket (no function has SITE_BUCKET): /site/ serves nothing")

    def _wire_api(self, deployment: Deployment, server: LocalServer) -> None:
        apis = rest_apis(deployment)
        if not apis:
            return
        self.api = apis[0]
        for extra in apis[1:]:
            self._parts.unwired.append(f"{extra.logical_id}: only one RestApi per template is emulated")
        self._parts.unwired.extend(self.api.problems)
        server.gateway = ApiGateway(self.api, self._parts.functions, self.api_key)
        for route in self.api.routes:
            if route.authorization_type not in ("NONE", "AWS_IAM"):
                self._parts.notes.append(
                    f"{route.logical_id}: authorizer {route.authorization_type} is not enforced locally"
                )
            detail = "api key" if route.api_key_required else ""
            if route.integration_type == "MOCK":
                target = "MOCK"
            elif route.function is not None:
                target = route.function
                if route.function not in self._parts.functions:
                    self._parts.unwired.append(f"{route.logical_id}: function {route.function} cannot run locally")
            else:
                continue
            self._parts.triggers.append(
                WiredTrigger(route.logical_id, "api", f"{route.http_method} {route.resource_path}", target, detail)
            )

    def _wire_event_source(self, deployment: Deployment, mapping: DeployedResource) -> None:
        props, lid, parts = mapping.properties, mapping.logical_id, self._parts
        target = deployment.function_for(str(props.get("FunctionName", "")))
        function = parts.functions.get(target.logical_id) if target else None
        if function is None:
            parts.unwired.append(f"{lid}: function {props.get('FunctionName')} cannot run locally")
            return
        source_arn = str(props.get("EventSourceArn", ""))
        try:
            filters = parse_filters(props.get("FilterCriteria"))
        except PatternError as exc:
            parts.unwired.append(f"{lid}: {exc}")
            return
        response_types = props.get("FunctionResponseTypes") or []
        report = "ReportBatchItemFailures" in response_types
        window = float(props.get("MaximumBatchingWindowInSeconds", 0))
        enabled = props.get("Enabled", True) not in (False, "false", "False")
        sqs = self.client("sqs")
        queue = deployment.find_by_arn(source_arn, "AWS::SQS::Queue")
        table = next(
            (
                t
                for t in deployment.of_type("AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable")
                if t.attributes.get("StreamArn") == source_arn
            ),
            None,
        )
        poller: Poller
        if queue is not None:
            settings = SqsSettings(
                batch_size=int(props.get("BatchSize", 10)),
                window_s=window,
                report_batch_item_failures=report,
                filters=filters,
                retry_delay_s=self.retry_delay_s,
            )
            poller = SqsPoller(
                lid,
                function,
                sqs=sqs,
                queue_url=queue.physical_id,
                queue_arn=source_arn,
                region=self.region,
                settings=settings,
            )
            kind, source = "sqs", queue.logical_id
        elif table is not None:
            on_failure = ((props.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
            failure_queue = deployment.find_by_arn(str(on_failure), "AWS::SQS::Queue") if on_failure else None
            if on_failure and failure_queue is None:
                parts.unwired.append(f"{lid}: on-failure destination {on_failure} is not an emulated queue")
            settings_s = StreamSettings(
                batch_size=int(props.get("BatchSize", 100)),
                starting_position=str(props.get("StartingPosition", "TRIM_HORIZON")),
                window_s=window,
                filters=filters,
                bisect_on_error=str(props.get("BisectBatchOnFunctionError", False)).lower() == "true",
                max_retry_attempts=int(props.get("MaximumRetryAttempts", -1)),
                max_record_age_s=int(props.get("MaximumRecordAgeInSeconds", -1)),
                report_batch_item_failures=report,
                on_failure_queue_url=failure_queue.physical_id if failure_queue else None,
            )
            streams = self.client("dynamodbstreams")
            poller = StreamPoller(
                lid,
                function,
                streams=streams,
                sqs=sqs,
                stream_arn=source_arn,
                region=self.region,
                settings=settings_s,
            )
            kind, source = "dynamodb-stream", table.logical_id
        else:
            parts.unwired.append(f"{lid}: event source {source_arn} is not an emulated queue or table stream")
            return
        batch_size = settings.batch_size if queue is not None else settings_s.batch_size
        detail = ", ".join(
            item
            for item in (
                f"batch {batch_size}",
                "partial failures" if report else "",
                f"{len(filters)} filter(s)" if filters else "",
                "" if enabled else "disabled",
            )
            if item
        )
        parts.triggers.append(WiredTrigger(lid, kind, source, function.spec.logical_id, detail))
        if enabled:
            parts.pollers.append(poller)

    def _wire_rules(self, deployment: Deployment) -> None:
        parts = self._parts
        for target in deployment.rule_targets:
            source = f"{target.rule}/{target.target_id}"
            if target.kind == "sqs":
                queue = deployment.find_by_arn(target.arn, "AWS::SQS::Queue")
                parts.triggers.append(
                    WiredTrigger(target.rule, "rule→sqs", source, queue.logical_id if queue else target.arn)
                )
            elif target.kind == "lambda" and target.function in parts.functions and target.queue_url:
                function = parts.functions[target.function]
                settings = SqsSettings(batch_size=1, retry_delay_s=self.retry_delay_s)
                poller = AsyncTargetPoller(
                    source,
                    function,
                    sqs=self.client("sqs"),
                    queue_url=target.queue_url,
                    queue_arn=str(target.queue_arn),
                    region=self.region,
                    settings=settings,
                )
                parts.pollers.append(poller)
                parts.triggers.append(WiredTrigger(target.rule, "rule→lambda", source, target.function, "async"))
            else:
                parts.unwired.append(f"{target.rule}: target {target.arn} is not emulated")

    def _find_unemulated_triggers(self, deployment: Deployment) -> None:
        """Resources we do not emulate that point at a function (S3 notifications, schedules, SNS...)."""
        arns = {re.compile(re.escape(f.spec.arn) + r"(?![\w-])"): lid for lid, f in self._parts.functions.items()}
        for resource in deployment.resources.values():
            if resource.emulation != "none" or resource.type in _NOT_TRIGGER_TYPES:
                continue
            if resource.type.startswith(_NOT_TRIGGERS) or resource.type.startswith("Custom::"):
                continue
            text = repr(resource.properties)
            for arn, lid in arns.items():
                if arn.search(text):
                    self._parts.unwired.append(
                        f"{resource.logical_id} ({resource.type}) triggers {lid} but is not emulated"
                    )

    def _wiring_report(self, deployment: Deployment) -> Wiring:
        parts = self._parts
        not_emulated = {k: tuple(v) for k, v in deployment.not_emulated.items()}
        if parts.skipped_functions:
            skipped = tuple(f"{lid} ({why})" for lid, why in sorted(parts.skipped_functions.items()))
            not_emulated["AWS::Lambda::Function"] = skipped
        functions = tuple(
            WiredFunction(
                logical_id=lid,
                name=f.spec.name,
                handler=f.spec.handler,
                module_file=str(f.module_file()) if f.module_file() else None,
                triggers=tuple(t.logical_id for t in parts.triggers if t.target == lid),
            )
            for lid, f in parts.functions.items()
        )
        return Wiring(
            functions=functions,
            triggers=tuple(parts.triggers),
            not_emulated=dict(sorted(not_emulated.items())),
            unwired=tuple(parts.unwired),
            notes=tuple(parts.notes),
        )

    # -- observing ----------------------------------------------------------------------------------
    def invoke(self, function: str, event: Any) -> Any:
        """Invoke a function (logical id or name) directly, as ``aws lambda invoke`` would."""
        for lid, local in self._parts.functions.items():
            if function in (lid, local.spec.name):
                return local.invoke(event)
        raise KeyError(f"no local function {function}")

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """True once every event source is drained and nothing runs: source queues empty (nothing
        in flight or waiting to be retried), each stream read to its end, no invocation in flight.
        False if that does not happen within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        stream_pollers = [p for p in self._parts.pollers if isinstance(p, StreamPoller)]
        quiet_rounds = 0
        while time.monotonic() < deadline:
            marks = {p: p.cycles for p in stream_pollers}
            caught_up = all(p.wait_cycle(marks[p], max(0.0, deadline - time.monotonic())) for p in stream_pollers)
            if caught_up and self._quiet():
                quiet_rounds += 1
                if quiet_rounds >= 2:
                    return True
            else:
                quiet_rounds = 0
            time.sleep(0.02)
        return False

    def _quiet(self) -> bool:
        if any(f.in_flight for f in self._parts.functions.values()):
            return False
        if any(p.busy for p in self._parts.pollers):
            return False
        sqs = self.client("sqs")
        for poller in self._parts.pollers:
            if isinstance(poller, SqsPoller):
                attributes = sqs.get_queue_attributes(
                    QueueUrl=poller.queue_url,
                    AttributeNames=[
                        "ApproximateNumberOfMessages",
                        "ApproximateNumberOfMessagesNotVisible",
                        "ApproximateNumberOfMessagesDelayed",
                    ],
                )["Attributes"]
                if any(int(value) for value in attributes.values()):
                    return False
        return True

    def _landing(self) -> str:
        links = [
            ("API", self.api_url),
            ("site bucket", self.site_url + "/"),
            ("wiring", self.base_url + "/_local/wiring"),
            ("moto", self.moto_url),
        ]
        routes = [
            (r.http_method, self.api_url + r.resource_path, r.function or r.integration_type)
            for r in (self.api.routes if self.api else [])
        ]
        return landing_page(links, routes)


def _env_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _ensure_port_free(host: str, port: int) -> None:
    """moto's ThreadedMotoServer hangs in start() if it cannot bind: check first."""
    if port == 0:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise RuntimeError(f"cannot listen on {host}:{port} for moto: {exc}") from exc
