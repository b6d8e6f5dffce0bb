"""Functions: the four Lambda functions, their least-privilege grants and their event source mappings."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from aws_cdk import Duration, Tags
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra import constants
from infra.constructs import nag
from infra.constructs.common import log_group
from infra.constructs.events import Events
from infra.constructs.storage import Storage

_ARCHITECTURES = {"arm64": lambda_.Architecture.ARM_64, "x86_64": lambda_.Architecture.X86_64}
RUNTIME: lambda_.Runtime = getattr(lambda_.Runtime, "PYTHON_" + constants.LAMBDA_RUNTIME_VERSION.replace(".", "_"))
ARCHITECTURE = _ARCHITECTURES[constants.LAMBDA_ARCHITECTURE]

# DynamoDB has no TransactWriteItems IAM action: a transaction is authorized by the actions of its
# parts. Each function gets exactly what its code calls: the API creates articles (conditional Puts
# in a transaction) and reads; enrich also updates the head in its publish/reject transaction;
# build_feeds reads feed partitions and puts its manifest.
API_TABLE_ACTIONS = ("dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem")
ENRICH_TABLE_ACTIONS = ("dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem")
FEEDS_TABLE_ACTIONS = ("dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem")

XRAY_REASON = "Active tracing: xray:PutTraceSegments/PutTelemetryRecords support no resource-level permissions."


class PipelineFunction(Construct):
    """One function with its own role, its own log group (with retention) and active tracing."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        spec: constants.FunctionSpec,
        code: Path,
        layer: lambda_.ILayerVersion,
        environment: Mapping[str, str],
        any_resource_reason: str = XRAY_REASON,
    ) -> None:
        super().__init__(scope, construct_id)
        self.spec = spec
        self.log_group = log_group(self, "Logs")
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Execution role of the newsroom {spec.name} function",
        )
        self.log_group.grant_write(self.role)
        self.function = lambda_.Function(
            self,
            "Function",
            description=spec.description,
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler=spec.handler,
            code=lambda_.Code.from_asset(str(code)),
            layers=[layer],
            memory_size=spec.memory_mb,
            timeout=Duration.seconds(spec.timeout_s),
            role=self.role,
            log_group=self.log_group,
            tracing=lambda_.Tracing.ACTIVE,
            environment={
                "POWERTOOLS_SERVICE_NAME": spec.name,
                "POWERTOOLS_LOG_LEVEL": "INFO",
                "POWERTOOLS_METRICS_NAMESPACE": constants.POWERTOOLS_NAMESPACE,
                **environment,
            },
        )
        Tags.of(self.function).add(constants.FUNCTION_TAG, spec.name, include_resource_types=["AWS::Lambda::Function"])
        nag.acknowledge(
            self.function,
            "AwsSolutions-L1",
            f"Pinned to python{constants.LAMBDA_RUNTIME_VERSION}: the layer's wheels and the shipped bytecode "
            "are built for that CPython (the build interpreter); upgraded deliberately, with the toolchain.",
        )
        nag.acknowledge(self.role, "AwsSolutions-IAM5[Resource::*]", any_resource_reason)

    def allow(self, actions: tuple[str, ...], resources: list[str]) -> None:
        self.role.add_to_principal_policy(iam.PolicyStatement(actions=list(actions), resources=resources))

    def allow_objects(self, actions: tuple[str, ...], bucket: s3.Bucket, prefixes: tuple[str, ...]) -> None:
        """Object actions under key prefixes of one bucket; the ``*`` left is the key below a prefix."""
        self.allow(actions, [bucket.arn_for_objects(f"{prefix}/*") for prefix in prefixes])
        for prefix in prefixes:
            nag.acknowledge(
                self.role,
                nag.object_prefix_finding(bucket, prefix),
                f"Object access limited to keys under {prefix}/ in one bucket (grant scoped by key prefix).",
            )


class Functions(Construct):
    """The pipeline's functions, each given only the variables and permissions it uses."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        storage: Storage,
        events: Events,
        code: Mapping[str, Path],
        layer_dir: Path,
        website_url: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self.layer = lambda_.LayerVersion(
            self,
            "Dependencies",
            description="Pinned runtime dependencies of the newsroom functions (boto3 from the runtime)",
            code=lambda_.Code.from_asset(str(layer_dir)),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
        )
        table, documents, site = storage.table, storage.documents_bucket, storage.site_bucket

        def function(spec: constants.FunctionSpec, environment: Mapping[str, str], **options: str) -> PipelineFunction:
            construct_id = "".join(part.capitalize() for part in spec.name.split("_"))
            return PipelineFunction(
                self,
                construct_id,
                spec=spec,
                code=code[spec.name],
                layer=self.layer,
                environment=environment,
                **options,
            )

        self.api = function(
            constants.API,
            {
                "TABLE_NAME": table.table_name,
                "DOCUMENTS_BUCKET": documents.bucket_name,
                "SITE_BASE_URL": storage.site_base_url,
                "WEBSITE_URL": website_url,
            },
        )
        self.api.allow(API_TABLE_ACTIONS, [table.table_arn])
        self.api.allow_objects(("s3:PutObject",), documents, ("submissions",))
        self.api.allow_objects(("s3:GetObject",), documents, ("submissions", "articles"))

        self.relay = function(
            constants.RELAY,
            {"EVENT_BUS_NAME": events.bus.event_bus_name, "EVENT_SOURCE": constants.EVENT_SOURCE},
            any_resource_reason=f"{XRAY_REASON} Stream reading: dynamodb:ListStreams supports no "
            "resource-level permissions (DescribeStream/GetRecords/GetShardIterator are scoped to the "
            "stream).",
        )
        events.bus.grant_put_events_to(self.relay.function)
        self.relay.function.add_event_source(
            sources.DynamoEventSource(
                table,
                starting_position=lambda_.StartingPosition.TRIM_HORIZON,
                batch_size=constants.RELAY_BATCH_SIZE,
                bisect_batch_on_error=True,
                retry_attempts=constants.RELAY_MAX_RETRIES,
                on_failure=sources.SqsDlq(events.relay_failures),
                report_batch_item_failures=True,
                # Only heads (articles, feed manifests) are announced; revisions and indexes are not.
                filters=[
                    lambda_.FilterCriteria.filter(
                        {"dynamodb": {"Keys": {"sk": {"S": lambda_.FilterRule.is_equal("HEAD")}}}}
                    )
                ],
            )
        )
        self.enrich = function(
            constants.ENRICH,
            {
                "TABLE_NAME": table.table_name,
                "DOCUMENTS_BUCKET": documents.bucket_name,
                "WEBSITE_URL": website_url,
            },
        )
        self.enrich.allow(ENRICH_TABLE_ACTIONS, [table.table_arn])
        self.enrich.allow_objects(("s3:GetObject",), documents, ("submissions",))
        self.enrich.allow_objects(("s3:PutObject",), documents, ("articles",))
        self.enrich.function.add_event_source(
            sources.SqsEventSource(
                events.enrich_queue, batch_size=constants.QUEUE_BATCH_SIZE, report_batch_item_failures=True
            )
        )

        self.build_feeds = function(
            constants.BUILD_FEEDS,
            {
                "TABLE_NAME": table.table_name,
                "SITE_BUCKET": site.bucket_name,
                "SITE_BASE_URL": storage.site_base_url,
                "WEBSITE_URL": website_url,
            },
        )
        self.build_feeds.allow(FEEDS_TABLE_ACTIONS, [table.table_arn])
        self.build_feeds.allow_objects(("s3:PutObject",), site, ("feeds", "sitemaps"))
        self.build_feeds.function.add_event_source(
            sources.SqsEventSource(
                events.feeds_queue,
                batch_size=constants.QUEUE_BATCH_SIZE,
                max_batching_window=Duration.seconds(constants.FEEDS_BATCHING_WINDOW_S),
                report_batch_item_failures=True,
            )
        )

        self.all = (self.api, self.relay, self.enrich, self.build_feeds)
