"""Monitoring: every alarm to the encrypted topic; errors, throttles, lag, stalls and dead letters alarmed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra import constants
from infra.constructs.monitoring import BUSINESS_METRICS


def _alarms(synth) -> dict[str, dict[str, Any]]:
    return {a["Properties"]["AlarmName"]: a["Properties"] for a in synth.resources("AWS::CloudWatch::Alarm").values()}


def _metric(alarm: dict[str, Any]) -> dict[str, Any]:
    """The alarm's one metric (the library writes alarms as metric math with a single metric)."""
    (query,) = [m for m in alarm["Metrics"] if "MetricStat" in m]
    return query["MetricStat"]


def _dimensions(metric_stat: dict[str, Any]) -> dict[str, Any]:
    return {d["Name"]: d["Value"] for d in metric_stat["Metric"].get("Dimensions", [])}


def _fires_above(alarm: dict[str, Any], threshold: float) -> None:
    assert alarm["Threshold"] == threshold
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
    assert (alarm["EvaluationPeriods"], alarm["DatapointsToAlarm"]) == (1, 1)


@pytest.mark.parametrize("kind", ["Fault", "Throttled"])
@pytest.mark.parametrize("spec", constants.FUNCTIONS, ids=lambda spec: spec.name)
def test_every_function_alarms_on_any_error_and_any_throttle(synth, spec, kind):
    # GIVEN a function and its alarm of that kind
    function_id, _ = synth.functions()[spec.name]
    alarm = _alarms(synth)[f"Newsroom-{spec.name}-{kind}-Count-Critical"]
    metric = _metric(alarm)
    # THEN it watches that function's Errors (or Throttles) and fires on the first one in 5 minutes
    assert metric["Metric"]["Namespace"] == "AWS/Lambda"
    assert metric["Metric"]["MetricName"] == {"Fault": "Errors", "Throttled": "Throttles"}[kind]
    assert _dimensions(metric) == {"FunctionName": {"Ref": function_id}}
    assert metric["Period"] == constants.ALARM_PERIOD_MINUTES * 60
    _fires_above(alarm, 0)


@pytest.mark.parametrize(
    ("queue", "dlq", "name"),
    [("EnrichmentQueue", "EnrichmentDlq", "enrich"), ("SchedulingQueue", "SchedulingDlq", "schedule")],
)
def test_work_queues_alarm_when_stalled_and_their_dlqs_on_the_first_message(synth, queue, dlq, name):
    alarms = _alarms(synth)
    # GIVEN a work queue's age alarm  THEN it fires when the oldest message waited more than 5 minutes
    age = alarms[f"Newsroom-{name}-Queue-Message-Age-Max-Warning"]
    assert _metric(age)["Metric"]["MetricName"] == "ApproximateAgeOfOldestMessage"
    queue_id = synth.logical_id(queue, "AWS::SQS::Queue")
    assert _dimensions(_metric(age)) == {"QueueName": {"Fn::GetAtt": [queue_id, "QueueName"]}}
    _fires_above(age, constants.QUEUE_AGE_ALARM_S)
    # AND its DLQ's alarm fires as soon as one message is there
    dead = alarms[f"Newsroom-{name}-DLQ-Queue-Message-Count-Max-Critical"]
    dlq_id = synth.logical_id(dlq, "AWS::SQS::Queue")
    assert _metric(dead)["Metric"]["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert _dimensions(_metric(dead)) == {"QueueName": {"Fn::GetAtt": [dlq_id, "QueueName"]}}
    _fires_above(dead, 0)


def test_every_dead_letter_queue_has_an_alarm(synth):
    # GIVEN every queue that receives dead letters: redrive targets, rule target DLQs, the relay's failures
    queues = synth.resources("AWS::SQS::Queue")
    dlqs = {
        q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        for q in queues.values()
        if "RedrivePolicy" in q["Properties"]
    }
    for rule in synth.resources("AWS::Events::Rule").values():
        dlqs |= {t["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0] for t in rule["Properties"]["Targets"]}
    for mapping in synth.resources("AWS::Lambda::EventSourceMapping").values():
        if "DestinationConfig" in mapping["Properties"]:
            dlqs.add(mapping["Properties"]["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0])
    assert len(dlqs) == 4
    # WHEN the alarms on visible messages are collected
    alarmed = {
        _dimensions(_metric(alarm))["QueueName"]["Fn::GetAtt"][0]
        for alarm in _alarms(synth).values()
        if _metric(alarm)["Metric"]["MetricName"] == "ApproximateNumberOfMessagesVisible"
    }
    # THEN each DLQ has one
    assert dlqs <= alarmed


def test_relay_alarms_when_a_minute_behind_the_stream(synth):
    relay_id, _ = synth.functions()["relay"]
    alarm = _alarms(synth)["Newsroom-relay-Iterator-Age-Max-Warning"]
    assert _metric(alarm)["Metric"]["MetricName"] == "IteratorAge"
    assert _dimensions(_metric(alarm)) == {"FunctionName": {"Ref": relay_id}}
    _fires_above(alarm, constants.ITERATOR_AGE_ALARM_MS)


def test_api_alarms_on_server_errors_and_p99_latency(synth):
    alarms = _alarms(synth)
    errors, latency = alarms["Newsroom-rest-api-Fault-Count-Critical"], alarms["Newsroom-rest-api-Latency-P99-Warning"]
    assert _metric(errors)["Metric"]["MetricName"] == "5XXError"
    assert _dimensions(_metric(errors))["Stage"] == constants.API_STAGE
    _fires_above(errors, 0)
    assert _metric(latency)["Metric"]["MetricName"] == "Latency"
    assert _metric(latency)["Stat"] == "p99"
    _fires_above(latency, constants.API_LATENCY_P99_ALARM_MS)


def test_every_alarm_notifies_the_topic_on_alarm_and_on_ok_and_a_quiet_pipeline_is_healthy(synth):
    # GIVEN the alarm topic and every alarm of the stack
    topic_id, _ = synth.one("AWS::SNS::Topic")
    alarms = _alarms(synth)
    # 2 per function, the relay's lag, 2 on the API, 2 per work queue, 2 lone DLQs, the WAF
    assert len(alarms) == 2 * len(constants.FUNCTIONS) + 1 + 2 + 4 + 2 + 1
    for name, alarm in alarms.items():
        assert alarm["AlarmActions"] == [{"Ref": topic_id}], name
        assert alarm["OKActions"] == [{"Ref": topic_id}], name
        assert alarm["TreatMissingData"] == "notBreaching", name
        assert alarm.get("ActionsEnabled", True) is True, name


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
        s["Effect"] == "Deny" and s["Principal"] == "*" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
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
    # GIVEN the default stage, which sets no alarm e-mail  THEN the topic has no subscription
    assert synth.stack.config.alarm_email is None
    assert synth.resources("AWS::SNS::Subscription") == {}


def _dashboard_metrics(synth) -> list[list[Any]]:
    """Every metric line of every widget ([namespace, name, dim name, dim value, ..., {options}]), each
    CloudFormation token of the body replaced by a placeholder."""
    _, dashboard = synth.one("AWS::CloudWatch::Dashboard")
    body = dashboard["Properties"]["DashboardBody"]
    if not isinstance(body, str):
        delimiter, parts = body["Fn::Join"]
        body = delimiter.join(part if isinstance(part, str) else "<token>" for part in parts)
    widgets = json.loads(body)["widgets"]
    return [metric for widget in widgets for metric in widget.get("properties", {}).get("metrics", [])]


def test_one_dashboard_shows_the_business_metrics_under_each_functions_service(synth):
    # GIVEN the dashboard and the functions' Powertools settings
    _, dashboard = synth.one("AWS::CloudWatch::Dashboard")
    lines = [metric[:4] for metric in _dashboard_metrics(synth)]
    env = {name: f["Properties"]["Environment"]["Variables"] for name, (_, f) in synth.functions().items()}
    # THEN it is the Newsroom dashboard, and it shows each business metric under the namespace and
    # service the emitting function's Powertools uses
    assert dashboard["Properties"]["DashboardName"] == constants.DASHBOARD_NAME
    for metric_name, spec in BUSINESS_METRICS:
        variables = env[spec.name]
        namespace, service = variables["POWERTOOLS_METRICS_NAMESPACE"], variables["POWERTOOLS_SERVICE_NAME"]
        assert [namespace, metric_name, "service", service] in lines, metric_name


def test_outputs_name_the_topic(synth):
    topic_id, _ = synth.one("AWS::SNS::Topic")
    assert synth.json["Outputs"]["AlarmTopicArn"]["Value"] == {"Ref": topic_id}
