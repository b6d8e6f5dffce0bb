"""Site: the public distribution. Static files from a private bucket; feeds, sitemaps and reads from the API.

Behaviors (first match wins, the default last):

- ``/feeds/*``, ``/sitemaps/*``, ``/robots.txt`` -> the API's stage (origin path ``/v1``): the cache
  honours the function's ``Cache-Control``; no query string, header or cookie is in the key.
- ``/v1/feed*``, ``/v1/articles/*`` -> the API as is; query strings (format, cursor, filters) are in
  the key. ``Authorization`` is never forwarded nor cached: drafts and revisions are only read from
  the API itself, so a draft can never land in a shared cache.
- default -> the site bucket, through Origin Access Control.

Only GET and HEAD pass; writes go to the API's own URL. Viewers get HTTPS only; with a domain of its
own (``siteDomainName`` + ``siteCertificateArn``) the distribution also requires TLS 1.2 (2021 policy).
"""

from __future__ import annotations

from aws_cdk import Aws, Duration
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra import constants
from infra.config import StageConfig
from infra.constructs import nag
from infra.constructs.storage import private_bucket

# Served by the API but generated from public data only: no script, frame, form or plugin is ever needed.
API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def _headers(
    scope: Construct, construct_id: str, comment: str, content_security_policy: str | None
) -> cloudfront.ResponseHeadersPolicy:
    """CORS for feed readers (GET/HEAD from any origin, no credentials) and the security headers."""
    return cloudfront.ResponseHeadersPolicy(
        scope,
        construct_id,
        comment=comment,
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
                referrer_policy=cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override=True
            ),
            content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                content_security_policy=content_security_policy, override=True
            )
            if content_security_policy
            else None,
        ),
    )


class Site(Construct):
    """The site bucket behind CloudFront; :meth:`serve_api` adds the API's public reads to it."""

    def __init__(self, scope: Construct, construct_id: str, *, config: StageConfig, log_bucket: s3.IBucket) -> None:
        super().__init__(scope, construct_id)
        # Versioned: an overwritten or deleted page can be restored (checkov CKV_AWS_21; costs only the old versions).
        self.bucket = private_bucket(
            self,
            "Bucket",
            versioned=True,
            access_logs=log_bucket,
            access_logs_prefix="s3/site/",
            lifecycle_rules=[
                s3.LifecycleRule(noncurrent_version_expiration=Duration.days(constants.LOG_BUCKET_EXPIRY_DAYS))
            ],
        )
        self.site_headers = _headers(self, "SiteHeaders", "Newsroom site: CORS for readers, security headers", None)
        self.api_headers = _headers(
            self,
            "ApiHeaders",
            "Newsroom API reads: CORS, security headers, no active content",
            API_CONTENT_SECURITY_POLICY,
        )
        bucket_cache = cloudfront.CachePolicy(
            self,
            "BucketCache",
            comment="Site files: short default TTL unless the object sets Cache-Control",
            default_ttl=Duration.seconds(constants.SITE_BUCKET_DEFAULT_TTL_S),
            min_ttl=Duration.seconds(0),
            max_ttl=Duration.seconds(constants.SITE_CACHE_MAX_TTL_S),
            enable_accept_encoding_gzip=True,
            enable_accept_encoding_brotli=True,
        )
        custom_domain = bool(config.site_domain_name and config.site_certificate_arn)
        certificate = (
            acm.Certificate.from_certificate_arn(self, "Certificate", config.site_certificate_arn)
            if config.site_certificate_arn
            else None
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="Newsroom public site: feeds, sitemaps and article reads",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                cache_policy=bucket_cache,
                response_headers_policy=self.site_headers,
                compress=True,
            ),
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            enable_logging=True,
            log_bucket=log_bucket,
            log_file_prefix="cloudfront/",
            domain_names=[config.site_domain_name] if config.site_domain_name else None,
            certificate=certificate,
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 if custom_domain else None,
        )
        domain = config.site_domain_name or self.distribution.distribution_domain_name
        self.base_url = f"https://{domain}"

        nag.acknowledge(
            self.distribution,
            "AwsSolutions-CFR1",
            "Feeds, sitemaps and articles are published for a worldwide readership; no geo restriction.",
        )
        nag.acknowledge(
            self.distribution,
            "AwsSolutions-CFR2",
            "The API origin has its own regional WAF web ACL; a CloudFront web ACL must live in us-east-1 "
            "and would bill every cached read again. Cache hits never reach the origin.",
        )
        if not custom_domain:
            nag.acknowledge(
                self.distribution,
                "AwsSolutions-CFR4",
                "The default *.cloudfront.net certificate cannot set a minimum TLS version; set the context "
                "siteDomainName + siteCertificateArn to serve a domain with TLSv1.2_2021.",
            )

    def serve_api(self, rest_api: apigateway.RestApi) -> None:
        """Route the API's public reads through the distribution (see the module docstring).

        The origin is named by the API's id, not by its stage URL: the stage depends on the api
        function, whose environment names this distribution, so the URL would close a cycle.
        """
        domain = f"{rest_api.rest_api_id}.execute-api.{Aws.REGION}.{Aws.URL_SUFFIX}"

        def origin(origin_path: str | None) -> origins.HttpOrigin:
            return origins.HttpOrigin(
                domain,
                origin_path=origin_path,
                protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
                origin_ssl_protocols=[cloudfront.OriginSslPolicy.TLS_V1_2],
            )

        def cache(
            construct_id: str, comment: str, query_strings: cloudfront.CacheQueryStringBehavior
        ) -> cloudfront.CachePolicy:
            return cloudfront.CachePolicy(
                self,
                construct_id,
                comment=comment,
                # Cached only as long as the api function's Cache-Control says (nothing when it says nothing).
                default_ttl=Duration.seconds(0),
                min_ttl=Duration.seconds(0),
                max_ttl=Duration.seconds(constants.SITE_CACHE_MAX_TTL_S),
                cookie_behavior=cloudfront.CacheCookieBehavior.none(),
                header_behavior=cloudfront.CacheHeaderBehavior.none(),
                query_string_behavior=query_strings,
                enable_accept_encoding_gzip=True,
                enable_accept_encoding_brotli=True,
            )

        def route(path: str, api_origin: origins.HttpOrigin, cache_policy: cloudfront.ICachePolicy) -> None:
            self.distribution.add_behavior(
                path,
                api_origin,
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                cached_methods=cloudfront.CachedMethods.CACHE_GET_HEAD,
                cache_policy=cache_policy,
                response_headers_policy=self.api_headers,
                compress=True,
            )

        files = cache(
            "ApiFilesCache",
            "API feeds and sitemaps: origin Cache-Control, no query string",
            cloudfront.CacheQueryStringBehavior.none(),
        )
        reads = cache(
            "ApiReadsCache",
            "API reads: origin Cache-Control, query strings in the key",
            cloudfront.CacheQueryStringBehavior.all(),
        )
        stage_origin = origin(f"/{constants.API_STAGE}")
        api_origin = origin(None)
        for path in constants.SITE_API_PATHS:
            route(path, stage_origin, files)
        for path in constants.SITE_STAGE_PATHS:
            route(path, api_origin, reads)
