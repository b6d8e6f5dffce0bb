"""Least privilege: each role holds exactly the actions its function uses, on the narrowest resources."""

from __future__ import annotations

import json

import pytest

from infra import constants

# AWS offers no resource-level permissions for these, so "Resource": "*" is the only option.
STAR_RESOURCE_ACTIONS = {"xray:PutTraceSegments", "xray:PutTelemetryRecords", "dynamodb:ListStreams"}
TABLE_READS = {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"}
LOGS = {"logs:CreateLogStream", "logs:PutLogEvents"}
XRAY = {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}
CONSUME = {
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueAttributes",
    "sqs:GetQueueUrl",
}
MANAGE_SCHEDULES = {
    "scheduler:CreateSchedule",
    "scheduler:UpdateSchedule",
    "scheduler:DeleteSchedule",
    "scheduler:GetSchedule",
}

# Every function's complete grant: (actions, resource kinds, condition). Resource kinds name the logical
# id prefix of each resource (":Arn", ":StreamArn", "/index/*", "/submissions/*" or "*").
TABLE = "StorageTable"
GRANTS = {
    "api": {
        (frozenset(LOGS), ("IngestApiLogs:Arn",), None),
        (frozenset(XRAY), ("*",), None),
        (frozenset(TABLE_READS), (f"{TABLE}:Arn", f"{TABLE}/index/*"), None),
        (
            frozenset(
                {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem", "dynamodb:BatchWriteItem"}
            ),
            (f"{TABLE}:Arn",),
            ("ARTICLE#*", "EXTERNAL#*", "TAG#*"),
        ),
        (frozenset({"s3:PutObject", "s3:GetObject"}), ("StorageDocuments/submissions/*",), None),
        (frozenset(MANAGE_SCHEDULES), ("schedules",), None),
        (frozenset({"iam:PassRole"}), ("SchedulingRole:Arn",), "scheduler.amazonaws.com"),
    },
    "relay": {
        (frozenset(LOGS), ("OutboxRelayLogs:Arn",), None),
        (frozenset(XRAY | {"dynamodb:ListStreams"}), ("*",), None),
        (frozenset({"events:PutEvents"}), ("OutboxRelayBus:Arn",), None),
        (frozenset({"sqs:SendMessage"}), ("EnrichmentQueue:Arn",), None),  # accepted revisions, to enrich
        (
            frozenset({"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"}),
            (f"{TABLE}:StreamArn",),
            None,
        ),
        (
            frozenset({"sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"}),
            ("OutboxRelayFailures:Arn",),
            None,
        ),
    },
    "enrich": {
        (frozenset(LOGS), ("EnrichmentEnrichLogs:Arn",), None),
        (frozenset(XRAY), ("*",), None),
        (frozenset(TABLE_READS), (f"{TABLE}:Arn", f"{TABLE}/index/*"), None),
        (
            frozenset(
                {
                    "dynamodb:PutItem",
                    "dynamodb:UpdateItem",
                    "dynamodb:DeleteItem",
                    "dynamodb:ConditionCheckItem",
                    "dynamodb:BatchWriteItem",
                }
            ),
            (f"{TABLE}:Arn",),
            ("ARTICLE#*", "SLUG#*", "TAG#*"),
        ),
        (frozenset({"s3:GetObject"}), ("StorageDocuments/submissions/*",), None),
        (frozenset(MANAGE_SCHEDULES), ("schedules",), None),
        (frozenset({"iam:PassRole"}), ("SchedulingRole:Arn",), "scheduler.amazonaws.com"),
        # consuming its queue, ChangeMessageVisibility included: it backs failed messages off itself
        (frozenset(CONSUME), ("EnrichmentQueue:Arn",), None),
    },
    "reconcile": {
        (frozenset(LOGS), ("SchedulingReconcileLogs:Arn",), None),
        (frozenset(XRAY), ("*",), None),
        (frozenset(TABLE_READS), (f"{TABLE}:Arn", f"{TABLE}/index/*"), None),
        (
            frozenset({"dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:ConditionCheckItem"}),
            (f"{TABLE}:Arn",),
            ("ARTICLE#*",),
        ),
        (frozenset({"sqs:SendMessage"}), ("EnrichmentQueue:Arn",), None),  # re-announcing stranded revisions
        (frozenset(CONSUME), ("SchedulingQueue:Arn",), None),
    },
}


def _actions(statement):
    action = statement["Action"]
    return {action} if isinstance(action, str) else set(action)


def _resources(statement):
    resource = statement["Resource"]
    return resource if isinstance(resource, list) else [resource]


def _resource_kind(synth, resource):
    """Logical id prefix + attribute or key suffix, independent of CDK's hashes."""
    if resource == "*":
        return "*"
    if "Fn::GetAtt" in resource:
        logical_id, attribute = resource["Fn::GetAtt"]
        return f"{_stem(synth, logical_id)}:{attribute}"
    parts = resource["Fn::Join"][1]
    if ":scheduler:" in json.dumps(parts):
        group = synth.one("AWS::Scheduler::ScheduleGroup")[1]["Properties"]["Name"]
        assert parts[-1] == f":schedule/{group}/*", parts
        return "schedules"
    head, suffix = parts
    return f"{_stem(synth, head['Fn::GetAtt'][0])}{suffix}"


def _stem(synth, logical_id):
    """A logical id without the 8-character hash CDK appends to the construct path."""
    assert logical_id in synth.json["Resources"], logical_id
    return logical_id[:-8]


def _grant(synth, statement):
    condition = statement.get("Condition")
    summary: object
    if condition is None:
        summary = None
    elif "ForAllValues:StringLike" in condition:
        assert list(condition) == ["ForAllValues:StringLike"]
        (summary,) = [tuple(v) for v in condition["ForAllValues:StringLike"].values()]
        assert list(condition["ForAllValues:StringLike"]) == ["dynamodb:LeadingKeys"]
    else:
        assert condition == {"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}}, condition
        summary = "scheduler.amazonaws.com"
    kinds = tuple(sorted(_resource_kind(synth, r) for r in _resources(statement)))
    return (frozenset(_actions(statement)), kinds, summary)


@pytest.mark.parametrize("name", sorted(GRANTS))
def test_function_holds_exactly_its_grants(synth, name):
    # GIVEN a function's policy statements
    statements = synth.statements(name)
    assert all(s["Effect"] == "Allow" for s in statements)
    # WHEN each is summarized as (actions, resources, condition)
    grants = {_grant(synth, s) for s in statements}
    expected = {(actions, tuple(sorted(kinds)), condition) for actions, kinds, condition in GRANTS[name]}  # type: ignore[attr-defined]
    # THEN they are exactly the function's grants: nothing missing, nothing more
    assert grants == expected
    assert len(statements) == len(expected)


@pytest.mark.parametrize("spec", constants.FUNCTIONS, ids=lambda spec: spec.name)
def test_no_wildcard_actions_and_star_resources_only_where_aws_requires(synth, spec):
    # GIVEN a function's policy statements
    for statement in synth.statements(spec.name):
        # THEN every statement names its actions and uses "*" only for resource-less actions
        assert not any("*" in action for action in _actions(statement)), statement
        if "*" in _resources(statement):
            assert _actions(statement) <= STAR_RESOURCE_ACTIONS, statement


@pytest.mark.parametrize("spec", constants.FUNCTIONS, ids=lambda spec: spec.name)
def test_every_table_write_is_limited_to_the_functions_key_prefixes(synth, spec):
    # GIVEN any statement of a function that can change an item
    writes = {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}
    for statement in synth.statements(spec.name):
        if _actions(statement) & writes:
            # THEN it carries a LeadingKeys condition that every key of the request must satisfy
            leading = statement["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]
            assert leading and all(prefix.endswith("#*") for prefix in leading)


@pytest.mark.parametrize("name", ["api", "relay", "enrich", "reconcile"])
def test_only_the_relay_puts_events_and_only_it_and_reconcile_send_work_to_enrich(synth, name):
    # GIVEN a function  THEN only the relay announces on the bus; it and the reconciler (re-announcing
    # stranded revisions) send accepted revisions to the enrich queue
    statements = synth.statements(name)
    can_put = any("events:PutEvents" in _actions(s) for s in statements)
    queue = synth.logical_id("EnrichmentQueue", "AWS::SQS::Queue")
    sends = any(
        "sqs:SendMessage" in _actions(s) and {"Fn::GetAtt": [queue, "Arn"]} in _resources(s) for s in statements
    )
    assert can_put is (name == "relay")
    assert sends is (name in {"relay", "reconcile"})


@pytest.mark.parametrize("name", ["api", "relay", "enrich", "reconcile"])
def test_only_api_and_enrich_manage_schedules_and_pass_the_scheduler_role(synth, name):
    actions = set().union(*(_actions(s) for s in synth.statements(name)))
    assert bool(actions & (MANAGE_SCHEDULES | {"iam:PassRole"})) is (name in {"api", "enrich"})


def test_scheduler_role_is_assumed_only_by_this_accounts_schedules_and_only_sends_to_its_queues(synth):
    # GIVEN the role EventBridge Scheduler runs schedules as
    role_id = synth.logical_id("SchedulingRole", "AWS::IAM::Role")
    role = synth.json["Resources"][role_id]["Properties"]
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    # THEN only the scheduler service may assume it, for schedules of this account's group
    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert trust["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    assert "ArnLike" in trust["Condition"]
    # AND it can only send messages to the schedule queue and its DLQ
    (statement,) = synth.role_statements(role_id)
    assert _actions(statement) == {"sqs:SendMessage"}
    queue = synth.logical_id("SchedulingQueue", "AWS::SQS::Queue")
    dlq = synth.logical_id("SchedulingDlq", "AWS::SQS::Queue")
    assert sorted(json.dumps(r) for r in _resources(statement)) == sorted(
        json.dumps({"Fn::GetAtt": [q, "Arn"]}) for q in (queue, dlq)
    )
