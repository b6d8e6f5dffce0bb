"""Storage: the single table (with its feed and pending indexes), the documents bucket, the log bucket."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra import constants


def private_bucket(
    scope: Construct,
    construct_id: str,
    *,
    versioned: bool = False,
    object_ownership: s3.ObjectOwnership | None = None,
    access_logs: s3.IBucket | None = None,
    access_logs_prefix: str | None = None,
    lifecycle_rules: list[s3.LifecycleRule] | None = None,
) -> s3.Bucket:
    """A bucket nobody reaches without IAM: SSE-S3, TLS only, every public access block on, retained."""
    return s3.Bucket(
        scope,
        construct_id,
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        removal_policy=RemovalPolicy.RETAIN,
        versioned=versioned,
        object_ownership=object_ownership,
        server_access_logs_bucket=access_logs,
        server_access_logs_prefix=access_logs_prefix,
        lifecycle_rules=lifecycle_rules,
    )


class Storage(Construct):
    """Where state lives.

    - ``table``: single table (``pk``/``sk``), on demand, PITR, TTL on ``expires_at``, a stream of new
      and old images (the transactional outbox read by the relay), the sparse feed indexes
      ``FeedAll``/``FeedSection``/``FeedLang`` and the ``Pending`` index of unfinished work; retained on
      stack deletion, deletion protection per stage.
    - ``documents_bucket``: private, versioned; one sanitized submission per revision.
    - ``log_bucket``: server access logs of the buckets and the site distribution's standard logs.
    """

    def __init__(self, scope: Construct, construct_id: str, *, deletion_protection: bool) -> None:
        super().__init__(scope, construct_id)

        string = dynamodb.AttributeType.STRING
        self.table = dynamodb.Table(
            self,
            "Table",
            partition_key=dynamodb.Attribute(name=constants.TABLE_PARTITION_KEY, type=string),
            sort_key=dynamodb.Attribute(name=constants.TABLE_SORT_KEY, type=string),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
            time_to_live_attribute=constants.TABLE_TTL_ATTRIBUTE,
            removal_policy=RemovalPolicy.RETAIN,
            deletion_protection=deletion_protection,
        )
        for index_name, partition, sort, projected in constants.TABLE_INDEXES:
            self.table.add_global_secondary_index(
                index_name=index_name,
                partition_key=dynamodb.Attribute(name=partition, type=string),
                sort_key=dynamodb.Attribute(name=sort, type=string),
                projection_type=dynamodb.ProjectionType.INCLUDE if projected else dynamodb.ProjectionType.KEYS_ONLY,
                non_key_attributes=list(projected) if projected else None,
            )
        # The local runtime reports the pipeline idle only when this index holds no due work.
        table_resource = self.table.node.default_child
        assert isinstance(table_resource, dynamodb.CfnTable)
        table_resource.add_metadata(
            constants.LOCAL_METADATA_KEY, {"unfinishedWorkIndex": constants.UNFINISHED_WORK_INDEX}
        )

        # CloudFront standard logging writes with ACLs, so this bucket alone keeps them enabled
        # (bucket owner preferred: the bucket owner still owns every object).
        self.log_bucket = private_bucket(
            self,
            "AccessLogs",
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(constants.LOG_BUCKET_EXPIRY_DAYS))],
        )
        self.documents_bucket = private_bucket(
            self,
            "Documents",
            versioned=True,
            access_logs=self.log_bucket,
            access_logs_prefix="s3/documents/",
            lifecycle_rules=[s3.LifecycleRule(abort_incomplete_multipart_upload_after=Duration.days(7))],
        )
