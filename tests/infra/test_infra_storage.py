"""Storage: the table with its indexes, the private buckets."""

from __future__ import annotations


def _bucket_policy(synth, bucket_id):
    for policy in synth.resources("AWS::S3::BucketPolicy").values():
        if policy["Properties"]["Bucket"] == {"Ref": bucket_id}:
            return policy["Properties"]["PolicyDocument"]["Statement"]
    raise AssertionError(f"{bucket_id} has no bucket policy")


def test_table_is_the_outbox_and_survives_the_stack(synth):
    # GIVEN the single table
    _, table = synth.one("AWS::DynamoDB::Table")
    props = table["Properties"]
    # THEN it has pk/sk string keys, on-demand billing, PITR, TTL on expires_at and a stream of both images
    assert props["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    # AND it is retained on stack deletion; deletion protection is off unless the stage turns it on
    assert table["DeletionPolicy"] == "Retain"
    assert table["UpdateReplacePolicy"] == "Retain"
    assert props["DeletionProtectionEnabled"] is False


def test_table_has_the_three_sparse_feed_indexes_the_pending_and_the_takedown_index(synth):
    # GIVEN the table's global secondary indexes
    _, table = synth.one("AWS::DynamoDB::Table")
    props = table["Properties"]
    indexes = {index["IndexName"]: index for index in props["GlobalSecondaryIndexes"]}
    # THEN the feed indexes are keyed by their feed attribute and feed_sk and carry only card and sig
    assert set(indexes) == {"FeedAll", "FeedSection", "FeedLang", "Pending", "Takedowns"}
    for name, partition in (("FeedAll", "feed_all"), ("FeedSection", "feed_section"), ("FeedLang", "feed_lang")):
        assert indexes[name]["KeySchema"] == [
            {"AttributeName": partition, "KeyType": "HASH"},
            {"AttributeName": "feed_sk", "KeyType": "RANGE"},
        ]
        assert indexes[name]["Projection"] == {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["card", "sig"]}
    # AND the Pending index holds keys only, ordered by when the reconciler should act
    assert indexes["Pending"]["KeySchema"] == [
        {"AttributeName": "pending_pk", "KeyType": "HASH"},
        {"AttributeName": "pending_at", "KeyType": "RANGE"},
    ]
    assert indexes["Pending"]["Projection"] == {"ProjectionType": "KEYS_ONLY"}
    # AND the Takedowns index lists taken-down articles newest first, with what an Atom tombstone needs
    assert indexes["Takedowns"]["KeySchema"] == [
        {"AttributeName": "takedown_pk", "KeyType": "HASH"},
        {"AttributeName": "takedown_at", "KeyType": "RANGE"},
    ]
    assert indexes["Takedowns"]["Projection"] == {
        "ProjectionType": "INCLUDE",
        "NonKeyAttributes": ["feeds", "takedown"],
    }
    # AND every key attribute is a string
    key_attributes = ("pk", "sk", "feed_all", "feed_section", "feed_lang", "feed_sk", "pending_pk", "pending_at",
                      "takedown_pk", "takedown_at")  # fmt: skip
    assert {a["AttributeName"]: a["AttributeType"] for a in props["AttributeDefinitions"]} == dict.fromkeys(
        key_attributes, "S"
    )


def test_table_names_its_unfinished_work_index_for_the_local_runtime(synth):
    # GIVEN the table resource  THEN its metadata tells the local runtime which index holds unfinished work
    _, table = synth.one("AWS::DynamoDB::Table")
    assert table["Metadata"]["newsroom:local"] == {"unfinishedWorkIndex": "Pending"}


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
    documents = synth.resources("AWS::S3::Bucket")[synth.logical_id("StorageDocuments", "AWS::S3::Bucket")]
    log_bucket = synth.logical_id("StorageAccessLogs", "AWS::S3::Bucket")
    # THEN documents keep versions, survive the stack and log server access to the log bucket
    assert documents["Properties"]["VersioningConfiguration"] == {"Status": "Enabled"}
    assert documents["DeletionPolicy"] == "Retain"
    assert documents["Properties"]["LoggingConfiguration"]["DestinationBucketName"] == {"Ref": log_bucket}
