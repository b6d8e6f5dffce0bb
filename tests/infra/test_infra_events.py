"""Events and queues: routing rules, DLQs, visibility timeouts, alarms, and the event source mappings."""

from __future__ import annotations

import json

import pytest

from infra import constants

REPORT_FAILURES = ["ReportBatchItemFailures"]


def _queue_of_rule(synth, rule):
    (target,) = rule["Properties"]["Targets"]
    return target, target["Arn"]["Fn::GetAtt"][0]


def _mapping_for_queue(synth, queue_id):
    for mapping in synth.resources("AWS::Lambda::EventSourceMapping").values():
        if mapping["Properties"]["EventSourceArn"] == {"Fn::GetAtt": [queue_id, "Arn"]}:
            return mapping["Properties"]
    raise AssertionError(f"no event source mapping reads {queue_id}")


def _function_name(synth, function_ref):
    return next(name for name, (logical_id, _) in synth.functions().items() if function_ref == {"Ref": logical_id})


def test_rules_route_each_trigger_to_its_consumer_queue(synth):
    # GIVEN the bus and its rules
    bus_id, _ = synth.one("AWS::Events::EventBus")
    routes = {}
    for rule in synth.resources("AWS::Events::Rule").values():
        props = rule["Properties"]
        # THEN every rule listens on the custom bus to the pipeline's source only
        assert props["EventBusName"] == {"Ref": bus_id}
        assert props["EventPattern"]["source"] == [constants.EVENT_SOURCE]
        target, queue_id = _queue_of_rule(synth, rule)
        # AND delivers the whole event (moto ignores InputPath/Input, so the template must not use them)
        assert not {"Input", "InputPath", "InputTransformer"} & set(target)
        consumer = _function_name(synth, _mapping_for_queue(synth, queue_id)["FunctionName"])
        routes[consumer] = tuple(props["EventPattern"]["detail-type"])
    assert routes == {"enrich": constants.ENRICH_TRIGGERS, "build_feeds": constants.FEED_TRIGGERS}


def test_bus_is_archived(synth):
    bus_id, _ = synth.one("AWS::Events::EventBus")
    _, archive = synth.one("AWS::Events::Archive")
    assert archive["Properties"]["SourceArn"] == {"Fn::GetAtt": [bus_id, "Arn"]}
    assert archive["Properties"]["RetentionDays"] == constants.EVENT_ARCHIVE_RETENTION_DAYS


@pytest.mark.parametrize("consumer", [constants.ENRICH, constants.BUILD_FEEDS], ids=lambda spec: spec.name)
def test_consumer_queue_has_a_dlq_and_outlasts_its_consumer(synth, consumer):
    # GIVEN the queue read by a consumer function
    queues = synth.resources("AWS::SQS::Queue")
    function_id, function = synth.functions()[consumer.name]
    (queue_id,) = [
        m["Properties"]["EventSourceArn"]["Fn::GetAtt"][0]
        for m in synth.resources("AWS::Lambda::EventSourceMapping").values()
        if m["Properties"]["FunctionName"] == {"Ref": function_id}
    ]
    queue = queues[queue_id]["Properties"]
    # THEN it redrives to its own DLQ after MAX_RECEIVE_COUNT deliveries
    redrive = queue["RedrivePolicy"]
    assert redrive["maxReceiveCount"] == constants.MAX_RECEIVE_COUNT
    dlq_id = redrive["deadLetterTargetArn"]["Fn::GetAtt"][0]
    assert queues[dlq_id]["Properties"]["MessageRetentionPeriod"] == constants.DLQ_RETENTION_DAYS * 86_400
    # AND a message stays invisible for at least six runs of the consumer
    assert queue["VisibilityTimeout"] >= 6 * function["Properties"]["Timeout"]
    assert queue["SqsManagedSseEnabled"] is True


def test_dlqs_are_not_shared(synth):
    dlqs = [
        q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]
        for q in synth.resources("AWS::SQS::Queue").values()
        if "RedrivePolicy" in q["Properties"]
    ]
    assert len(dlqs) == len({json.dumps(d) for d in dlqs}) == 2


def test_every_queue_is_encrypted_and_tls_only(synth):
    queues = synth.resources("AWS::SQS::Queue")
    assert len(queues) == 5  # two consumer queues, their DLQs, the relay's failure queue
    for queue_id, queue in queues.items():
        assert queue["Properties"]["SqsManagedSseEnabled"] is True
        denies_plain = any(
            s["Effect"] == "Deny" and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
            for policy in synth.resources("AWS::SQS::QueuePolicy").values()
            if {"Ref": queue_id} in policy["Properties"]["Queues"]
            for s in policy["Properties"]["PolicyDocument"]["Statement"]
        )
        assert denies_plain, f"{queue_id} accepts plain HTTP"


def test_every_dead_letter_queue_has_an_alarm(synth):
    # GIVEN the DLQs: the consumer queues' and the relay's on-failure destination
    queues = synth.resources("AWS::SQS::Queue")
    redrive_dlqs = {
        q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        for q in queues.values()
        if "RedrivePolicy" in q["Properties"]
    }
    relay_mapping = next(
        m["Properties"]
        for m in synth.resources("AWS::Lambda::EventSourceMapping").values()
        if "DestinationConfig" in m["Properties"]
    )
    relay_dlq = relay_mapping["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0]
    # WHEN the alarms are read
    alarmed = {}
    for alarm in synth.resources("AWS::CloudWatch::Alarm").values():
        props = alarm["Properties"]
        if props["MetricName"] != "ApproximateNumberOfMessagesVisible":
            continue  # the other alarms are Monitoring's (tests/infra/test_infra_monitoring.py)
        (dimension,) = props["Dimensions"]
        alarmed[dimension["Value"]["Fn::GetAtt"][0]] = props
    # THEN each DLQ alarms as soon as one message is visible
    assert set(alarmed) == redrive_dlqs | {relay_dlq}
    for props in alarmed.values():
        assert props["MetricName"] == "ApproximateNumberOfMessagesVisible"
        assert props["Namespace"] == "AWS/SQS"
        assert props["ComparisonOperator"] == "GreaterThanThreshold"
        assert props["Threshold"] == 0


def test_every_event_source_mapping_reports_partial_batch_failures(synth):
    mappings = synth.resources("AWS::Lambda::EventSourceMapping")
    assert len(mappings) == 3
    for mapping in mappings.values():
        assert mapping["Properties"]["FunctionResponseTypes"] == REPORT_FAILURES


def test_relay_reads_only_head_items_from_the_stream(synth):
    # GIVEN the relay's mapping
    table_id, _ = synth.one("AWS::DynamoDB::Table")
    relay_id, _ = synth.functions()["relay"]
    (props,) = [
        m["Properties"]
        for m in synth.resources("AWS::Lambda::EventSourceMapping").values()
        if m["Properties"]["FunctionName"] == {"Ref": relay_id}
    ]
    # THEN it reads the table's stream from the start, in batches, bisecting and bounding retries
    assert props["EventSourceArn"] == {"Fn::GetAtt": [table_id, "StreamArn"]}
    assert props["StartingPosition"] == "TRIM_HORIZON"
    assert props["BatchSize"] == constants.RELAY_BATCH_SIZE
    assert props["BisectBatchOnFunctionError"] is True
    assert props["MaximumRetryAttempts"] == constants.RELAY_MAX_RETRIES
    # AND only records whose sort key is HEAD reach it
    (pattern,) = [json.loads(f["Pattern"]) for f in props["FilterCriteria"]["Filters"]]
    assert pattern == {"dynamodb": {"Keys": {"sk": {"S": ["HEAD"]}}}}


@pytest.mark.parametrize(
    ("consumer", "window"),
    [(constants.ENRICH, None), (constants.BUILD_FEEDS, constants.FEEDS_BATCHING_WINDOW_S)],
    ids=["enrich", "build_feeds"],
)
def test_queue_consumers_batch_as_configured(synth, consumer, window):
    function_id, _ = synth.functions()[consumer.name]
    (props,) = [
        m["Properties"]
        for m in synth.resources("AWS::Lambda::EventSourceMapping").values()
        if m["Properties"]["FunctionName"] == {"Ref": function_id}
    ]
    assert props["BatchSize"] == constants.QUEUE_BATCH_SIZE
    assert props.get("MaximumBatchingWindowInSeconds") == window
