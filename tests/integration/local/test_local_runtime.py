"""The local runtime on the fixture template: deployed into moto, served over HTTP on a free port,
with its event source mappings running. One runtime for the module; tests use their own keys."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from infra.local import LocalRuntime
from tests.integration.local.conftest import (
    API_FUNCTION,
    API_KEY,
    SITE_BUCKET,
    STREAM_FAILURES,
    TABLE,
    WORK_DLQ,
    WORK_QUEUE,
    attribute,
    header,
    http,
    json_body,
    physical,
    workers,
)

MAX_PAYLOAD = 10 * 1024 * 1024


def _put_events(runtime: LocalRuntime, *entries: tuple[str, dict[str, Any]]) -> None:
    response = runtime.client("events").put_events(
        Entries=[
            {
                "Source": "fixture.pipeline",
                "DetailType": detail_type,
                "Detail": json.dumps(detail),
                "EventBusName": "fixture-events",
            }
            for detail_type, detail in entries
        ]
    )
    assert response["FailedEntryCount"] == 0


def _drain(runtime: LocalRuntime, logical_id: str) -> list[dict[str, Any]]:
    sqs = runtime.client("sqs")
    messages = sqs.receive_message(
        QueueUrl=physical(runtime, logical_id), MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"]
    ).get("Messages", [])
    return messages


def _stream_records(key: str) -> list[dict[str, Any]]:
    return [
        record for batch in workers().STREAM_BATCHES for record in batch if record["dynamodb"]["Keys"]["pk"]["S"] == key
    ]


# -- deployment ---------------------------------------------------------------------------------------
def test_table_is_created_with_its_stream_billing_and_ttl(runtime: LocalRuntime) -> None:
    # GIVEN the fixture's unnamed table  WHEN deployed
    ddb = runtime.client("dynamodb")
    name = physical(runtime, TABLE)
    table = ddb.describe_table(TableName=name)["Table"]
    # THEN it has a deterministic local name, its key, billing mode, stream and TTL
    assert name == "Fixture-ItemsTableABC12345"
    assert table["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert attribute(runtime, TABLE, "StreamArn") == table["LatestStreamArn"]
    ttl = ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", "expires_at")


def test_bucket_gets_a_valid_lower_case_name_and_versioning(runtime: LocalRuntime) -> None:
    name = physical(runtime, SITE_BUCKET)
    assert name == "fixture-sitebucket397a1860"
    assert runtime.client("s3").get_bucket_versioning(Bucket=name)["Status"] == "Enabled"
    assert runtime.site_bucket == name  # it is the SITE_BUCKET of the API function


def test_queues_keep_redrive_policy_and_timeouts(runtime: LocalRuntime) -> None:
    sqs = runtime.client("sqs")
    queue = sqs.get_queue_attributes(QueueUrl=physical(runtime, WORK_QUEUE), AttributeNames=["All"])["Attributes"]
    dlq = sqs.get_queue_attributes(QueueUrl=physical(runtime, WORK_DLQ), AttributeNames=["All"])["Attributes"]
    assert json.loads(queue["RedrivePolicy"]) == {"deadLetterTargetArn": dlq["QueueArn"], "maxReceiveCount": 2}
    assert queue["VisibilityTimeout"] == "30"
    assert dlq["MessageRetentionPeriod"] == "1209600"


def test_rules_target_the_queue_and_a_local_queue_for_lambda_targets(runtime: LocalRuntime) -> None:
    events = runtime.client("events")
    rules = {r["Name"]: r for r in events.list_rules(EventBusName="fixture-events")["Rules"]}
    work = events.list_targets_by_rule(Rule="Fixture-WorkRule1A2B3C4D", EventBusName="fixture-events")
    audit = events.list_targets_by_rule(Rule="Fixture-AuditRule5E6F7A8B", EventBusName="fixture-events")
    assert json.loads(rules["Fixture-WorkRule1A2B3C4D"]["EventPattern"])["detail-type"] == ["WorkRequested"]
    assert [t["Arn"] for t in work["Targets"]] == [attribute(runtime, WORK_QUEUE, "Arn")]
    assert audit["Targets"][0]["Arn"].startswith("arn:aws:sqs:")  # the runtime polls it, invokes the function


def test_conditions_skip_resources_and_unknown_types_are_listed(runtime: LocalRuntime) -> None:
    assert runtime.deployment is not None
    assert runtime.deployment.skipped == ["ApiErrorsAlarm"]  # Condition NotInUsEast1 is false
    wiring = runtime.wiring()
    assert "AWS::CloudFront::Distribution" not in wiring.not_emulated  # served under /site/
    assert wiring.not_emulated["AWS::ApiGateway::UsagePlan"] == ("ApiUsagePlan",)
    assert "FunctionRole5A6B7C8D" in wiring.not_emulated["AWS::IAM::Role"]
    assert wiring.not_emulated["AWS::Lambda::Function"] == ("AutoDeleteProviderHandler (runtime nodejs20.x)",)


def test_every_function_and_trigger_is_wired(runtime: LocalRuntime) -> None:
    # GIVEN the fixture template  WHEN wired  THEN nothing is left unwired and every trigger is listed
    wiring = runtime.wiring()
    assert wiring.unwired == ()
    assert {f.logical_id for f in wiring.functions} == {
        API_FUNCTION,
        "StreamFunction1A2B3C4D",
        "WorkFunction2B3C4D5E",
        "AuditFunction0F1E2D3C",
    }
    kinds = sorted((t.kind, t.target) for t in wiring.triggers)
    assert kinds == [
        ("api", API_FUNCTION),
        ("api", API_FUNCTION),
        ("api", "MOCK"),
        ("cloudfront→s3", SITE_BUCKET),
        ("dynamodb-stream", "StreamFunction1A2B3C4D"),
        ("rule→lambda", "AuditFunction0F1E2D3C"),
        ("rule→sqs", WORK_QUEUE),
        ("sqs", "WorkFunction2B3C4D5E"),
    ]
    status, _, body = http("GET", runtime.base_url + "/_local/wiring")
    assert status == 200 and json_body(body)["unwired"] == []


# -- API Gateway --------------------------------------------------------------------------------------
def test_open_method_gets_a_rest_proxy_event(runtime: LocalRuntime) -> None:
    # GIVEN the open GET /items/{id}
    # WHEN called with an encoded path parameter, repeated query keys and a repeated header
    status, headers, body = http(
        "GET",
        runtime.api_url + "/items/abc%20d?tag=a&tag=b&empty=",
        headers={"X-Trace": "one", "Accept": "application/json"},
    )
    # THEN the function gets a REST API (1.0) proxy event and its result comes back
    assert status == 200
    assert header(headers, "x-amzn-RequestId")
    event = json_body(body)["event"]
    assert event["resource"] == "/items/{id}"
    assert event["path"] == "/items/abc d"
    assert event["httpMethod"] == "GET"
    assert event["pathParameters"] == {"id": "abc d"}
    assert event["queryStringParameters"] == {"tag": "b", "empty": ""}
    assert event["multiValueQueryStringParameters"] == {"tag": ["a", "b"], "empty": [""]}
    assert event["headers"]["X-Trace"] == "one"
    assert event["multiValueHeaders"]["Accept"] == ["application/json"]
    assert event["stageVariables"] == {"flavour": "fixture"}
    assert event["body"] is None and event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert (context["stage"], context["resourcePath"], context["httpMethod"]) == ("test", "/items/{id}", "GET")
    assert context["path"] == "/test/items/abc d"
    assert context["requestId"] == header(headers, "x-amzn-RequestId")
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["identity"]["apiKey"] is None


def test_function_sees_its_own_environment_and_a_lambda_context(runtime: LocalRuntime) -> None:
    _, _, body = http("GET", runtime.api_url + "/items/x")
    payload = json_body(body)
    # THEN settings read at import time are the function's resolved variables, with local overrides
    assert payload["settings"] == {
        "TABLE_NAME": physical(runtime, TABLE),
        "SITE_BUCKET": physical(runtime, SITE_BUCKET),
        "SITE_BASE_URL": runtime.site_url,
        "ONLY_FOR_WORKERS": None,  # another function's variable does not leak in
        "AWS_LAMBDA_FUNCTION_NAME": "Fixture-ApiFunction7B8C9D0E",
    }
    context = payload["context"]
    assert context["function_name"] == "Fixture-ApiFunction7B8C9D0E"
    assert context["memory_limit_in_mb"] == "256"
    assert context["invoked_function_arn"].endswith(":function:Fixture-ApiFunction7B8C9D0E")
    assert 0 < context["remaining_ms"] <= 10_000
    uuid.UUID(context["aws_request_id"])


def test_keyed_method_without_a_valid_key_gets_the_templates_gateway_response(runtime: LocalRuntime) -> None:
    # GIVEN POST /items requires an API key and the template customises INVALID_API_KEY
    for headers in ({}, {"x-api-key": "wrong"}):
        # WHEN called without the right key
        status, response_headers, body = http("POST", runtime.api_url + "/items", b"{}", headers)
        # THEN API Gateway's 403 comes back, rendered from the gateway response template
        assert status == 403
        assert header(response_headers, "Content-Type") == "application/problem+json"
        assert header(response_headers, "Access-Control-Allow-Origin") == "*"
        problem = json_body(body)
        assert problem["detail"] == "Forbidden"
        assert problem["requestId"] == header(response_headers, "x-amzn-RequestId")


def test_keyed_method_with_the_key_invokes_and_maps_multi_value_headers(runtime: LocalRuntime) -> None:
    key = f"k-{uuid.uuid4()}"
    status, headers, body = http(
        "POST", runtime.api_url + "/items", json.dumps({"pk": key}).encode(), {"X-API-Key": API_KEY}
    )
    assert status == 202
    assert json_body(body) == {"accepted": key}
    assert [v for k, v in headers if k == "Set-Cookie"] == ["a=1", "b=2"]


def test_unknown_route_or_method_is_missing_authentication_token(runtime: LocalRuntime) -> None:
    # GIVEN no MISSING_AUTHENTICATION_TOKEN response in the template  WHEN the route or verb is unknown
    for method, path in (("GET", "/nothing/here"), ("DELETE", "/items")):
        status, headers, body = http(method, runtime.api_url + path)
        # THEN API Gateway's default 403 answers
        assert status == 403
        assert json_body(body) == {"message": "Missing Authentication Token"}
        assert header(headers, "x-amzn-ErrorType") == "MissingAuthenticationTokenException"


def test_mock_integration_answers_cors_preflight(runtime: LocalRuntime) -> None:
    status, headers, _ = http("OPTIONS", runtime.api_url + "/items")
    assert status == 204
    assert header(headers, "Access-Control-Allow-Methods") == "GET,POST,OPTIONS"


def test_function_errors_and_malformed_results_are_502(runtime: LocalRuntime) -> None:
    for body in ({"explode": True}, {"malformed": True}):
        status, _, payload = http("POST", runtime.api_url + "/items", json.dumps(body).encode(), {"x-api-key": API_KEY})
        assert status == 502
        assert json_body(payload) == {"message": "Internal server error"}


def test_body_over_10_mb_is_413(runtime: LocalRuntime) -> None:
    # GIVEN a request announcing one byte more than API Gateway's 10 MB payload limit
    status, _, body = http("POST", runtime.api_url + "/items", b"x" * (MAX_PAYLOAD + 1), {"x-api-key": API_KEY})
    # THEN it is refused before any function runs
    assert status == 413
    assert json_body(body) == {"message": "Request Too Long"}


# -- site and landing page ---------------------------------------------------------------------------
def test_site_bucket_is_served_read_only_with_stored_content_type(runtime: LocalRuntime) -> None:
    s3 = runtime.client("s3")
    feed = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": []}).encode()
    s3.put_object(Bucket=runtime.site_bucket, Key="feeds/all/feed.json", Body=feed, ContentType="application/feed+json")
    status, headers, body = http("GET", runtime.site_url + "/feeds/all/feed.json")
    assert (status, body) == (200, feed)
    assert header(headers, "Content-Type") == "application/feed+json"
    assert http("GET", runtime.site_url + "/feeds/none.json")[0] == 404
    assert http("PUT", runtime.site_url + "/feeds/all/feed.json", b"x")[0] == 403  # CloudFront: not allowed


def test_landing_page_lists_the_urls(runtime: LocalRuntime) -> None:
    status, headers, body = http("GET", runtime.base_url + "/")
    assert status == 200
    assert (header(headers, "Content-Type") or "").startswith("text/html")
    assert runtime.api_url + "/items/{id}" in body.decode()


# -- event source mappings ------------------------------------------------------------------------------
def test_sqs_partial_batch_failure_retries_then_moves_to_the_dlq(runtime: LocalRuntime) -> None:
    # GIVEN a rule → queue (maxReceiveCount 2) → function reporting batch item failures
    good, bad = f"ok-{uuid.uuid4()}", f"bad-{uuid.uuid4()}"
    # WHEN one good and one failing event are put on the bus
    _put_events(runtime, ("WorkRequested", {"id": good}), ("WorkRequested", {"id": bad, "fail": True}))
    assert runtime.wait_idle(15)
    # THEN the good one is processed once and deleted; the bad one is retried, then dead-lettered
    seen: dict[str, list[dict[str, Any]]] = {}
    for batch in workers().QUEUE_BATCHES:
        for record in batch:
            seen.setdefault(json.loads(record["body"])["detail"]["id"], []).append(record)
    assert len(seen[good]) == 1
    assert [r["attributes"]["ApproximateReceiveCount"] for r in seen[bad]] == ["1", "2"]
    record = seen[good][0]
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == attribute(runtime, WORK_QUEUE, "Arn")
    assert record["awsRegion"] == "us-east-1"
    assert {"messageId", "receiptHandle", "md5OfBody", "messageAttributes"} <= set(record)
    assert "SentTimestamp" in record["attributes"]
    dead = _drain(runtime, WORK_DLQ)
    assert [json.loads(m["Body"])["detail"]["id"] for m in dead] == [bad]


def test_stream_records_reach_the_handler_filtered_and_lambda_shaped(runtime: LocalRuntime) -> None:
    # GIVEN a stream mapping filtering INSERTs of keys starting with "s-"
    ddb, table = runtime.client("dynamodb"), physical(runtime, TABLE)
    kept, dropped = f"s-{uuid.uuid4()}", f"x-{uuid.uuid4()}"
    # WHEN a matching item is inserted then modified, and a non-matching one inserted
    ddb.put_item(TableName=table, Item={"pk": {"S": kept}, "v": {"N": "1"}, "blob": {"B": b"\x00\x01"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": kept}, "v": {"N": "2"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": dropped}})
    assert runtime.wait_idle(10)
    # THEN only the INSERT of the matching key is delivered, shaped as Lambda delivers it
    assert not _stream_records(dropped)
    (record,) = _stream_records(kept)
    assert (record["eventName"], record["eventSource"], record["awsRegion"]) == ("INSERT", "aws:dynamodb", "us-east-1")
    assert record["eventSourceARN"] == attribute(runtime, TABLE, "StreamArn")
    change = record["dynamodb"]
    assert change["Keys"] == {"pk": {"S": kept}}
    assert change["NewImage"]["blob"] == {"B": "AAE="}  # binary as base64, as in the JSON event
    assert change["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert isinstance(change["ApproximateCreationDateTime"], float)
    assert {"SequenceNumber", "SizeBytes"} <= set(change)


def test_stream_partial_failure_retries_from_the_failed_record(runtime: LocalRuntime) -> None:
    # GIVEN three items whose middle one fails on its first attempt (reported as a batch item failure)
    ddb, table = runtime.client("dynamodb"), physical(runtime, TABLE)
    first, flaky, last = (f"s-{name}-{uuid.uuid4()}" for name in ("first", "flaky", "last"))
    ddb.batch_write_item(
        RequestItems={
            table: [
                {"PutRequest": {"Item": {"pk": {"S": key}, "mode": {"S": mode}}}}
                for key, mode in ((first, "ok"), (flaky, "flaky"), (last, "ok"))
            ]
        }
    )
    assert runtime.wait_idle(10)
    # THEN processing resumes at the failed record: nothing before it is redelivered
    attempts = workers().ATTEMPTS
    assert attempts[first] == 1
    assert attempts[flaky] == 2
    assert attempts[last] in (1, 2)  # redelivered only if it shared the flaky record's batch


def test_poison_record_is_bisected_retried_and_sent_to_the_on_failure_queue(runtime: LocalRuntime) -> None:
    # GIVEN BisectBatchOnFunctionError, MaximumRetryAttempts 1 and an SQS on-failure destination
    ddb, table = runtime.client("dynamodb"), physical(runtime, TABLE)
    before, poison, after = (f"s-{name}-{uuid.uuid4()}" for name in ("before", "poison", "after"))
    ddb.batch_write_item(
        RequestItems={
            table: [
                {"PutRequest": {"Item": {"pk": {"S": key}, "mode": {"S": mode}}}}
                for key, mode in ((before, "ok"), (poison, "poison"), (after, "ok"))
            ]
        }
    )
    # WHEN the handler raises on one record every time
    assert runtime.wait_idle(20)
    # THEN the batch is split down to that record, retried once, then discarded with an AWS-shaped record
    (message,) = _drain(runtime, STREAM_FAILURES)
    failure = json.loads(message["Body"])
    poison_sequence = _stream_records(poison)[0]["dynamodb"]["SequenceNumber"]
    info = failure["DDBStreamBatchInfo"]
    assert (info["startSequenceNumber"], info["endSequenceNumber"], info["batchSize"]) == (
        poison_sequence,
        poison_sequence,
        1,
    )
    assert info["streamArn"] == attribute(runtime, TABLE, "StreamArn")
    assert info["shardId"].startswith("shardId-")
    assert failure["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert failure["requestContext"]["approximateInvokeCount"] == 2
    assert failure["requestContext"]["functionArn"].endswith(":function:Fixture-StreamFunction1A2B3C4D")
    assert failure["responseContext"]["functionError"] == "Unhandled"
    # and the records around it were still processed
    attempts = workers().ATTEMPTS
    assert attempts[before] >= 1 and attempts[after] >= 1


def test_rule_with_a_lambda_target_invokes_it_asynchronously(runtime: LocalRuntime) -> None:
    marker = str(uuid.uuid4())
    _put_events(runtime, ("Audited", {"id": marker}))
    assert runtime.wait_idle(10)
    (event,) = [e for e in workers().EVENTS if e["detail"].get("id") == marker]
    assert (event["detail-type"], event["source"]) == ("Audited", "fixture.pipeline")


def test_api_write_reaches_the_stream_handler(runtime: LocalRuntime) -> None:
    # GIVEN the full local path: HTTP → API Gateway → function → DynamoDB → stream → function
    key = f"s-latency-{uuid.uuid4()}"
    started = time.monotonic()
    status, _, _ = http("POST", runtime.api_url + "/items", json.dumps({"pk": key}).encode(), {"x-api-key": API_KEY})
    assert status == 202
    # WHEN polled THEN the stream handler gets the record (how fast is make bench's business)
    while not _stream_records(key) and time.monotonic() - started < 5:
        time.sleep(0.01)
    assert _stream_records(key)


def test_a_template_without_a_user_pool_has_no_tokens_and_no_jwks(runtime: LocalRuntime) -> None:
    status, _, body = http("POST", runtime.base_url + "/_local/token", b'{"role": "editor"}')
    assert status == 404
    assert "no Cognito user pool" in json_body(body)["message"]
    assert http("GET", runtime.base_url + "/_local/jwks.json")[0] == 404
