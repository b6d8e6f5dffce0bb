"""Least privilege: each role holds the actions its function uses, on the narrowest resources."""

from __future__ import annotations

import pytest

from infra import constants

# AWS offers no resource-level permissions for these, so "Resource": "*" is the only option.
STAR_RESOURCE_ACTIONS = {"xray:PutTraceSegments", "xray:PutTelemetryRecords", "dynamodb:ListStreams"}
TABLE_WRITES = {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}


def _actions(statement):
    action = statement["Action"]
    return {action} if isinstance(action, str) else set(action)


def _resources(statement):
    resource = statement["Resource"]
    return resource if isinstance(resource, list) else [resource]


def _all_actions(synth, name):
    return set().union(*(_actions(s) for s in synth.statements(name)))


def _object_grants(synth, name):
    """{(action, bucket logical id, key pattern)} for the function's S3 object grants."""
    grants = set()
    for statement in synth.statements(name):
        for resource in _resources(statement):
            if isinstance(resource, dict) and "Fn::Join" in resource:
                bucket_arn, suffix = resource["Fn::Join"][1]
                for action in _actions(statement):
                    grants.add((action, bucket_arn["Fn::GetAtt"][0], suffix))
    return grants


def _logical_id(synth, path_fragment, resource_type):
    matches = [logical_id for logical_id in synth.resources(resource_type) if logical_id.startswith(path_fragment)]
    assert len(matches) == 1, matches
    return matches[0]


@pytest.mark.parametrize("spec", constants.FUNCTIONS, ids=lambda spec: spec.name)
def test_no_wildcard_actions_and_star_resources_only_where_aws_requires(synth, spec):
    # GIVEN a function's policy statements
    for statement in synth.statements(spec.name):
        # THEN every statement allows, names its actions and uses "*" only for resource-less actions
        assert statement["Effect"] == "Allow"
        assert not any("*" in action for action in _actions(statement)), statement
        if "*" in _resources(statement):
            assert _actions(statement) <= STAR_RESOURCE_ACTIONS, statement


def test_relay_reads_the_stream_and_publishes_but_never_writes_the_table(synth):
    # GIVEN the relay's permissions
    actions = _all_actions(synth, "relay")
    # THEN it can publish events and read the stream, and nothing else on data
    assert "events:PutEvents" in actions
    assert {"dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream"} <= actions
    assert not actions & TABLE_WRITES
    assert not {a for a in actions if a.startswith("s3:")}
    table_id, _ = synth.one("AWS::DynamoDB::Table")
    stream_reads = [s for s in synth.statements("relay") if "dynamodb:GetRecords" in _actions(s)]
    assert [s["Resource"] for s in stream_reads] == [{"Fn::GetAtt": [table_id, "StreamArn"]}]


@pytest.mark.parametrize("name", ["api", "enrich", "build_feeds"])
def test_only_the_relay_publishes_events(synth, name):
    # GIVEN a function other than the relay  THEN it cannot put events on the bus
    assert not {a for a in _all_actions(synth, name) if a.startswith("events:")}


def test_api_table_and_document_grants(synth):
    # GIVEN the api's permissions
    actions = _all_actions(synth, "api")
    documents = _logical_id(synth, "StorageDocuments", "AWS::S3::Bucket")
    # THEN it reads and conditionally creates items, never updates, deletes or scans
    assert {a for a in actions if a.startswith("dynamodb:")} == {
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:PutItem",
    }
    # AND it writes only submissions/ and reads submissions/ and articles/ of the documents bucket
    assert _object_grants(synth, "api") == {
        ("s3:PutObject", documents, "/submissions/*"),
        ("s3:GetObject", documents, "/submissions/*"),
        ("s3:GetObject", documents, "/articles/*"),
    }


def test_enrich_reads_submissions_and_writes_only_articles(synth):
    # GIVEN the enrich function's permissions
    documents = _logical_id(synth, "StorageDocuments", "AWS::S3::Bucket")
    actions = _all_actions(synth, "enrich")
    # THEN table access is read + conditional write, and S3 writes are limited to articles/
    assert not actions & {"dynamodb:DeleteItem", "dynamodb:Scan", "dynamodb:BatchWriteItem"}
    assert {"dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:PutItem"} <= actions
    assert _object_grants(synth, "enrich") == {
        ("s3:GetObject", documents, "/submissions/*"),
        ("s3:PutObject", documents, "/articles/*"),
    }
    # AND it consumes its own queue
    enrich_queue = _logical_id(synth, "EventsEnrichQueue", "AWS::SQS::Queue")
    consume = [s for s in synth.statements("enrich") if "sqs:ReceiveMessage" in _actions(s)]
    assert [s["Resource"] for s in consume] == [{"Fn::GetAtt": [enrich_queue, "Arn"]}]


def test_build_feeds_writes_only_feeds_and_sitemaps_of_the_site_bucket(synth):
    s3_put = "s3:PutObject"
    # GIVEN the feed builder's permissions
    site = _logical_id(synth, "StorageSite", "AWS::S3::Bucket")
    actions = _all_actions(synth, "build_feeds")
    # THEN it touches only the site bucket's feeds/ and sitemaps/, and the table without deletes
    assert _object_grants(synth, "build_feeds") == {(s3_put, site, f"/{prefix}/*") for prefix in ("feeds", "sitemaps")}
    assert {a for a in actions if a.startswith("dynamodb:")} == {
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:PutItem",
    }


@pytest.mark.parametrize("spec", constants.FUNCTIONS, ids=lambda spec: spec.name)
def test_logs_are_written_only_to_the_functions_own_group(synth, spec):
    # GIVEN a function and its log group
    _, function = synth.functions()[spec.name]
    log_group_id = function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
    # WHEN its log permissions are collected
    log_statements = [s for s in synth.statements(spec.name) if any(a.startswith("logs:") for a in _actions(s))]
    # THEN they target that group only
    assert [s["Resource"] for s in log_statements] == [{"Fn::GetAtt": [log_group_id, "Arn"]}]
