"""Site: the bucket behind CloudFront (OAC), the API's public reads through the same distribution."""

from __future__ import annotations

import json

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Template

from infra.app import cdk_json_context
from infra.config import StageConfig
from infra.constructs.site import Site


def _distribution(synth):
    distribution_id, distribution = synth.one("AWS::CloudFront::Distribution")
    return distribution_id, distribution["Properties"]["DistributionConfig"]


def _bucket_policy(synth, bucket_id):
    for policy in synth.resources("AWS::S3::BucketPolicy").values():
        if policy["Properties"]["Bucket"] == {"Ref": bucket_id}:
            return policy["Properties"]["PolicyDocument"]["Statement"]
    raise AssertionError(f"{bucket_id} has no bucket policy")


def _origins(config):
    return {origin["Id"]: origin for origin in config["Origins"]}


def _behaviors(config):
    return {behavior["PathPattern"]: behavior for behavior in config["CacheBehaviors"]}


def _cache_policy(synth, behavior):
    return synth.json["Resources"][behavior["CachePolicyId"]["Ref"]]["Properties"]["CachePolicyConfig"]


def test_default_behavior_serves_the_private_site_bucket_through_oac(synth):
    # GIVEN the site bucket and the distribution
    site_id = synth.logical_id("SiteBucket", "AWS::S3::Bucket")
    distribution_id, config = _distribution(synth)
    default = config["DefaultCacheBehavior"]
    origin = _origins(config)[default["TargetOriginId"]]
    # THEN the bucket keeps old versions of what it serves
    assert synth.resources("AWS::S3::Bucket")[site_id]["Properties"]["VersioningConfiguration"] == {"Status": "Enabled"}
    # AND the default origin is the bucket through an Origin Access Control, viewers on HTTPS only
    assert origin["DomainName"] == {"Fn::GetAtt": [site_id, "RegionalDomainName"]}
    assert "OriginAccessControlId" in origin
    assert default["ViewerProtocolPolicy"] == "https-only"
    assert default["AllowedMethods"] == ["GET", "HEAD"]
    # AND the bucket lets CloudFront read only on behalf of this distribution
    (grant,) = [s for s in _bucket_policy(synth, site_id) if s["Effect"] == "Allow"]
    assert grant["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert grant["Action"] == "s3:GetObject"
    assert distribution_id in json.dumps(grant["Condition"]["StringEquals"]["AWS:SourceArn"])


@pytest.mark.parametrize(
    ("path", "origin_path", "query_strings"),
    [
        ("/feeds/*", "/v1", "none"),
        ("/sitemaps/*", "/v1", "none"),
        ("/robots.txt", "/v1", "none"),
        ("/v1/feed*", None, "all"),
        ("/v1/articles/*", None, "all"),
    ],
)
def test_api_reads_go_to_the_api_origin_cached_as_the_function_says(synth, path, origin_path, query_strings):
    # GIVEN the behavior for a path
    api_id, _ = synth.one("AWS::ApiGateway::RestApi")
    _, config = _distribution(synth)
    behavior = _behaviors(config)[path]
    origin = _origins(config)[behavior["TargetOriginId"]]
    cache = _cache_policy(synth, behavior)
    # THEN it reaches the REST API over HTTPS, with the stage as origin path for the site paths
    assert {"Ref": api_id} in origin["DomainName"]["Fn::Join"][1]
    assert origin.get("OriginPath") == origin_path
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    assert origin["CustomOriginConfig"]["OriginSSLProtocols"] == ["TLSv1.2"]
    # AND only GET/HEAD pass, viewers on HTTPS
    assert behavior["AllowedMethods"] == ["GET", "HEAD"]
    assert behavior["ViewerProtocolPolicy"] == "https-only"
    # AND the cache honours the origin's Cache-Control (nothing cached when it says nothing)
    assert (cache["MinTTL"], cache["DefaultTTL"]) == (0, 0)
    assert cache["MaxTTL"] > 0
    # AND no cookie or header, so never Authorization, is in the key or sent to the origin
    key = cache["ParametersInCacheKeyAndForwardedToOrigin"]
    assert key["CookiesConfig"] == {"CookieBehavior": "none"}
    assert key["HeadersConfig"] == {"HeaderBehavior": "none"}
    assert key["QueryStringsConfig"]["QueryStringBehavior"] == query_strings
    assert "OriginRequestPolicyId" not in behavior


def test_api_responses_carry_security_headers_and_forbid_active_content(synth):
    # GIVEN the response headers policy of the API behaviors
    _, config = _distribution(synth)
    (policy_ref,) = {json.dumps(b["ResponseHeadersPolicyId"]) for b in config["CacheBehaviors"]}
    policy = synth.json["Resources"][json.loads(policy_ref)["Ref"]]["Properties"]["ResponseHeadersPolicyConfig"]
    headers = policy["SecurityHeadersConfig"]
    # THEN HSTS, nosniff, frame denial and a CSP without any source are set, overriding the origin
    assert headers["StrictTransportSecurity"]["Override"] is True
    assert headers["ContentTypeOptions"] == {"Override": True}
    assert headers["FrameOptions"] == {"FrameOption": "DENY", "Override": True}
    assert headers["ContentSecurityPolicy"]["ContentSecurityPolicy"].startswith("default-src 'none'")
    # AND feed readers of any origin may read (GET/HEAD), without credentials
    cors = policy["CorsConfig"]
    assert cors["AccessControlAllowCredentials"] is False
    assert cors["AccessControlAllowMethods"] == {"Items": ["GET", "HEAD"]}
    assert cors["AccessControlAllowOrigins"] == {"Items": ["*"]}


def test_default_certificate_without_a_domain_of_its_own(synth):
    # GIVEN the default stage (no siteDomainName)  THEN the distribution uses CloudFront's certificate
    _, config = _distribution(synth)
    assert "Aliases" not in config
    assert config.get("ViewerCertificate", {}).get("CloudFrontDefaultCertificate", True) is True


def test_a_domain_of_its_own_gets_tls_1_2_and_becomes_the_site_url():
    # GIVEN a stage with its own domain and ACM certificate
    config = StageConfig.from_context(
        {
            **cdk_json_context(),
            "newsroom:siteDomainName": "feeds.example.org",
            "newsroom:siteCertificateArn": "arn:aws:acm:us-east-1:111122223333:certificate/abc",
        }
    )
    # WHEN only the site is built
    stack = Stack(App(), "SiteOnly")
    site = Site(stack, "Site", config=config, log_bucket=s3.Bucket(stack, "Logs"))
    distribution = Template.from_stack(stack).find_resources("AWS::CloudFront::Distribution")
    (props,) = [d["Properties"]["DistributionConfig"] for d in distribution.values()]
    # THEN viewers reach it by that name with TLS 1.2 at least, and links use that name
    assert props["Aliases"] == ["feeds.example.org"]
    assert props["ViewerCertificate"]["AcmCertificateArn"] == config.site_certificate_arn
    assert props["ViewerCertificate"]["MinimumProtocolVersion"] == "TLSv1.2_2021"
    assert site.base_url == "https://feeds.example.org"


def test_standard_logs_go_to_the_log_bucket(synth):
    _, config = _distribution(synth)
    log_bucket = synth.logical_id("StorageAccessLogs", "AWS::S3::Bucket")
    assert config["Logging"]["Bucket"] == {"Fn::GetAtt": [log_bucket, "RegionalDomainName"]}
