"""Storage: the table, the private buckets and the CloudFront-only site."""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Match

from infra.stack import context_flag


def _bucket_policy(synth, bucket_id):
    for policy in synth.resources("AWS::S3::BucketPolicy").values():
        if policy["Properties"]["Bucket"] == {"Ref": bucket_id}:
            return policy["Properties"]["PolicyDocument"]["Statement"]
    raise AssertionError(f"{bucket_id} has no bucket policy")


def test_table_is_the_outbox_and_survives_the_stack(synth):
    # GIVEN the single table
    _, table = synth.one("AWS::DynamoDB::Table")
    props = table["Properties"]
    # THEN it has pk/sk string keys, on-demand billing, PITR and a stream of both images
    assert props["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    assert {a["AttributeName"]: a["AttributeType"] for a in props["AttributeDefinitions"]} == {
        "pk": "S",
        "sk": "S",
    }
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    # AND it is retained on stack deletion; deletion protection is off unless the context flag says so
    assert table["DeletionPolicy"] == "Retain"
    assert table["UpdateReplacePolicy"] == "Retain"
    assert props["DeletionProtectionEnabled"] is False


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (False, False),
        (None, False),
        ("true", True),
        ("True", True),
        ("1", True),
        ("false", False),
    ],
)
def test_context_flag_reads_json_and_cli_values(value, expected):
    # GIVEN a context value from cdk.json (JSON) or `-c key=value` (string)  THEN it reads as a boolean
    assert context_flag(value) is expected


def test_every_bucket_is_private_encrypted_and_tls_only(synth):
    buckets = synth.resources("AWS::S3::Bucket")
    assert len(buckets) == 3
    for bucket_id, bucket in buckets.items():
        props = bucket["Properties"]
        # THEN all public access is blocked and objects are encrypted at rest
        assert props["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }
        assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"] == {
            "SSEAlgorithm": "AES256"
        }
        # AND its policy denies any request without TLS
        deny_plain = [
            s
            for s in _bucket_policy(synth, bucket_id)
            if s["Effect"] == "Deny" and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
        ]
        assert deny_plain, f"{bucket_id} accepts plain HTTP"


def test_documents_bucket_is_versioned_and_access_logged(synth):
    # GIVEN the documents and log buckets
    documents = next(b for i, b in synth.resources("AWS::S3::Bucket").items() if i.startswith("StorageDocuments"))
    log_bucket = next(i for i in synth.resources("AWS::S3::Bucket") if i.startswith("StorageAccessLogs"))
    # THEN documents keep versions and log server access to the log bucket
    assert documents["Properties"]["VersioningConfiguration"] == {"Status": "Enabled"}
    assert documents["Properties"]["LoggingConfiguration"]["DestinationBucketName"] == {"Ref": log_bucket}


def test_site_is_served_only_through_cloudfront_with_oac(synth):
    # GIVEN the site bucket and the distribution
    site_id = next(i for i in synth.resources("AWS::S3::Bucket") if i.startswith("StorageSite"))
    distribution_id, distribution = synth.one("AWS::CloudFront::Distribution")
    config = distribution["Properties"]["DistributionConfig"]
    # THEN the only origin is the site bucket through an Origin Access Control, viewers on HTTPS only
    (origin,) = config["Origins"]
    assert origin["DomainName"] == {"Fn::GetAtt": [site_id, "RegionalDomainName"]}
    assert "OriginAccessControlId" in origin
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "https-only"
    assert config["DefaultCacheBehavior"]["AllowedMethods"] == ["GET", "HEAD"]
    # AND the bucket lets CloudFront read only on behalf of this distribution
    (grant,) = [s for s in _bucket_policy(synth, site_id) if s["Effect"] == "Allow"]
    assert grant["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert grant["Action"] == "s3:GetObject"
    source_arn = grant["Condition"]["StringEquals"]["AWS:SourceArn"]
    assert distribution_id in str(source_arn)


def test_site_responses_carry_cors_for_feed_readers_and_security_headers(synth):
    # GIVEN the response headers policy  THEN GET/HEAD are open to any origin and security headers are set
    synth.template.has_resource_properties(
        "AWS::CloudFront::ResponseHeadersPolicy",
        {
            "ResponseHeadersPolicyConfig": Match.object_like(
                {
                    "CorsConfig": Match.object_like(
                        {
                            "AccessControlAllowCredentials": False,
                            "AccessControlAllowMethods": {"Items": ["GET", "HEAD"]},
                            "AccessControlAllowOrigins": {"Items": ["*"]},
                        }
                    ),
                    "SecurityHeadersConfig": Match.object_like(
                        {
                            "StrictTransportSecurity": Match.object_like({"Override": True}),
                            "ContentTypeOptions": {"Override": True},
                            "FrameOptions": {"FrameOption": "DENY", "Override": True},
                        }
                    ),
                }
            )
        },
    )
    _, distribution = synth.one("AWS::CloudFront::Distribution")
    policy_id, _ = synth.one("AWS::CloudFront::ResponseHeadersPolicy")
    behavior = distribution["Properties"]["DistributionConfig"]["DefaultCacheBehavior"]
    assert behavior["ResponseHeadersPolicyId"] == {"Ref": policy_id}
