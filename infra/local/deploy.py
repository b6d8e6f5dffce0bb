"""Deploy a synthesized template into moto by walking it, one plain boto3 call per resource.

Only the types the pipeline needs to *exist* in moto are created there (tables, buckets, the bus,
rules, queues, Scheduler groups and schedules). Functions, event source mappings, the REST API and
its authorizers, Cognito user pools (with groups and app clients) and CloudFront distributions (with
their cache policies) are resolved here, with deterministic local ids, and emulated in-process by
the runtime. Everything else (IAM, logs, alarms, KMS, ...) has no local meaning: it gets a
deterministic fake physical id so references to it still resolve, and is listed in
``Deployment.not_emulated``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import boto3

from infra.local import names
from infra.local.template import (
    DEFAULT_ACCOUNT_ID,
    DEFAULT_REGION,
    Resolver,
    Resource,
    Template,
    TemplateError,
)

log = logging.getLogger(__name__)

IN_MOTO: Final = frozenset(
    {
        "AWS::DynamoDB::Table",
        "AWS::DynamoDB::GlobalTable",
        "AWS::S3::Bucket",
        "AWS::Events::EventBus",
        "AWS::Events::Rule",
        "AWS::SQS::Queue",
        "AWS::Scheduler::ScheduleGroup",
        "AWS::Scheduler::Schedule",
    }
)
IN_PROCESS: Final = frozenset(
    {
        "AWS::Lambda::Function",
        "AWS::Lambda::EventSourceMapping",
        "AWS::ApiGateway::RestApi",
        "AWS::ApiGateway::Resource",
        "AWS::ApiGateway::Method",
        "AWS::ApiGateway::GatewayResponse",
        "AWS::ApiGateway::Authorizer",
        "AWS::Cognito::UserPool",
        "AWS::Cognito::UserPoolClient",
        "AWS::Cognito::UserPoolGroup",
        "AWS::CloudFront::Distribution",
        "AWS::CloudFront::CachePolicy",
        "AWS::CloudFront::OriginRequestPolicy",
    }
)


class DeployError(RuntimeError):
    """A resource the runtime needs could not be created in moto."""


@dataclass
class DeployedResource:
    logical_id: str
    type: str
    physical_id: Any  # what Ref returns
    properties: dict[str, Any]  # resolved
    attributes: dict[str, Any] = field(default_factory=dict)
    emulation: str = "none"  # "moto", "in-process" or "none"


@dataclass(frozen=True)
class RuleTarget:
    """One target of an EventBridge rule as wired locally."""

    rule: str  # logical id of the rule
    target_id: str
    arn: str  # the target's ARN in the template
    kind: str  # "sqs", "lambda" or "unsupported"
    function: str | None = None  # logical id, for Lambda targets
    queue_url: str | None = None  # the queue moto delivers to (a local shim queue for Lambda targets)
    queue_arn: str | None = None


@dataclass
class Deployment:
    """The result of a deployment; also the ``Lookup`` the resolver uses while deploying."""

    stack_name: str
    region: str
    account_id: str
    resources: dict[str, DeployedResource] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # resources whose Condition is false
    rule_targets: list[RuleTarget] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    # -- Lookup ---------------------------------------------------------------------------------
    def ref(self, logical_id: str) -> Any:
        return self._get(logical_id).physical_id

    def get_att(self, logical_id: str, attribute: str) -> Any:
        resource = self._get(logical_id)
        if attribute in resource.attributes:
            return resource.attributes[attribute]
        if resource.emulation == "moto":
            raise TemplateError(f"Fn::GetAtt {logical_id}.{attribute} is not known locally")
        return self._fake_attribute(resource, attribute)

    def _get(self, logical_id: str) -> DeployedResource:
        try:
            return self.resources[logical_id]
        except KeyError:
            raise TemplateError(f"{logical_id} is referenced before it is deployed (or is skipped)") from None

    def _fake_attribute(self, resource: DeployedResource, attribute: str) -> str:
        if attribute == "Arn" or attribute.endswith("Arn"):
            service = resource.type.split("::")[1].lower()
            return f"arn:aws:{service}:{self.region}:{self.account_id}:{resource.physical_id}"
        return f"{resource.physical_id}.{attribute.lower()}"

    # -- queries --------------------------------------------------------------------------------
    def of_type(self, *types: str) -> list[DeployedResource]:
        return [r for r in self.resources.values() if r.type in types]

    @property
    def not_emulated(self) -> dict[str, list[str]]:
        summary: dict[str, list[str]] = {}
        for resource in self.resources.values():
            if resource.emulation == "none":
                summary.setdefault(resource.type, []).append(resource.logical_id)
        return dict(sorted(summary.items()))

    def find_by_arn(self, arn: str, *types: str) -> DeployedResource | None:
        for resource in self.of_type(*types):
            if resource.attributes.get("Arn") == arn:
                return resource
        return None

    def function_for(self, reference: str) -> DeployedResource | None:
        """The function a name, ARN (optionally qualified) or integration URI points at."""
        functions = self.of_type("AWS::Lambda::Function")
        for function in functions:
            if reference in (function.physical_id, function.attributes["Arn"]):
                return function
        for function in functions:
            arn = function.attributes["Arn"]
            if reference.startswith(arn + ":") or f"{arn}/" in reference or f"{arn}:" in reference:
                return function
        return None


Handler = Callable[["Deployer", Resource, dict[str, Any]], DeployedResource]
_HANDLERS: dict[str, Handler] = {}


def _handles(*types: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        for type_ in types:
            _HANDLERS[type_] = handler
        return handler

    return register


class Deployer:
    """Creates a template's resources in moto, in dependency order."""

    def __init__(
        self,
        template: Template,
        session: boto3.session.Session,
        endpoint_url: str,
        *,
        stack_name: str,
        region: str = DEFAULT_REGION,
        account_id: str = DEFAULT_ACCOUNT_ID,
        parameters: Mapping[str, Any] | None = None,
    ) -> None:
        self.template = template
        self.deployment = Deployment(stack_name=stack_name, region=region, account_id=account_id)
        self.resolver = Resolver(
            template,
            self.deployment,
            stack_name=stack_name,
            region=region,
            account_id=account_id,
            parameters=parameters,
        )
        self._session: Any = session  # service names are plain strings here
        self._endpoint_url = endpoint_url
        self._clients: dict[str, Any] = {}

    @property
    def stack(self) -> str:
        return self.deployment.stack_name

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self._session.client(service, endpoint_url=self._endpoint_url)
        return self._clients[service]

    def deploy(self) -> Deployment:
        for logical_id in self.template.deployment_order():
            resource = self.template.resources[logical_id]
            if not self.resolver.is_active(resource):
                self.deployment.skipped.append(logical_id)
                continue
            self.deployment.resources[logical_id] = self._deploy_one(resource)
        return self.deployment

    def _deploy_one(self, resource: Resource) -> DeployedResource:
        handler = _HANDLERS.get(resource.type)
        if handler is None:
            return self._not_emulated(resource)
        try:
            properties = self.resolver.resolve(dict(resource.properties))
            return handler(self, resource, properties)
        except TemplateError as exc:
            raise DeployError(f"{resource.logical_id} ({resource.type}): {exc}") from exc
        except Exception as exc:  # a moto/boto3 error: name the resource that caused it
            raise DeployError(f"{resource.logical_id} ({resource.type}): {exc}") from exc

    def _not_emulated(self, resource: Resource) -> DeployedResource:
        try:
            properties = self.resolver.resolve(dict(resource.properties))
        except TemplateError as exc:  # nothing local depends on its exact values
            log.debug("not resolving %s: %s", resource.logical_id, exc)
            properties = {}
        physical = _fake_physical_id(self, resource, properties)
        return DeployedResource(
            resource.logical_id,
            resource.type,
            physical,
            properties,
            attributes=_fake_attributes(self, resource, physical),
        )

    def arn(self, service: str, resource: str, *, region: bool = True) -> str:
        region_part = self.deployment.region if region else ""
        account = self.deployment.account_id if region else ""
        return f"arn:aws:{service}:{region_part}:{account}:{resource}"


# -- not emulated: fake ids and the attributes other resources read ---------------------------------
def _fake_physical_id(deployer: Deployer, resource: Resource, properties: Mapping[str, Any]) -> Any:
    stack, logical_id = deployer.stack, resource.logical_id
    match resource.type:
        case "AWS::IAM::Role" | "AWS::IAM::User":
            return properties.get("RoleName") or properties.get("UserName") or names.function(stack, logical_id)
        case "AWS::Logs::LogGroup":
            return properties.get("LogGroupName") or f"/local/{stack}/{logical_id}"
        case "AWS::SNS::Topic":
            return deployer.arn("sns", properties.get("TopicName") or names.generic(stack, logical_id, 256))
        case "AWS::Lambda::LayerVersion":
            name = properties.get("LayerName") or names.function(stack, logical_id)
            return deployer.arn("lambda", f"layer:{name}:1")
        case "AWS::ApiGateway::Stage" | "AWS::ApiGateway::Deployment":
            return properties.get("StageName") or names.short_id(logical_id, 6)
        case "AWS::KMS::Key" | "AWS::ApiGateway::ApiKey":
            return names.short_id(logical_id, 14).upper()
    return names.generic(stack, logical_id, 64)


def _fake_attributes(deployer: Deployer, resource: Resource, physical: Any) -> dict[str, Any]:
    match resource.type:
        case "AWS::IAM::Role":
            return {"Arn": deployer.arn("iam", f"role/{physical}", region=False), "RoleId": f"AROA{physical}"}
        case "AWS::Logs::LogGroup":
            return {"Arn": deployer.arn("logs", f"log-group:{physical}:*")}
        case "AWS::KMS::Key":
            return {"Arn": deployer.arn("kms", f"key/{physical}"), "KeyId": physical}
        case "AWS::SNS::Topic":
            return {"TopicArn": physical, "TopicName": str(physical).rsplit(":", 1)[-1]}
    return {}


# -- created in moto ------------------------------------------------------------------------------
def _key_schema_kwargs(props: Mapping[str, Any], billing: str) -> dict[str, Any]:
    default_throughput = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    kwargs: dict[str, Any] = {
        "KeySchema": props["KeySchema"],
        "AttributeDefinitions": props["AttributeDefinitions"],
        "BillingMode": billing,
    }
    if billing == "PROVISIONED":
        kwargs["ProvisionedThroughput"] = _throughput(props.get("ProvisionedThroughput")) or default_throughput
    gsis = []
    for index in props.get("GlobalSecondaryIndexes") or []:
        gsi = {key: index[key] for key in ("IndexName", "KeySchema", "Projection")}
        if billing == "PROVISIONED":
            gsi["ProvisionedThroughput"] = _throughput(index.get("ProvisionedThroughput")) or default_throughput
        gsis.append(gsi)
    if gsis:
        kwargs["GlobalSecondaryIndexes"] = gsis
    lsis = [
        {key: index[key] for key in ("IndexName", "KeySchema", "Projection")}
        for index in props.get("LocalSecondaryIndexes") or []
    ]
    if lsis:
        kwargs["LocalSecondaryIndexes"] = lsis
    stream = props.get("StreamSpecification")
    if stream and stream.get("StreamViewType"):
        kwargs["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]}
    return kwargs


def _throughput(value: Mapping[str, Any] | None) -> dict[str, int] | None:
    if not value:
        return None
    return {key: int(value[key]) for key in ("ReadCapacityUnits", "WriteCapacityUnits") if key in value}


@_handles("AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable")
def _table(deployer: Deployer, resource: Resource, props: dict[str, Any]) -> DeployedResource:
    name = props.get("TableName") or names.table(deployer.stack, resource.logical_id)
    default_billing = "PAY_PER_REQUEST" if resource.type == "AWS::DynamoDB::GlobalTable" else "PROVISIONED"
    billing = props.get("BillingMode") or default_billing
    ddb = deployer.client("dynamodb")
    description = ddb.create_table(TableName=name, **_key_schema_kwargs(props, billing))["TableDescription"]
    ttl = props.get("TimeToLiveSpecification")
    if ttl and ttl.get("Enabled"):
        ddb.update_time_to_live(
            TableName=name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl["AttributeName"]},
        )
    attributes = {"Arn": description["TableArn"], "TableId": description.get("TableId", name)}
    if "LatestStreamArn" in description:
        attributes["StreamArn"] = description["LatestStreamArn"]
    return DeployedResource(resource.logical_id, resource.type, name, props, attributes, "moto")


@_handles("AWS::S3::Bucket")
def _bucket(deployer: Deployer, resource: Resource, props: dict[str, Any]) -> DeployedResource:
    name = props.get("BucketName") or names.bucket(deployer.stack, resource.logical_id)
    s3 = deployer.client("s3")
    region = deployer.deployment.region
    if region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    versioning = (props.get("VersioningConfiguration") or {}).get("Status")
    if versioning:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": versioning})
    cors_rules = (props.get("CorsConfiguration") or {}).get("CorsRules")
    if cors_rules:
        s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": [_cors_rule(r) for r in cors_rules]})
    if props.get("LifecycleConfiguration"):
        deployer.deployment.notes.append(f"{resource.logical_id}: bucket lifecycle rules are not applied locally")
    attributes = {
        "Arn": f"arn:aws:s3:::{name}",
        "DomainName": f"{name}.s3.amazonaws.com",
        "RegionalDomainName": f"{name}.s3.{region}.amazonaws.com",
        "DualStackDomainName": f"{name}.s3.dualstack.{region}.amazonaws.com",
        "WebsiteURL": f"http://{name}.s3-website-{region}.amazonaws.com",
    }
    return DeployedResource(resource.logical_id, resource.type, name, props, attributes, "moto")


def _cors_rule(rule: Mapping[str, Any]) -> dict[str, Any]:
    renamed = {"ExposedHeaders": "ExposeHeaders", "MaxAge": "MaxAgeSeconds", "Id": "ID"}
    return {renamed.get(key, key): value for key, value in rule.items()}


_QUEUE_ATTRIBUTES: Final = (
    "VisibilityTimeout",
    "MessageRetentionPeriod",
    "DelaySeconds",
    "MaximumMessageSize",
    "ReceiveMessageWaitTimeSeconds",
    "FifoQueue",
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "FifoThroughputLimit",
)


@_handles("AWS::SQS::Queue")
def _queue(deployer: Deployer, resource: Resource, props: dict[str, Any]) -> DeployedResource:
    fifo = str(props.get("FifoQueue", "false")).lower() == "true"
    name = props.get("QueueName") or names.queue(deployer.stack, resource.logical_id, fifo=fifo)
    attributes: dict[str, str] = {k: _attribute_text(props[k]) for k in _QUEUE_ATTRIBUTES if k in props}
    for policy in ("RedrivePolicy", "RedriveAllowPolicy"):
        if policy in props:
            value = props[policy]
            attributes[policy] = value if isinstance(value, str) else json.dumps(value)
    url = deployer.client("sqs").create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = deployer.arn("sqs", name)
    return DeployedResource(
        resource.logical_id,
        resource.type,
        url,
        props,
        {"Arn": arn, "QueueName": name, "QueueUrl": url},
        "moto",
    )


def _attribute_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@_handles("AWS::Events::EventBus")
def _event_bus(deployer: Deployer, resource: Resource, props: dict[str, Any]) -> DeployedResource:
    name = props.get("Name") or names.event_bus(deployer.stack, resource.logical_id)
    kwargs: dict[str, Any] = {"Name": name}
    if props.get("Description"):
        kwargs["Description"] = props["Description"]
    arn = deployer.client("events").create_event_bus(**kwargs)["EventBusArn"]
    return DeployedResource(resource.logical_id, resource.type, name, props, {"Arn": arn, "Name": name}, "moto")


@_handles("AWS::Events::Rule")
def _rule(deployer: Deployer, resource: Resource, props: dict[str, Any]) -> DeployedResource:
    name = props.get("Name") or names.rule(deployer.stack, resource.logical_id)
    bus = props.get("EventBusName") or "default"
    if bus.startswith("arn:"):
        bus = bus.rsplit("/", 1)[-1]
    kwargs: dict[str, Any] = {"Name": name, "EventBusName": bus, "State": props.get("State", "ENABLED")}
    if "EventPattern" in props:
        pattern = props["EventPattern"]
        kwargs["EventPattern"] = pattern if isinstance(pattern, str) else json.dumps(pattern)
    if "ScheduleExpression" in props:
        kwargs["ScheduleExpression"] = props["ScheduleExpression"]  # fired by the runtime's scheduler
    if props.get("Description"):
        kwargs["Description"] = props["Description"]
    events = deployer.client("events")
    arn = events.put_rule(**kwargs)["RuleArn"]
    targets = [_rule_target(deployer, resource.logical_id, target) for target in props.get("Targets") or []]
    moto_targets = [t for t in targets if t is not None]
    if moto_targets:
        events.put_targets(Rule=name, EventBusName=bus, Targets=moto_targets)
    physical = name if bus == "default" else f"{bus}|{name}"
    return DeployedResource(resource.logical_id, resource.type, physical, props, {"Arn": arn}, "moto")


def _rule_target(deployer: Deployer, rule: str, target: Mapping[str, Any]) -> dict[str, Any] | None:
    """The target to give moto; Lambda targets are redirected to a local queue the runtime polls."""
    deployment = deployer.deployment
    target_id, arn = str(target["Id"]), str(target["Arn"])
    passthrough = {k: v for k, v in target.items() if k in ("Id", "InputTransformer", "SqsParameters")}
    scheduled = "ScheduleExpression" in deployer.resolver.template.resources[rule].properties
    for ignored in ("Input", "InputPath"):
        if ignored in target and not scheduled:  # the runtime's scheduler applies them to scheduled rules
            deployment.notes.append(f"{rule}/{target_id}: moto ignores {ignored}; the full event is delivered")
    queue = deployment.find_by_arn(arn, "AWS::SQS::Queue")
    if queue is not None:
        deployment.rule_targets.append(
            RuleTarget(rule, target_id, arn, "sqs", queue_url=queue.physical_id, queue_arn=arn)
        )
        return {**passthrough, "Arn": arn}
    function = deployment.function_for(arn) if ":lambda:" in arn else None
    if function is not None:
        shim_name = names.queue(deployer.stack, f"{rule}-{target_id}-local")
        url = deployer.client("sqs").create_queue(QueueName=shim_name)["QueueUrl"]
        shim_arn = deployer.arn("sqs", shim_name)
        deployment.rule_targets.append(RuleTarget(rule, target_id, arn, "lambda", function.logical_id, url, shim_arn))
        return {**passthrough, "Arn": shim_arn}
    deployment.rule_targets.append(RuleTarget(rule, target_id, arn, "unsupported"))
    return None


# -- resolved here, run in-process by the runtime ---------------------------------------------------
@_handles("AWS::Lambda::Function")
def _function(deployer: Deployer, resource: Resource, props: dict[str, Any]) -> DeployedResource:
    name = props.get("FunctionName") or names.function(deployer.stack, resource.logical_id)
    arn = deployer.arn("lambda", f"function:{name}")
    return DeployedResource(resource.logical_id, resource.type, name, props, {"Arn": arn}, "in-process")


@_handles("AWS::Lambda::EventSourceMapping")
def _event_source_mapping(deployer: Deployer, resource: Resource, props: dict[str, Any]) -> DeployedResource:
    uuid = f"{names.short_id(resource.logical_id, 8)}-local"
    arn = deployer.arn("lambda", f"event-source-mapping:{uuid}")
    return DeployedResource(resource.logical_id, resource.type, uuid, props, {"Id": uuid, "Arn": arn}, "in-process")


@_handles("AWS::ApiGateway::RestApi")
def _rest_api(deployer: Deployer, resource: Resource, props: dict[str, Any]) -> DeployedResource:
    api_id = names.short_id(resource.logical_id)
    root = names.short_id(resource.logical_id + "/", 10)
    return DeployedResource(resource.logical_id, resource.type, api_id, props, {"RootResourceId": root}, "in-process")


@_handles("AWS::ApiGateway::Resource", "AWS::ApiGateway::Method", "AWS::ApiGateway::GatewayResponse")
def _api_part(deployer: Deployer, resource: Resource, props: dict[str, Any]) -> DeployedResource:
    physical = names.short_id(resource.logical_id, 6)
    attributes = {"ResourceId": physical} if resource.type == "AWS::ApiGateway::Resource" else {}
    return DeployedResource(resource.logical_id, resource.type, physical, props, attributes, "in-process")


# -- EventBridge Scheduler (created in moto; the runtime's scheduler fires them) ---------------------
@_handles("AWS::Scheduler::ScheduleGroup")
def _schedule_group(deployer: Deployer, resource: Resource, props: dict[str, Any]) -> DeployedResource:
    name = props.get("Name") or names.generic(deployer.stack, resource.logical_id, 64, allowed=r"0-9a-zA-Z_.-")
    arn = deployer.client("scheduler").create_schedule_group(Name=name)["ScheduleGroupArn"]
    return DeployedResource(resource.logical_id, resource.type, name, props, {"Arn": arn}, "moto")


_SCHEDULE_KEYS: Final = (
    "Description",
    "ScheduleExpressionTimezone",
    "StartDate",
    "EndDate",
    "State",
    "KmsKeyArn",
    "ActionAfterCompletion",
)


@_handles("AWS::Scheduler::Schedule")
def _schedule(deployer: Deployer, resource: Resource, props: dict[str, Any]) -> DeployedResource:
    name = props.get("Name") or names.generic(deployer.stack, resource.logical_id, 64, allowed=r"0-9a-zA-Z_.-")
    group = props.get("GroupName") or "default"
    kwargs: dict[str, Any] = {
        "Name": name,
        "GroupName": group,
        "ScheduleExpression": props["ScheduleExpression"],
        "FlexibleTimeWindow": props.get("FlexibleTimeWindow") or {"Mode": "OFF"},
        "Target": _schedule_target(props["Target"]),
    }
    kwargs.update({key: props[key] for key in _SCHEDULE_KEYS if key in props})
    arn = deployer.client("scheduler").create_schedule(**kwargs)["ScheduleArn"]
    return DeployedResource(resource.logical_id, resource.type, name, props, {"Arn": arn}, "moto")


def _schedule_target(target: Mapping[str, Any]) -> dict[str, Any]:
    """CloudFormation's target to the API's (same names; numbers as numbers)."""
    converted = dict(target)
    policy = converted.get("RetryPolicy")
    if policy:
        converted["RetryPolicy"] = {key: int(value) for key, value in policy.items()}
    return converted


# -- Cognito and authorizers (emulated in-process; deterministic ids) ---------------------------------
def _pool_id(deployer: Deployer, logical_id: str) -> str:
    raw = names.short_id(logical_id, 9)
    mixed = "".join(c.upper() if i % 2 else c for i, c in enumerate(raw))
    return f"{deployer.deployment.region}_{mixed}"


@_handles("AWS::Cognito::UserPool")
def _user_pool(deployer: Deployer, resource: Resource, props: dict[str, Any]) -> DeployedResource:
    pool_id = _pool_id(deployer, resource.logical_id)
    region = deployer.deployment.region
    provider = f"cognito-idp.{region}.amazonaws.com/{pool_id}"
    attributes = {
        "Arn": deployer.arn("cognito-idp", f"userpool/{pool_id}"),
        "ProviderName": provider,
        "ProviderURL": f"https://{provider}",
        "UserPoolId": pool_id,
    }
    return DeployedResource(resource.logical_id, resource.type, pool_id, props, attributes, "in-process")


@_handles("AWS::Cognito::UserPoolClient")
def _user_pool_client(deployer: Deployer, resource: Resource, props: dict[str, Any]) -> DeployedResource:
    client_id = names.short_id(resource.logical_id, 26)
    attributes = {"ClientId": client_id, "Name": str(props.get("ClientName", resource.logical_id))}
    return DeployedResource(resource.logical_id, resource.type, client_id, props, attributes, "in-process")


@_handles("AWS::Cognito::UserPoolGroup")
def _user_pool_group(deployer: Deployer, resource: Resource, props: dict[str, Any]) -> DeployedResource:
    name = props.get("GroupName") or names.generic(deployer.stack, resource.logical_id, 128)
    return DeployedResource(resource.logical_id, resource.type, name, props, {}, "in-process")


@_handles("AWS::ApiGateway::Authorizer")
def _authorizer(deployer: Deployer, resource: Resource, props: dict[str, Any]) -> DeployedResource:
    authorizer_id = names.short_id(resource.logical_id, 6)
    return DeployedResource(
        resource.logical_id, resource.type, authorizer_id, props, {"AuthorizerId": authorizer_id}, "in-process"
    )


# -- CloudFront (served by the runtime under /site/) ----------------------------------------------------
@_handles("AWS::CloudFront::Distribution")
def _distribution(deployer: Deployer, resource: Resource, props: dict[str, Any]) -> DeployedResource:
    physical = names.short_id(resource.logical_id, 14).upper()
    attributes = {"DomainName": f"{physical.lower()}.cloudfront.net", "Id": physical}
    return DeployedResource(resource.logical_id, resource.type, physical, props, attributes, "in-process")


@_handles("AWS::CloudFront::CachePolicy", "AWS::CloudFront::OriginRequestPolicy")
def _cloudfront_policy(deployer: Deployer, resource: Resource, props: dict[str, Any]) -> DeployedResource:
    physical = str(uuid.UUID(bytes=hashlib.sha256(resource.logical_id.encode()).digest()[:16]))
    attributes = {"Id": physical, "LastModifiedTime": "2026-01-01T00:00:00Z"}
    return DeployedResource(resource.logical_id, resource.type, physical, props, attributes, "in-process")
