"""The template contract the local runtime relies on: names, resource types and shapes."""

from __future__ import annotations

from pathlib import Path

from infra import constants

LOCAL_RUNTIME_TYPES = {
    "AWS::DynamoDB::Table",
    "AWS::S3::Bucket",
    "AWS::Events::EventBus",
    "AWS::Events::Rule",
    "AWS::SQS::Queue",
    "AWS::Lambda::Function",
    "AWS::Lambda::EventSourceMapping",
    "AWS::ApiGateway::RestApi",
    "AWS::ApiGateway::Resource",
    "AWS::ApiGateway::Method",
    "AWS::ApiGateway::GatewayResponse",
    "AWS::ApiGateway::ApiKey",
    "AWS::ApiGateway::UsagePlan",
    # to emulate: the editorial routes' authorizer (Cognito ID tokens) and the schedules' group
    "AWS::ApiGateway::Authorizer",
    "AWS::Cognito::UserPool",
    "AWS::Cognito::UserPoolClient",
    "AWS::Cognito::UserPoolGroup",
    "AWS::Scheduler::ScheduleGroup",
}


def test_stack_and_template_names(synth):
    # GIVEN the synthesized stack  THEN its name and template file are the ones in constants
    assert synth.stack.stack_name == constants.STACK_NAME == "Newsroom"
    assert Path(synth.template_file).name == Path(constants.TEMPLATE_FILE).name == "Newsroom.template.json"
    assert (synth.outdir / Path(constants.TEMPLATE_FILE).name).is_file()


def test_template_uses_the_standard_types_the_local_runtime_deploys(synth):
    present = {resource["Type"] for resource in synth.json["Resources"].values()}
    assert present >= LOCAL_RUNTIME_TYPES
    # the table is a plain table (TableV2 would emit AWS::DynamoDB::GlobalTable)
    assert "AWS::DynamoDB::GlobalTable" not in present


def test_only_functions_carry_the_function_tag(synth):
    # GIVEN every resource with tags  THEN only Lambda functions carry newsroom:function
    for logical_id, resource in synth.json["Resources"].items():
        tags = resource.get("Properties", {}).get("Tags")
        if isinstance(tags, list) and any(t.get("Key") == constants.FUNCTION_TAG for t in tags):
            assert resource["Type"] == "AWS::Lambda::Function", logical_id


def test_template_needs_no_account_or_region(synth):
    # GIVEN an environment-agnostic stack  THEN account and region stay pseudo parameters
    text = str(synth.json)
    assert "AWS::AccountId" in text
    assert synth.stack.account.startswith("${Token")
