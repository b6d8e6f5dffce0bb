"""Monitoring: the alarm topic, the alarms on functions, API, queues and relay, and the dashboard."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra import constants
from infra.constructs.monitoring import BUSINESS_METRICS

PERIOD_S = constants.ALARM_PERIOD_MINUTES * 60


def _alarms(synth, namespace: str, metric_name: str) -> list[dict[str, Any]]:
    return [
        alarm["Properties"]
        for alarm in synth.resources("AWS::CloudWatch::Alarm").values()
        if alarm["Properties"]["Namespace"] == namespace and alarm["Properties"]["MetricName"] == metric_name
    ]


def _dimensions(props: dict[str, Any]) -> dict[str, Any]:
    return {d["Name"]: d["Value"] for d in props["Dimensions"]}


def _consumer_queue(synth, consumer: constants.FunctionSpec) -> str:
    function_id, _ = synth.functions()[consumer.name]
    (queue_id,) = [
        m["Properties"]["EventSourceArn"]["Fn::GetAtt"][0]
        for m in synth.resources("AWS::Lambda::EventSourceMapping").values()
        if m["Properties"]["FunctionName"] == {"Ref": function_id}
    ]
    return queue_id


def _assert_fires_above(props: dict[str, Any], threshold: float, statistic: str) -> None:
    assert props["Threshold"] == threshold
    assert props["ComparisonOperator"] == "GreaterThanThreshold"
    assert props["Period"] == PERIOD_S
    assert statistic in (props.get("Statistic"), props.get("ExtendedStatistic"))


def _token(part: dict[str, Any]) -> str:
    """A readable stand-in for a CloudFormation token inside the dashboard body's JSON strings."""
    if "Ref" in part:
        return f"<Ref {part['Ref']}>"
    if "Fn::GetAtt" in part:
        return f"<GetAtt {'.'.join(part['Fn::GetAtt'])}>"
    return "<token>"


def _dashboard_body(synth) -> dict[str, Any]:
    """The dashboard body as JSON, each CloudFormation token replaced by a readable placeholder."""
    _, dashboard = synth.one("AWS::CloudWatch::Dashboard")
    body = dashboard["Properties"]["DashboardBody"]
    if isinstance(body, str):
        return json.loads(body)
    delimiter, parts = body["Fn::Join"]
    return json.loads(delimiter.join(part if isinstance(part, str) else _token(part) for part in parts))


def _dashboard_metrics(synth) -> list[list[Any]]:
    """Every metric line of every widget: [namespace, name, dim name, dim value, ..., {options}]."""
    return [
        metric for widget in _dashboard_body(synth)["widgets"] for metric in widget["properties"].get("metrics", [])
    ]


@pytest.mark.parametrize("metric_name", ["Errors", "Throttles"])
@pytest.mark.parametrize("spec", constants.FUNCTIONS, ids=lambda spec: spec.name)
def test_every_function_has_an_errors_and_a_throttles_alarm(synth, spec, metric_name):
    # GIVEN a pipeline function
    function_id, _ = synth.functions()[spec.name]
    # WHEN the Lambda alarms on that metric are read
    alarms = [
        props
        for props in _alarms(synth, "AWS/Lambda", metric_name)
        if _dimensions(props) == {"FunctionName": {"Ref": function_id}}
    ]
    # THEN exactly one fires as soon as the sum over five minutes is above zero
    (props,) = alarms
    _assert_fires_above(props, 0, "Sum")
    assert props["EvaluationPeriods"] == 1
    assert spec.name in props["AlarmName"] and props["AlarmDescription"]


@pytest.mark.parametrize("consumer", [constants.ENRICH, constants.BUILD_FEEDS], ids=lambda spec: spec.name)
def test_each_consumer_queue_alarms_when_its_oldest_message_is_too_old(synth, consumer):
    # GIVEN the queue a consumer reads
    queue_id = _consumer_queue(synth, consumer)
    # WHEN the age-of-oldest-message alarms are read
    alarms = [
        props
        for props in _alarms(synth, "AWS/SQS", "ApproximateAgeOfOldestMessage")
        if _dimensions(props) == {"QueueName": {"Fn::GetAtt": [queue_id, "QueueName"]}}
    ]
    # THEN one fires when the oldest message has waited longer than the stall threshold (seconds)
    (props,) = alarms
    _assert_fires_above(props, constants.QUEUE_AGE_ALARM_S, "Maximum")
    assert constants.QUEUE_AGE_ALARM_S == 300


def test_relay_alarms_when_it_falls_behind_the_stream(synth):
    # GIVEN the relay, the only function reading the table stream
    relay_id, _ = synth.functions()[constants.RELAY.name]
    # WHEN the iterator-age alarms are read
    (props,) = _alarms(synth, "AWS/Lambda", "IteratorAge")
    # THEN the one alarm watches the relay and fires above one minute (IteratorAge is in milliseconds)
    assert _dimensions(props) == {"FunctionName": {"Ref": relay_id}}
    _assert_fires_above(props, 60_000, "Maximum")
    assert constants.ITERATOR_AGE_ALARM_MS == 60_000


def test_api_alarms_on_server_errors_and_p99_latency(synth):
    # GIVEN the API's stage
    stage_id, _ = synth.one("AWS::ApiGateway::Stage")
    # WHEN the API Gateway alarms are read
    (errors,) = _alarms(synth, "AWS/ApiGateway", "5XXError")
    (latency,) = _alarms(synth, "AWS/ApiGateway", "Latency")
    # THEN both watch that stage: any 5xx in five minutes, and a p99 above three seconds
    for props in (errors, latency):
        assert _dimensions(props)["Stage"] == {"Ref": stage_id}
    _assert_fires_above(errors, 0, "Sum")
    _assert_fires_above(latency, 3_000, "p99")


def test_every_alarm_notifies_the_topic_on_alarm_and_on_ok(synth):
    # GIVEN the alarm topic and every alarm of the stack, the DLQ alarms of Events included
    topic_id, _ = synth.one("AWS::SNS::Topic")
    alarms = synth.resources("AWS::CloudWatch::Alarm")
    dlq_alarms = [a for a in alarms.values() if a["Properties"]["MetricName"] == "ApproximateNumberOfMessagesVisible"]
    assert len(dlq_alarms) == 3
    # 2 per function, 2 on the API, 2 queue ages, 1 iterator age, 3 DLQs
    assert len(alarms) == 2 * len(constants.FUNCTIONS) + 2 + 2 + 1 + 3
    for logical_id, alarm in alarms.items():
        props = alarm["Properties"]
        # THEN each one notifies the topic when it fires and when it recovers
        assert props["AlarmActions"] == [{"Ref": topic_id}], logical_id
        assert props["OKActions"] == [{"Ref": topic_id}], logical_id
        # AND no data (a quiet pipeline) is not an alarm
        assert props["TreatMissingData"] == "notBreaching", logical_id
        assert props.get("ActionsEnabled", True) is True, logical_id


def test_alarm_topic_requires_tls_and_is_encrypted_with_a_key_cloudwatch_can_use(synth):
    # GIVEN the alarm topic, its policy and its key
    topic_id, topic = synth.one("AWS::SNS::Topic")
    (policy,) = [
        p["Properties"]
        for p in synth.resources("AWS::SNS::TopicPolicy").values()
        if {"Ref": topic_id} in p["Properties"]["Topics"]
    ]
    statements = policy["PolicyDocument"]["Statement"]
    # THEN plain-HTTP publishing is denied to everyone
    assert any(
        s["Effect"] == "Deny"
        and s["Principal"] == "*"
        and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        and s["Resource"] == {"Ref": topic_id}
        for s in statements
    )
    # AND CloudWatch may publish, for alarms of this account only
    (allow,) = [s for s in statements if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert allow["Action"] == "sns:Publish"
    assert allow["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    # AND the topic is encrypted with a rotated customer-managed key whose policy lets CloudWatch use it
    key_id = topic["Properties"]["KmsMasterKeyId"]["Fn::GetAtt"][0]
    key = synth.resources("AWS::KMS::Key")[key_id]["Properties"]
    assert key["EnableKeyRotation"] is True
    assert any(
        s["Effect"] == "Allow"
        and s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
        and set(s["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey*"}
        for s in key["KeyPolicy"]["Statement"]
    )


def test_no_email_subscription_without_the_context_value(synth):
    # GIVEN the app built with cdk.json's context, which does not set newsroom:alarmEmail
    assert synth.app.node.try_get_context(constants.CONTEXT_ALARM_EMAIL) is None
    # THEN the topic has no subscription
    assert synth.resources("AWS::SNS::Subscription") == {}


def test_dashboard_shows_api_functions_queues_relay_and_business_metrics(synth):
    # GIVEN the dashboard
    _, dashboard = synth.one("AWS::CloudWatch::Dashboard")
    assert dashboard["Properties"]["DashboardName"] == constants.DASHBOARD_NAME == "Newsroom"
    # WHEN its metric lines are read
    metrics = _dashboard_metrics(synth)
    names = {(m[0], m[1]) for m in metrics}
    # THEN it shows the API's requests, 4xx, 5xx and latency
    assert {("AWS/ApiGateway", name) for name in ("Count", "4XXError", "5XXError", "Latency")} <= names
    # AND invocations, errors and p95 duration of every function
    for spec in constants.FUNCTIONS:
        function_id, _ = synth.functions()[spec.name]
        shown = {m[1]: m[-1] for m in metrics if m[0] == "AWS/Lambda" and f"<Ref {function_id}>" in m}
        assert {"Invocations", "Errors", "Duration"} <= set(shown), spec.name
        assert shown["Duration"]["stat"] == "p95"
    # AND the depth and age of the consumer queues, and the relay's iterator age
    for consumer in (constants.ENRICH, constants.BUILD_FEEDS):
        queue = f"<GetAtt {_consumer_queue(synth, consumer)}.QueueName>"
        shown_for_queue = {m[1] for m in metrics if m[0] == "AWS/SQS" and queue in m}
        assert {"ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage"} <= shown_for_queue
    relay_id, _ = synth.functions()[constants.RELAY.name]
    assert any(m[:2] == ["AWS/Lambda", "IteratorAge"] and f"<Ref {relay_id}>" in m for m in metrics)
    # AND the custom EMF metrics, under the namespace and service each function's Powertools uses
    functions = {
        name: resource["Properties"]["Environment"]["Variables"] for name, (_, resource) in synth.functions().items()
    }
    for metric_name, spec in BUSINESS_METRICS:
        env = functions[spec.name]
        assert [env["POWERTOOLS_METRICS_NAMESPACE"], metric_name, "service", env["POWERTOOLS_SERVICE_NAME"]] in [
            m[:4] for m in metrics
        ], metric_name
    assert {name for name, _ in BUSINESS_METRICS} == {
        "ArticlesAccepted",
        "ArticlesPublished",
        "ArticlesRejected",
        "FeedsRebuilt",
        "EventsPublished",
    }


def test_outputs_name_the_topic_and_the_dashboard(synth):
    topic_id, _ = synth.one("AWS::SNS::Topic")
    dashboard_id, _ = synth.one("AWS::CloudWatch::Dashboard")
    outputs = synth.json["Outputs"]
    assert outputs["AlarmTopicArn"]["Value"] == {"Ref": topic_id}
    assert outputs["DashboardName"]["Value"] == {"Ref": dashboard_id}
