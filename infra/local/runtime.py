"""``LocalRuntime``: moto in server mode + the template deployed into it + functions, API, event
source mappings, schedules, authorizers and CloudFront behaviours emulated in this process. One
runtime per process at a time (moto's state is global).

    with LocalRuntime("cdk.out/Newsroom.template.json") as runtime:
        requests.post(f"{runtime.api_url}/articles", headers={"x-api-key": runtime.api_key}, ...)
        runtime.wait_idle(10)

Functions run concurrently (up to their reserved concurrency, else ``concurrency``); every request
to moto is serialized by one lock (``motoserver``) and moto's known gaps are fixed in one place
(``motofixes``). Faults can be injected into the AWS calls function code makes (``faults``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import socket
import sys
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any, ClassVar, Final

import boto3

from infra.local import environ, faults, motofixes
from infra.local.apigw import HttpRequest, RestApi, rest_apis, user_pools
from infra.local.cloudfront import Distribution, distributions
from infra.local.cognito import DEFAULT_TTL_S, MAX_TTL_S, TokenAuthority, UserPool
from infra.local.deploy import DeployedResource, Deployer, Deployment
from infra.local.faults import FaultInjector, FaultSettings, FaultSettingsError
from infra.local.idle import UnfinishedIndex, memory, scan_unfinished, unfinished_indexes
from infra.local.lambdas import DEFAULT_CONCURRENCY, FunctionSpec, LocalFunction
from infra.local.motoserver import LockedMotoServer, MotoState
from infra.local.patterns import PatternError, parse_filters
from infra.local.pollers import (
    AsyncTargetPoller,
    Poller,
    SqsPoller,
    SqsSettings,
    StreamPoller,
    StreamSettings,
)
from infra.local.scheduler import AsyncInvoker, RuleTargetSpec, ScheduledRule, SchedulerEmulator
from infra.local.server import (
    SITE_PREFIX,
    ApiGateway,
    LocalServer,
    Response,
    Site,
    SiteBucket,
    json_response,
    landing_page,
)
from infra.local.template import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, Template

log = logging.getLogger(__name__)

REPO_ROOT: Final = Path(__file__).resolve().parents[2]
DEFAULT_TEMPLATE: Final = "cdk.out/Newsroom.template.json"
DEFAULT_API_KEY: Final = "local-dev-key"
HOST: Final = "127.0.0.1"  # loopback only, never a public interface
_DUMMY_CREDENTIAL: Final = "testing"  # moto accepts anything; never a real credential
_IDLE_POLL_S: Final = 0.1
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
    concurrency: int = DEFAULT_CONCURRENCY


@dataclass(frozen=True)
class WiredTrigger:
    logical_id: str  # the ESM, rule or method
    # "api", "sqs", "dynamodb-stream", "rule→sqs", "rule→lambda", "schedule-rule→sqs|lambda",
    # "schedule→sqs|lambda|events|sdk", "authorizer", "cloudfront→s3|api"
    kind: str
    source: str  # queue/stream, "GET /articles/{id}", rule/target, schedule name, path pattern...
    target: str  # function, queue, bucket or API logical id (protected methods for an authorizer)
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
    ``client(service)`` for boto3 against moto (never faulted); ``wiring()``; ``idle()`` and
    ``wait_idle(timeout)``; ``invoke(function, event)``; ``mint_token(...)``; ``faults``;
    ``functions``, ``pollers``, ``deployment``, ``api``, ``scheduler``.
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
        concurrency: int = DEFAULT_CONCURRENCY,
        fault_settings: FaultSettings | None = None,
        rule_rate_scale: float = 1.0,
        scheduler_tick_s: float = 0.2,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        if rule_rate_scale <= 0:
            raise ValueError("rule_rate_scale must be positive")
        self.template_path = Path(template_path)
        self.code_root = Path(code_root).resolve() if code_root else REPO_ROOT
        self.stack_name = stack_name or self.template_path.name.split(".")[0]
        self.api_key, self.region, self.host = api_key, region, HOST
        self.retry_delay_s, self.strict = retry_delay_s, strict
        self.concurrency, self.rule_rate_scale, self.scheduler_tick_s = concurrency, rule_rate_scale, scheduler_tick_s
        self.faults = FaultInjector(fault_settings)
        self._requested_port, self._requested_moto_port = port, moto_port
        self._parameters = dict(parameters or {})
        self._moto: LockedMotoServer | None = None
        self._server: LocalServer | None = None
        self._saved_env: dict[str, str | None] = {}
        self._werkzeug_level: int | None = None
        self._environ_installed = False
        self.session: boto3.session.Session | None = None
        self.deployment: Deployment | None = None
        self.template: Template | None = None
        self.api: RestApi | None = None
        self.site_bucket: str | None = None
        self.distribution: Distribution | None = None
        self.user_pools: list[UserPool] = []
        self.authority: TokenAuthority | None = None
        self.scheduler: SchedulerEmulator | None = None
        self.invoker: AsyncInvoker | None = None
        self.unfinished: list[UnfinishedIndex] = []
        self.startup_s: float | None = None
        self.started_at: float | None = None
        self._state: MotoState | None = None
        self._parts = _Parts()
        self._wiring: Wiring | None = None
        self._clients: dict[str, Any] = {}

    # -- URLs -------------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return int(self._require(self._server, "server").port)

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
    def jwks_url(self) -> str:
        return self.base_url + "/_local/jwks.json"

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
        """A boto3 client pointed at this runtime's moto (the runtime's own: never faulted; cached)."""
        if service not in self._clients:
            session = self._require(self.session, "session")
            self._clients[service] = session.client(service, endpoint_url=self.moto_url)
        return self._clients[service]

    def wiring(self) -> Wiring:
        wiring: Wiring = self._require(self._wiring, "wiring")
        return wiring

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
            self.template = template
            self._start_moto()
            self._set_process_environment()
            self.session = boto3.session.Session(
                aws_access_key_id=_DUMMY_CREDENTIAL,
                aws_secret_access_key=_DUMMY_CREDENTIAL,
                region_name=self.region,
            )
            faults.mark_plumbing(self.session)
            faults.activate(self.faults)
            self._state = MotoState(DEFAULT_ACCOUNT_ID, self.region)
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
                site=Site(SiteBucket(self.client("s3"), None)),
                landing=self._landing,
                control=self._control(),
            )
            self._wire(self.deployment)
            wiring = self.wiring()
            if wiring.unwired and self.strict:
                raise WiringError("not wired locally:\n  " + "\n  ".join(wiring.unwired))
            for poller in self._parts.pollers:
                poller.start()
            if self.scheduler is not None:
                self.scheduler.start()
            self._server.start()
        except BaseException:
            self.stop()
            raise
        self.started_at = time.time()
        self.startup_s = time.perf_counter() - started
        log.info("local runtime up in %.2f s: API %s, moto %s", self.startup_s, self.api_url, self.moto_url)
        return self

    def stop(self) -> None:
        """Stop pollers, the scheduler, the HTTP server and moto (its state is reset); restore the
        process environment."""
        if self.scheduler is not None:
            self.scheduler.stop()
        for poller in self._parts.pollers:
            poller.stop()
        for poller in self._parts.pollers:
            if not poller.join(5):
                log.warning("poller %s did not stop within 5 s", poller.name)
        if self.scheduler is not None and not self.scheduler.join(5):
            log.warning("the scheduler did not stop within 5 s")
        if self.invoker is not None:
            self.invoker.stop()
        if self._server is not None:
            self._server.stop()
        faults.activate(None)
        if self._moto is not None:
            try:
                self._reset_moto()
            except OSError as exc:
                log.warning("could not reset moto: %s", exc)
            self._moto.stop()
            self._moto = None
        for function in self._parts.functions.values():
            for name in {function.spec.module_name, *function.module_names()}:
                sys.modules.pop(name, None)  # the next runtime gets a real cold start
        self._clients = {}
        self._restore_process_environment()
        if LocalRuntime._running is self:
            LocalRuntime._running = None

    def _start_moto(self) -> None:
        self._werkzeug_level = logging.getLogger("werkzeug").level
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
        _ensure_port_free(self.host, self._requested_moto_port)
        self._moto = LockedMotoServer(self.host, self._requested_moto_port)
        self._moto.start()
        self._reset_moto()  # moto's state is per process: start from nothing, even after in-process mocks
        motofixes.WORK.reset()

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
        environ.install()  # each function's variables over these, per thread
        self._environ_installed = True
        boto3.DEFAULT_SESSION = None  # a default session made earlier may hold other credentials

    def _restore_process_environment(self) -> None:
        if self._environ_installed:
            environ.uninstall()
            self._environ_installed = False
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
        self.user_pools = user_pools(deployment)
        if self.user_pools:
            self.authority = TokenAuthority()
        overrides = {"SITE_BASE_URL": f"http://{self.host}:{server.port}{SITE_PREFIX}"}
        jwks = {pool.jwks_url: f"http://{self.host}:{server.port}/_local/jwks.json" for pool in self.user_pools}
        for resource in deployment.of_type("AWS::Lambda::Function"):
            self._wire_function(resource, overrides, jwks)
        self._wire_custom_resource_providers(deployment)
        self._wire_api(deployment, server)
        self._wire_site(deployment, server)
        for mapping in deployment.of_type("AWS::Lambda::EventSourceMapping"):
            self._wire_event_source(deployment, mapping)
        self._wire_rules(deployment)
        self._wire_schedules(deployment)
        self._wire_unfinished(deployment)
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

    def _wire_function(self, resource: DeployedResource, overrides: Mapping[str, str], jwks: Mapping[str, str]) -> None:
        props = resource.properties
        environment = {k: _env_text(v) for k, v in ((props.get("Environment") or {}).get("Variables") or {}).items()}
        environment.update({k: v for k, v in overrides.items() if k in environment})
        environment.update({k: jwks[v] for k, v in environment.items() if v in jwks})  # Cognito's JWKS → ours
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
        reserved = props.get("ReservedConcurrentExecutions")
        concurrency = self.concurrency
        if reserved is not None:
            concurrency = max(1, int(reserved))
            if int(reserved) == 0:
                self._parts.notes.append(
                    f"{resource.logical_id}: ReservedConcurrentExecutions 0 throttles every invocation in AWS; "
                    "locally it runs one at a time"
                )
        function = LocalFunction(
            spec, self.code_root, runtime_environment={"AWS_REGION": self.region}, concurrency=concurrency
        )
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
        found = distributions(deployment, [self.api.api_id] if self.api else [])
        self.distribution = found[0] if found else None
        site = next((name for name in sorted(n for n in names if n) if name in buckets), None)
        if self.distribution is not None:
            default = self.distribution.behaviors[-1].origin if self.distribution.behaviors else None
            site = default.bucket if default is not None and default.kind == "s3" else site
            self._parts.unwired.extend(self.distribution.problems)
            self._wire_behaviors(deployment, self.distribution)
            for extra in found[1:]:
                self._parts.notes.append(f"{extra.logical_id}: only the first distribution is served (at /site/)")
        if site is None:
            site = next(
                (b.physical_id for b in deployment.of_type("AWS::S3::Bucket") if "site" in b.logical_id.lower()),
                None,
            )
        self.site_bucket = site
        server.site.bucket.bucket = site
        server.site.distribution = self.distribution
        if site is None:
            self._parts.notes.append("no site bucket (no function has SITE_BUCKET): /site/ serves nothing")

    def _wire_behaviors(self, deployment: Deployment, distribution: Distribution) -> None:
        buckets = {b.physical_id: b.logical_id for b in deployment.of_type("AWS::S3::Bucket")}
        for behavior in distribution.behaviors:
            origin = behavior.origin
            if origin.kind == "s3":
                target = buckets.get(origin.bucket, str(origin.bucket))
            elif origin.kind == "api":
                target = self.api.logical_id if self.api else origin.domain
            else:
                continue
            detail = ", ".join(
                item
                for item in (
                    f"origin path {origin.path}" if origin.path else "",
                    "GET/HEAD only" if origin.kind == "api" else "",
                )
                if item
            )
            self._parts.triggers.append(
                WiredTrigger(distribution.logical_id, f"cloudfront→{origin.kind}", behavior.pattern, target, detail)
            )
            for function in behavior.functions:
                self._parts.notes.append(
                    f"{distribution.logical_id} {behavior.pattern}: edge function {function} is not run locally"
                )

    def _wire_api(self, deployment: Deployment, server: LocalServer) -> None:
        apis = rest_apis(deployment)
        if not apis:
            return
        self.api = apis[0]
        for extra in apis[1:]:
            self._parts.unwired.append(f"{extra.logical_id}: only one RestApi per template is emulated")
        self._parts.unwired.extend(self.api.problems)
        server.gateway = ApiGateway(self.api, self._parts.functions, self.api_key, self.authority)
        for route in self.api.routes:
            details = ["api key" if route.api_key_required else ""]
            if route.authorization_type == "COGNITO_USER_POOLS":
                details.append("cognito")
            detail = ", ".join(d for d in details if d)
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
        for authorizer in self.api.authorizers.values():
            protected = sorted(r.logical_id for r in self.api.routes if r.authorizer_id == authorizer.authorizer_id)
            pools = ", ".join(p.logical_id for p in authorizer.pools) or "(no pool)"
            self._parts.triggers.append(
                WiredTrigger(
                    authorizer.logical_id,
                    "authorizer",
                    f"COGNITO_USER_POOLS {pools}",
                    ", ".join(protected) or "-",
                    f"header {authorizer.header}",
                )
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
            scaling = (props.get("ScalingConfig") or {}).get("MaximumConcurrency")
            concurrency = min(function.concurrency, int(scaling)) if scaling else function.concurrency
            settings = SqsSettings(
                batch_size=int(props.get("BatchSize", 10)),
                window_s=window,
                report_batch_item_failures=report,
                filters=filters,
                retry_delay_s=self.retry_delay_s,
                concurrency=concurrency,
                max_receive_count=_max_receive_count(queue),
            )
            poller = SqsPoller(
                lid,
                function,
                sqs=self.client("sqs"),
                queue_url=queue.physical_id,
                queue_arn=source_arn,
                region=self.region,
                settings=settings,
                faults=self.faults,
            )
            kind, source, batch_size = "sqs", queue.logical_id, settings.batch_size
            extra = f"{concurrency} concurrent batch(es)"
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
            state = self._require(self._state, "moto state")
            poller = StreamPoller(
                lid,
                function,
                streams=self.client("dynamodbstreams"),
                sqs=self.client("sqs"),
                stream_arn=source_arn,
                region=self.region,
                settings=settings_s,
                latest_sequence=state.latest_stream_sequence,
            )
            kind, source, batch_size = "dynamodb-stream", table.logical_id, settings_s.batch_size
            extra = "one batch per shard at a time"
        else:
            parts.unwired.append(f"{lid}: event source {source_arn} is not an emulated queue or table stream")
            return
        detail = ", ".join(
            item
            for item in (
                f"batch {batch_size}",
                "partial failures" if report else "",
                f"{len(filters)} filter(s)" if filters else "",
                extra,
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
            scheduled = "ScheduleExpression" in deployment.resources[target.rule].properties
            prefix = "schedule-rule" if scheduled else "rule"
            if target.kind == "sqs":
                queue = deployment.find_by_arn(target.arn, "AWS::SQS::Queue")
                parts.triggers.append(
                    WiredTrigger(target.rule, f"{prefix}→sqs", source, queue.logical_id if queue else target.arn)
                )
            elif target.kind == "lambda" and target.function in parts.functions and target.queue_url:
                function = parts.functions[target.function]
                settings = SqsSettings(batch_size=1, retry_delay_s=self.retry_delay_s, concurrency=function.concurrency)
                poller = AsyncTargetPoller(
                    source,
                    function,
                    sqs=self.client("sqs"),
                    queue_url=target.queue_url,
                    queue_arn=str(target.queue_arn),
                    region=self.region,
                    settings=settings,
                    faults=self.faults,
                )
                parts.pollers.append(poller)
                parts.triggers.append(WiredTrigger(target.rule, f"{prefix}→lambda", source, target.function, "async"))
            else:
                parts.unwired.append(f"{target.rule}: target {target.arn} is not emulated")

    def _scheduled_rules(self, deployment: Deployment) -> list[ScheduledRule]:
        rules = []
        for rule in deployment.of_type("AWS::Events::Rule"):
            expression = rule.properties.get("ScheduleExpression")
            if not expression:
                continue
            raw_targets = {str(t.get("Id")): t for t in rule.properties.get("Targets") or []}
            targets = tuple(
                RuleTargetSpec(
                    target_id=t.target_id,
                    arn=t.arn,
                    queue_url=t.queue_url,
                    input=raw_targets.get(t.target_id, {}).get("Input"),
                    input_path=raw_targets.get(t.target_id, {}).get("InputPath"),
                    input_transformer=raw_targets.get(t.target_id, {}).get("InputTransformer"),
                )
                for t in deployment.rule_targets
                if t.rule == rule.logical_id and t.kind in ("sqs", "lambda")
            )
            rules.append(
                ScheduledRule(
                    logical_id=rule.logical_id,
                    name=str(rule.physical_id).split("|")[-1],
                    arn=str(rule.attributes["Arn"]),
                    expression=str(expression),
                    enabled=str(rule.properties.get("State", "ENABLED")) == "ENABLED",
                    targets=targets,
                )
            )
            detail = f"every {expression}" + (
                f", {self.rule_rate_scale:g}x faster" if self.rule_rate_scale != 1 else ""
            )
            self._parts.notes.append(f"{rule.logical_id}: fired by the local scheduler ({detail})")
        return rules

    def _wire_schedules(self, deployment: Deployment) -> None:
        """Scheduled rules and EventBridge Scheduler schedules (template ones, and those created at run time)."""
        self.invoker = AsyncInvoker(self.retry_delay_s)
        state = self._require(self._state, "moto state")
        self.scheduler = SchedulerEmulator(
            read_schedules=state.schedules,
            client=self.client,
            function_for=self._function_by_arn,
            invoker=self.invoker,
            rules=self._scheduled_rules(deployment),
            account_id=DEFAULT_ACCOUNT_ID,
            region=self.region,
            rule_rate_scale=self.rule_rate_scale,
            retry_delay_s=self.retry_delay_s,
            tick_s=self.scheduler_tick_s,
        )
        for schedule in deployment.of_type("AWS::Scheduler::Schedule"):
            target = schedule.properties.get("Target") or {}
            arn = str(target.get("Arn", ""))
            kind, destination = self._schedule_target(deployment, arn)
            if kind == "unsupported":
                self._parts.unwired.append(f"{schedule.logical_id}: schedule target {arn} is not emulated")
                continue
            detail = str(schedule.properties.get("ScheduleExpression", ""))
            if target.get("DeadLetterConfig"):
                detail += ", DLQ"
            self._parts.triggers.append(
                WiredTrigger(schedule.logical_id, f"schedule→{kind}", str(schedule.physical_id), destination, detail)
            )

    def _schedule_target(self, deployment: Deployment, arn: str) -> tuple[str, str]:
        if arn.startswith("arn:aws:scheduler:::aws-sdk:"):
            return "sdk", arn.removeprefix("arn:aws:scheduler:::aws-sdk:")
        queue = deployment.find_by_arn(arn, "AWS::SQS::Queue")
        if queue is not None:
            return "sqs", queue.logical_id
        function = deployment.function_for(arn) if ":lambda:" in arn else None
        if function is not None and function.logical_id in self._parts.functions:
            return "lambda", function.logical_id
        bus = deployment.find_by_arn(arn, "AWS::Events::EventBus")
        if bus is not None or ":event-bus/" in arn:
            return "events", bus.logical_id if bus else arn
        return "unsupported", arn

    def _function_by_arn(self, arn: str) -> LocalFunction | None:
        deployment = self._require(self.deployment, "deployment")
        resource = deployment.function_for(arn)
        return self._parts.functions.get(resource.logical_id) if resource is not None else None

    def _wire_unfinished(self, deployment: Deployment) -> None:
        template = self._require(self.template, "template")
        self.unfinished, problems = unfinished_indexes(template, deployment)
        self._parts.unwired.extend(problems)
        for index in self.unfinished:
            self._parts.notes.append(f"{index.label}: unfinished work whose time has come keeps the runtime busy")

    def _find_unemulated_triggers(self, deployment: Deployment) -> None:
        """Resources we do not emulate that point at a function (S3 notifications, SNS, pipes...)."""
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
                concurrency=f.concurrency,
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

    def idle(self) -> dict[str, Any]:
        """``{"idle": bool, ...}``: idle only when no message (visible, in flight or delayed) waits on a
        queue something polls, every stream mapping has handled its stream to the end, no invocation
        runs, no schedule is due or retrying, and no unfinished work's time has come."""
        reasons: list[str] = []
        invocations = {lid: f.in_flight for lid, f in self._parts.functions.items() if f.in_flight}
        reasons += [f"function {lid}: {n} invocation(s) in flight" for lid, n in invocations.items()]
        queues, parked = self._queue_depths()
        reasons += [f"queue {name}: {sum(depth.values())} message(s) {depth}" for name, depth in queues.items()]
        streams = {}
        for poller in self._parts.pollers:
            if isinstance(poller, StreamPoller):
                pending = poller.pending()
                streams[poller.name] = pending
                if pending:
                    reasons.append(f"stream mapping {poller.name}: records not yet handled")
        schedules = self.scheduler.pending() if self.scheduler else {}
        for key in ("due", "retrying", "async_invocations"):
            if schedules.get(key):
                reasons.append(f"schedules: {schedules[key]} {key.replace('_', ' ')}")
        unfinished, upcoming = {}, [schedules.get("next_due_at")]
        now = dt.datetime.now(dt.UTC)
        for index in self.unfinished:
            found = scan_unfinished(self.client("dynamodb"), index, now)
            unfinished[index.label] = found
            upcoming.append(found["next_due_at"])
            if found["due"]:
                reasons.append(f"unfinished work {index.label}: {found['due']} item(s) due")
        busy_pollers = [p.name for p in self._parts.pollers if isinstance(p, SqsPoller) and p.busy]
        reasons += [f"poller {name}: batch in progress" for name in busy_pollers]
        future = [moment for moment in upcoming if moment]
        return {
            "idle": not reasons,
            "reasons": reasons,
            "invocations": invocations,
            "queues": queues,
            "streams": streams,
            "schedules": schedules,
            "unfinished": unfinished,
            "next_due_at": min(future) if future else None,
            "parked": parked,
            "memory": memory(),
        }

    def _queue_depths(self) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
        """(queues something polls that hold messages, visible messages in queues nothing polls)."""
        deployment = self._require(self.deployment, "deployment")
        polled = {p.queue_url for p in self._parts.pollers if isinstance(p, SqsPoller)}
        names = {q.physical_id: q.logical_id for q in deployment.of_type("AWS::SQS::Queue")}
        sqs = self.client("sqs")
        busy: dict[str, dict[str, int]] = {}
        parked: dict[str, int] = {}
        for url in sorted({*polled, *names}):
            attributes = sqs.get_queue_attributes(
                QueueUrl=url,
                AttributeNames=[
                    "ApproximateNumberOfMessages",
                    "ApproximateNumberOfMessagesNotVisible",
                    "ApproximateNumberOfMessagesDelayed",
                ],
            )["Attributes"]
            depth = {
                "visible": int(attributes.get("ApproximateNumberOfMessages", 0)),
                "in_flight": int(attributes.get("ApproximateNumberOfMessagesNotVisible", 0)),
                "delayed": int(attributes.get("ApproximateNumberOfMessagesDelayed", 0)),
            }
            name = names.get(url, url.rsplit("/", 1)[-1])
            if url in polled:
                if any(depth.values()):
                    busy[name] = depth
            elif any(depth.values()):
                parked[name] = sum(depth.values())
        return busy, parked

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """True once ``idle()`` holds twice in a row (``_IDLE_POLL_S`` apart); False after ``timeout`` s."""
        deadline = time.monotonic() + timeout
        quiet = 0
        while time.monotonic() < deadline:
            quiet = quiet + 1 if self.idle()["idle"] else 0
            if quiet >= 2:
                return True
            time.sleep(_IDLE_POLL_S)
        return False

    def stats(self) -> dict[str, Any]:
        """Counters for load tests: invocations, pollers, schedules, faults, moto's lock, memory."""
        functions = {
            lid: {
                **asdict(f.stats),
                "concurrency": f.concurrency,
                "environments": f.environments,
                "in_flight": f.in_flight,
            }
            for lid, f in self._parts.functions.items()
        }
        pollers = {}
        for poller in self._parts.pollers:
            entry: dict[str, Any] = {"kind": poller.kind, "batches": poller.batches, "failures": poller.failures}
            if isinstance(poller, SqsPoller):
                entry["peak_concurrent_batches"] = poller.peak_batches
            if isinstance(poller, StreamPoller):
                entry["discarded"] = poller.discarded
                entry["iterator_refreshes"] = poller.refreshes
            pollers[poller.name] = entry
        moto = self._moto.stats.as_dict() if self._moto else {}
        work = motofixes.WORK
        return {
            "uptime_s": round(time.time() - self.started_at, 1) if self.started_at else 0,
            "functions": functions,
            "pollers": pollers,
            "scheduler": self.scheduler.stats.as_dict() if self.scheduler else {},
            "async_invocations": {"invoked": self.invoker.invoked, "dropped": self.invoker.dropped}
            if self.invoker
            else {},
            "faults": self.faults.report(),
            "moto": {
                **moto,
                "transactions": work.transactions,
                "transactions_replayed": work.replayed,
                "items_copied": work.items_copied,
            },
            "memory": memory(),
        }

    # -- tokens -------------------------------------------------------------------------------------
    def mint_token(
        self,
        roles: list[str] | str | None = None,
        *,
        subject: str | None = None,
        username: str | None = None,
        ttl_s: int = DEFAULT_TTL_S,
        pool: str | None = None,
        token_use: str = "id",  # noqa: S107 - a Cognito claim name, not a password
        scopes: list[str] | None = None,
    ) -> str:
        """A token the local API accepts for ``roles`` (groups of the pool; None: every group)."""
        authority = self.authority
        if authority is None or not self.user_pools:
            raise LookupError("no Cognito user pool in this template")
        chosen = self.user_pools[0]
        if pool is not None:
            chosen = next((p for p in self.user_pools if pool in (p.logical_id, p.pool_id)), None)  # type: ignore[assignment]
            if chosen is None:
                raise ValueError(f"no user pool {pool}; pools: {[p.logical_id for p in self.user_pools]}")
        groups = list(chosen.groups) if roles is None else ([roles] if isinstance(roles, str) else list(roles))
        unknown = [g for g in groups if g not in chosen.groups]
        if unknown:
            raise ValueError(f"unknown role(s) {unknown}; groups of {chosen.logical_id}: {list(chosen.groups)}")
        if not 0 < ttl_s <= MAX_TTL_S:
            raise ValueError(f"ttl_s must be from 1 to {MAX_TTL_S}")
        if token_use not in ("id", "access"):
            raise ValueError("token_use must be 'id' or 'access'")
        return authority.mint(
            chosen,
            groups=groups,
            subject=subject,
            username=username,
            ttl_s=ttl_s,
            token_use=token_use,
            scopes=scopes or (),
        )

    # -- HTTP control endpoints ---------------------------------------------------------------------
    def _control(self) -> dict[tuple[str, str], Any]:
        return {
            ("GET", "/_local/wiring"): lambda request: json_response(HTTPStatus.OK, self.wiring().as_dict()),
            ("GET", "/_local/idle"): lambda request: json_response(HTTPStatus.OK, self.idle()),
            ("GET", "/_local/stats"): lambda request: json_response(HTTPStatus.OK, self.stats()),
            ("GET", "/_local/faults"): lambda request: json_response(HTTPStatus.OK, self.faults.report()),
            ("PUT", "/_local/faults"): self._put_faults,
            ("GET", "/_local/jwks.json"): self._get_jwks,
            ("POST", "/_local/token"): self._post_token,
        }

    def _put_faults(self, request: HttpRequest) -> Response:
        try:
            body = json.loads(request.body or b"{}")
            self.faults.update(body)
        except (ValueError, FaultSettingsError) as exc:
            return json_response(HTTPStatus.BAD_REQUEST, {"message": str(exc)})
        log.info("fault settings now %s", self.faults.settings.as_dict())
        return json_response(HTTPStatus.OK, self.faults.report())

    def _get_jwks(self, request: HttpRequest) -> Response:
        if self.authority is None:
            return json_response(HTTPStatus.NOT_FOUND, {"message": "no Cognito user pool in this template"})
        return json_response(HTTPStatus.OK, self.authority.jwks())

    def _post_token(self, request: HttpRequest) -> Response:
        try:
            body = json.loads(request.body or b"{}")
            if not isinstance(body, dict):
                raise ValueError("the body must be a JSON object")
            roles = body.get("roles", body.get("role"))
            ttl_s = body.get("ttl_s", DEFAULT_TTL_S)
            if isinstance(ttl_s, bool) or not isinstance(ttl_s, int):
                raise ValueError("ttl_s must be an integer")
            token = self.mint_token(
                roles,
                subject=body.get("subject"),
                username=body.get("username"),
                ttl_s=ttl_s,
                pool=body.get("pool"),
                token_use=body.get("token_use", "id"),
                scopes=body.get("scopes"),
            )
        except LookupError as exc:
            return json_response(HTTPStatus.NOT_FOUND, {"message": str(exc)})
        except ValueError as exc:
            return json_response(HTTPStatus.BAD_REQUEST, {"message": str(exc)})
        return json_response(
            HTTPStatus.OK,
            {"token": token, "token_type": "Bearer", "expires_in": ttl_s, "header": "Authorization"},
        )

    def _landing(self) -> str:
        links = [
            ("API", self.api_url),
            ("site", self.site_url + "/"),
            ("wiring", self.base_url + "/_local/wiring"),
            ("idle", self.base_url + "/_local/idle"),
            ("stats", self.base_url + "/_local/stats"),
            ("faults", self.base_url + "/_local/faults"),
            ("moto", self.moto_url),
        ]
        routes = [
            (r.http_method, self.api_url + r.resource_path, r.function or r.integration_type)
            for r in (self.api.routes if self.api else [])
        ]
        return landing_page(links, routes)


def _max_receive_count(queue: DeployedResource) -> int | None:
    policy = queue.properties.get("RedrivePolicy")
    if isinstance(policy, str):
        policy = json.loads(policy)
    if isinstance(policy, Mapping) and "maxReceiveCount" in policy:
        return int(policy["maxReceiveCount"])
    return None


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
