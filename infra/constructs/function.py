"""One pipeline function: its own role, log group with retention, layers, environment and grants.

Each stage construct creates its functions through :class:`PipelineFunction` and grants them exactly
what their code calls, with the helpers below; nothing here is granted by default except writing to
the function's own log group and X-Ray tracing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from aws_cdk import CfnResource, Duration, Tags
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import constants
from infra.constructs import nag
from infra.constructs.common import lint_exception, log_group

_ARCHITECTURES = {"arm64": lambda_.Architecture.ARM_64, "x86_64": lambda_.Architecture.X86_64}
RUNTIME: lambda_.Runtime = getattr(lambda_.Runtime, "PYTHON_" + constants.LAMBDA_RUNTIME_VERSION.replace(".", "_"))
ARCHITECTURE = _ARCHITECTURES[constants.LAMBDA_ARCHITECTURE]

# Reads never change state, so they are not narrowed by key; every write is (dynamodb:LeadingKeys).
# TransactWriteItems has no action of its own: each part is authorized by its own action
# (Put -> PutItem, Update -> UpdateItem, ConditionCheck -> ConditionCheckItem).
TABLE_READS = ("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query")

XRAY_REASON = "Active tracing: xray:PutTraceSegments/PutTelemetryRecords support no resource-level permissions."


def layer(scope: Construct, construct_id: str, folder: Path, description: str) -> lambda_.LayerVersion:
    """A Python layer staged on the host (see :mod:`infra.staging`), for the functions' runtime and CPU."""
    return lambda_.LayerVersion(
        scope,
        construct_id,
        description=description,
        code=lambda_.Code.from_asset(str(folder)),
        compatible_runtimes=[RUNTIME],
        compatible_architectures=[ARCHITECTURE],
    )


class PipelineFunction(Construct):
    """One function with its own role, its own log group (with retention) and active tracing."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        spec: constants.FunctionSpec,
        code: Path,
        layers: Sequence[lambda_.ILayerVersion],
        environment: Mapping[str, str],
        any_resource_reason: str = XRAY_REASON,
        async_retry_attempts: int | None = None,
        async_max_event_age: Duration | None = None,
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
            layers=list(layers),
            memory_size=spec.memory_mb,
            timeout=Duration.seconds(spec.timeout_s),
            role=self.role,
            log_group=self.log_group,
            tracing=lambda_.Tracing.ACTIVE,
            retry_attempts=async_retry_attempts,
            max_event_age=async_max_event_age,
            environment={
                "POWERTOOLS_SERVICE_NAME": spec.name,
                "POWERTOOLS_LOG_LEVEL": constants.POWERTOOLS_LOG_LEVEL,
                "POWERTOOLS_METRICS_NAMESPACE": constants.POWERTOOLS_NAMESPACE,
                **environment,
            },
        )
        assert isinstance(self.function.node.default_child, CfnResource)
        lint_exception(
            self.function.node.default_child,
            "WS1004",
            "Logs go to the function's own log group (LoggingConfig), kept LOG_RETENTION_DAYS, not to the "
            "/aws/lambda/<name> group this rule looks for.",
        )
        Tags.of(self.function).add(constants.FUNCTION_TAG, spec.name, include_resource_types=["AWS::Lambda::Function"])
        nag.acknowledge(
            self.function,
            "AwsSolutions-L1",
            f"Pinned to python{constants.LAMBDA_RUNTIME_VERSION}: the layers' wheels and the shipped bytecode "
            "are built for that CPython (the build interpreter); upgraded deliberately, with the toolchain.",
        )
        nag.acknowledge(self.role, "AwsSolutions-IAM5[Resource::*]", any_resource_reason)

    # -- grants -----------------------------------------------------------------------------------
    def consume(self, queue: sqs.IQueue) -> None:
        """Read ``queue`` in batches that report partial failures; its redrive policy handles poison messages."""
        self.function.add_event_source(
            sources.SqsEventSource(queue, batch_size=constants.QUEUE_BATCH_SIZE, report_batch_item_failures=True)
        )
        (mapping,) = [
            child
            for child in self.function.node.find_all()
            if isinstance(child, lambda_.CfnEventSourceMapping) and "SqsEventSource" in child.node.path
        ]
        lint_exception(
            mapping,
            "ES1001",
            "SQS event source mappings take no on-failure destination: the queue's redrive policy moves a "
            "message that keeps failing to its dead-letter queue.",
        )

    def allow(
        self,
        actions: Sequence[str],
        resources: Sequence[str],
        conditions: Mapping[str, Mapping[str, object]] | None = None,
    ) -> None:
        self.role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=list(actions), resources=list(resources), conditions=dict(conditions) if conditions else None
            )
        )

    def allow_table_reads(self, table: dynamodb.Table) -> None:
        """Item reads and queries on the table and on every index."""
        self.allow(TABLE_READS, [table.table_arn, f"{table.table_arn}/index/*"])
        nag.acknowledge(
            self.role,
            nag.wildcard_finding(table, "/index/*"),
            "Queries the table's feed and pending indexes; '*' stands for an index name of this one table.",
        )

    def allow_table_writes(self, table: dynamodb.Table, actions: Sequence[str], key_prefixes: Sequence[str]) -> None:
        """Writes limited to items whose partition key starts with one of ``key_prefixes``."""
        self.allow(
            actions,
            [table.table_arn],
            {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": [f"{prefix}*" for prefix in key_prefixes]}},
        )

    def allow_objects(self, actions: Sequence[str], bucket: s3.IBucket, prefix: str) -> None:
        """Object actions under one key prefix of one bucket; the ``*`` left is the key below it."""
        self.allow(actions, [bucket.arn_for_objects(f"{prefix}/*")])
        nag.acknowledge(
            self.role,
            nag.wildcard_finding(bucket, f"/{prefix}/*"),
            f"Object access limited to keys under {prefix}/ in one bucket (grant scoped by key prefix).",
        )
