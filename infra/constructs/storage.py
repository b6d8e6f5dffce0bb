"""Storage: the single table, the private documents bucket and the public site behind CloudFront."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra import constants
from infra.constructs import nag


def _private_bucket(
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
    """Where state lives: DynamoDB for indexes and state, S3 for bodies and the published site.

    - ``table``: single table (``pk``/``sk``), on demand, PITR, stream of new and old images (the
      transactional outbox read by the relay), retained on stack deletion.
    - ``documents_bucket``: private, versioned submissions and enriched articles.
    - ``site_bucket``: private too; readers reach it only through ``distribution`` (Origin Access Control).
    - ``log_bucket``: server access logs of both buckets and the distribution's standard logs.
    """

    def __init__(self, scope: Construct, construct_id: str, *, deletion_protection: bool) -> None:
        super().__init__(scope, construct_id)

        self.table = dynamodb.Table(
            self,
            "Table",
            partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="sk", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
            removal_policy=RemovalPolicy.RETAIN,
            deletion_protection=deletion_protection,
        )

        # CloudFront standard logging writes with ACLs, so this bucket alone keeps them enabled
        # (bucket owner preferred: the bucket owner still owns every object).
        self.log_bucket = _private_bucket(
            self,
            "AccessLogs",
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(constants.LOG_BUCKET_EXPIRY_DAYS))],
        )

        self.documents_bucket = _private_bucket(
            self,
            "Documents",
            versioned=True,
            access_logs=self.log_bucket,
            access_logs_prefix="s3/documents/",
            lifecycle_rules=[s3.LifecycleRule(abort_incomplete_multipart_upload_after=Duration.days(7))],
        )

        self.site_bucket = _private_bucket(
            self,
            "Site",
            access_logs=self.log_bucket,
            access_logs_prefix="s3/site/",
        )

        self.distribution = self._distribution()
        self.site_base_url = f"https://{self.distribution.distribution_domain_name}"

    def _distribution(self) -> cloudfront.Distribution:
        headers = cloudfront.ResponseHeadersPolicy(
            self,
            "SiteHeaders",
            comment="Newsroom site: CORS for feed readers and security headers",
            cors_behavior=cloudfront.ResponseHeadersCorsBehavior(
                access_control_allow_credentials=False,
                access_control_allow_headers=["*"],
                access_control_allow_methods=["GET", "HEAD"],
                access_control_allow_origins=["*"],
                access_control_expose_headers=["ETag", "Last-Modified"],
                access_control_max_age=Duration.seconds(constants.SITE_CORS_MAX_AGE_S),
                origin_override=True,
            ),
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.days(365), include_subdomains=True, override=True
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
                    override=True,
                ),
            ),
        )
        cache = cloudfront.CachePolicy(
            self,
            "SiteCache",
            comment="Feeds change often: short default TTL unless the object sets Cache-Control",
            default_ttl=Duration.seconds(constants.SITE_CACHE_DEFAULT_TTL_S),
            min_ttl=Duration.seconds(0),
            max_ttl=Duration.seconds(constants.SITE_CACHE_MAX_TTL_S),
            enable_accept_encoding_gzip=True,
            enable_accept_encoding_brotli=True,
        )
        distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="Newsroom public site (static feeds and sitemaps)",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.site_bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                cache_policy=cache,
                response_headers_policy=headers,
                compress=True,
            ),
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            enable_logging=True,
            log_bucket=self.log_bucket,
            log_file_prefix="cloudfront/",
        )
        nag.acknowledge(
            distribution,
            "AwsSolutions-CFR1",
            "Feeds and sitemaps are published for a worldwide readership; no geo restriction.",
        )
        nag.acknowledge(
            distribution,
            "AwsSolutions-CFR2",
            "Serves only static, public, read-only files from S3 through OAC; no WAF yet.",
        )
        nag.acknowledge(
            distribution,
            "AwsSolutions-CFR4",
            "Uses the default *.cloudfront.net certificate until the newsroom's domain and ACM certificate "
            "are attached (then TLSv1.2_2021); viewers are HTTPS only.",
        )
        return distribution
