"""Queues, rules and the stream: routing from the event models, DLQs everywhere, retries sized for faults."""

from __future__ import annotations

import json

import pytest

from infra import constants
from shared.models.events import ArticleSubmitted
from shared.service.relay import WORK

REPORT_FAILURES = ["ReportBatchItemFailures"]


def _mapping_of(synth, function_name):
    function_id, _ = synth.functions()[function_name]
    (props,) = [
        m["Properties"]
        for m in synth.resources("AWS::Lambda::EventSourceMapping").values()
        if m["Properties"]["FunctionName"] == {"Ref": function_id}
    ]
    return props


def _queue(synth, logical_id):
    return synth.resources("AWS::SQS::Queue")[logical_id]["Properties"]


def test_no_rule_routes_work_over_the_bus_the_relay_sends_it_to_the_enrich_queue(synth):
    # GIVEN the rules on the custom bus  THEN there are none: partners add theirs (the bus is the contract)
    assert not [r for r in synth.resources("AWS::Events::Rule").values() if "EventBusName" in r["Properties"]]
    # AND the relay and the reconciler know the enrich queue (accepted revisions go straight to it)
    queue = synth.logical_id("EnrichmentQueue", "AWS::SQS::Queue")
    for name in ("relay", "reconcile"):
        _, function = synth.functions()[name]
        variables = function["Properties"]["Environment"]["Variables"]
        assert variables["ENRICH_QUEUE_ARN"] == {"Fn::GetAtt": [queue, "Arn"]}
        assert ArticleSubmitted.detail_type in WORK


def test_the_reconcile_tick_runs_every_minute_with_retries_and_a_dlq(synth):
    # GIVEN the rules on the default bus
    (rule,) = [
        r["Properties"]
        for r in synth.resources("AWS::Events::Rule").values()
        if "ScheduleExpression" in r["Properties"]
    ]
    reconcile_id, _ = synth.functions()["reconcile"]
    tick_dlq = synth.logical_id("SchedulingTickDlq", "AWS::SQS::Queue")
    # THEN it invokes the reconcile function every minute, retries briefly and keeps undeliverable ticks
    assert rule["ScheduleExpression"] == "rate(1 minute)"
    (target,) = rule["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": [reconcile_id, "Arn"]}
    assert target["RetryPolicy"] == {
        "MaximumRetryAttempts": constants.TICK_TARGET_RETRY_ATTEMPTS,
        "MaximumEventAgeInSeconds": constants.TICK_TARGET_MAX_EVENT_AGE_S,
    }
    assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [tick_dlq, "Arn"]}}


def test_every_rule_target_has_a_dlq_and_a_retry_policy(synth):
    for rule in synth.resources("AWS::Events::Rule").values():
        for target in rule["Properties"]["Targets"]:
            assert "DeadLetterConfig" in target and "RetryPolicy" in target, target


def test_enrich_retries_are_sized_so_faults_practically_never_reach_the_dlq():
    # GIVEN ~7 AWS calls per enrichment attempt, each failing 10% of the time after the SDK's own retries
    attempt_fails = 1 - (1 - constants.ENRICH_FAULT_RATE) ** constants.ENRICH_CALLS_PER_ATTEMPT
    assert attempt_fails > 0.5
    # WHEN a message is received ENRICH_MAX_RECEIVE_COUNT times before the DLQ
    to_dlq = attempt_fails**constants.ENRICH_MAX_RECEIVE_COUNT
    # THEN fewer than one message in 100 years reaches the DLQ at 10,000 submissions a day,
    # and fewer than one in 10 years at the default daily quota of the CMS's key
    assert to_dlq * 10_000 * 365 * 100 < 1
    assert to_dlq * 200_000 * 365 * 10 < 1


@pytest.mark.parametrize(
    ("queue", "dlq", "consumer", "receives"),
    [
        ("EnrichmentQueue", "EnrichmentDlq", constants.ENRICH, constants.ENRICH_MAX_RECEIVE_COUNT),
        ("SchedulingQueue", "SchedulingDlq", constants.RECONCILE, constants.SCHEDULE_MAX_RECEIVE_COUNT),
    ],
    ids=["enrich", "schedule"],
)
def test_work_queue_redrives_to_its_dlq_and_outlasts_its_consumer(synth, queue, dlq, consumer, receives):
    # GIVEN a consumer's queue and its DLQ
    props = _queue(synth, synth.logical_id(queue, "AWS::SQS::Queue"))
    dlq_id = synth.logical_id(dlq, "AWS::SQS::Queue")
    # THEN it redrives to its own DLQ after the sized number of receives
    assert props["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]},
        "maxReceiveCount": receives,
    }
    assert _queue(synth, dlq_id)["MessageRetentionPeriod"] == constants.DLQ_RETENTION_DAYS * 86_400
    # AND a message stays invisible for six runs of the consumer (AWS guidance)
    assert props["VisibilityTimeout"] == 6 * consumer.timeout_s
    # AND the consumer reads it in batches and reports partial failures
    queue_id = synth.logical_id(queue, "AWS::SQS::Queue")
    mapping = _mapping_of(synth, consumer.name)
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": [queue_id, "Arn"]}
    assert mapping["BatchSize"] == constants.QUEUE_BATCH_SIZE
    assert mapping["FunctionResponseTypes"] == REPORT_FAILURES


def test_every_queue_is_encrypted_and_tls_only(synth):
    queues = synth.resources("AWS::SQS::Queue")
    # two work queues, their DLQs, the relay's failures and the tick's DLQ
    assert len(queues) == 6
    for queue_id, queue in queues.items():
        assert queue["Properties"]["SqsManagedSseEnabled"] is True
        denies_plain = any(
            s["Effect"] == "Deny" and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
            for policy in synth.resources("AWS::SQS::QueuePolicy").values()
            if {"Ref": queue_id} in policy["Properties"]["Queues"]
            for s in policy["Properties"]["PolicyDocument"]["Statement"]
        )
        assert denies_plain, f"{queue_id} accepts plain HTTP"


def test_relay_reads_only_heads_and_retries_until_records_near_expiry(synth):
    # GIVEN the relay's stream mapping
    table_id, _ = synth.one("AWS::DynamoDB::Table")
    failures = synth.logical_id("OutboxRelayFailures", "AWS::SQS::Queue")
    props = _mapping_of(synth, "relay")
    # THEN it reads the table's stream from the start, in batches
    assert props["EventSourceArn"] == {"Fn::GetAtt": [table_id, "StreamArn"]}
    assert props["StartingPosition"] == "TRIM_HORIZON"
    assert props["BatchSize"] == constants.RELAY_BATCH_SIZE
    # AND bisects a failing batch, reports the failed records, and retries without a count limit until a
    # record is 23 h old (the stream keeps records 24 h), then sends its coordinates to the failures queue
    assert props["BisectBatchOnFunctionError"] is True
    assert props["FunctionResponseTypes"] == REPORT_FAILURES
    assert props["MaximumRetryAttempts"] == -1
    assert props["MaximumRecordAgeInSeconds"] == 23 * 3600 < 24 * 3600
    assert props["DestinationConfig"] == {"OnFailure": {"Destination": {"Fn::GetAtt": [failures, "Arn"]}}}
    # AND only records whose sort key is HEAD reach it
    (pattern,) = [json.loads(f["Pattern"]) for f in props["FilterCriteria"]["Filters"]]
    assert pattern == {"dynamodb": {"Keys": {"sk": {"S": ["HEAD"]}}}}


def test_bus_is_archived(synth):
    bus_id, _ = synth.one("AWS::Events::EventBus")
    _, archive = synth.one("AWS::Events::Archive")
    assert archive["Properties"]["SourceArn"] == {"Fn::GetAtt": [bus_id, "Arn"]}
    assert archive["Properties"]["RetentionDays"] == constants.EVENT_ARCHIVE_RETENTION_DAYS


def test_schedule_group_leaves_with_the_stack(synth):
    # GIVEN the schedule group  THEN it is deleted with the stack, so a redeploy can create it again
    _, group = synth.one("AWS::Scheduler::ScheduleGroup")
    assert group.get("DeletionPolicy", "Delete") == "Delete"
