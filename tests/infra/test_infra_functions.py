"""Functions: runtime, architecture, logging, tracing, environment and the tag the local runtime reads."""

from __future__ import annotations

import pytest

from infra import constants

EXPECTED_ENVIRONMENT = {
    "api": {"TABLE_NAME", "DOCUMENTS_BUCKET", "SITE_BASE_URL", "WEBSITE_URL"},
    "relay": {"EVENT_BUS_NAME", "EVENT_SOURCE"},
    "enrich": {"TABLE_NAME", "DOCUMENTS_BUCKET", "WEBSITE_URL"},
    "build_feeds": {"TABLE_NAME", "SITE_BUCKET", "SITE_BASE_URL", "WEBSITE_URL"},
}
POWERTOOLS = {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_LOG_LEVEL", "POWERTOOLS_METRICS_NAMESPACE"}


def test_every_spec_has_exactly_one_tagged_function(synth):
    # GIVEN the function specs  WHEN the app is synthesized
    functions = synth.functions()
    # THEN each spec maps to one function through its newsroom:function tag, and nothing else exists
    assert set(functions) == {spec.name for spec in constants.FUNCTIONS}
    assert len(synth.resources("AWS::Lambda::Function")) == len(constants.FUNCTIONS)


@pytest.mark.parametrize("spec", constants.FUNCTIONS, ids=lambda spec: spec.name)
def test_function_matches_its_spec(synth, spec):
    # GIVEN a function spec  WHEN its function is looked up in the template
    _, function = synth.functions()[spec.name]
    props = function["Properties"]
    # THEN runtime, architecture, handler, size and tracing come from the spec and constants
    assert props["Runtime"] == f"python{constants.LAMBDA_RUNTIME_VERSION}" == "python3.13"
    assert props["Architectures"] == ["arm64"]
    assert props["Handler"] == spec.handler
    assert props["MemorySize"] == spec.memory_mb
    assert props["Timeout"] == spec.timeout_s
    assert props["TracingConfig"] == {"Mode": "Active"}
    assert len(props["Layers"]) == 1


@pytest.mark.parametrize("spec", constants.FUNCTIONS, ids=lambda spec: spec.name)
def test_function_logs_to_its_own_log_group_with_retention(synth, spec):
    # GIVEN a function
    _, function = synth.functions()[spec.name]
    # WHEN its logging configuration is followed to the log group
    log_group_id = function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
    log_group = synth.json["Resources"][log_group_id]
    # THEN the group keeps logs for LOG_RETENTION_DAYS and belongs to this function only
    assert log_group["Type"] == "AWS::Logs::LogGroup"
    assert log_group["Properties"]["RetentionInDays"] == constants.LOG_RETENTION_DAYS
    others = [f for name, (_, f) in synth.functions().items() if name != spec.name]
    assert all(other["Properties"]["LoggingConfig"]["LogGroup"]["Ref"] != log_group_id for other in others)


def test_each_function_has_its_own_role_without_managed_policies(synth):
    # GIVEN all functions  WHEN their execution roles are collected
    roles = [f["Properties"]["Role"]["Fn::GetAtt"][0] for _, f in synth.functions().values()]
    # THEN no two functions share a role and no role carries an AWS managed policy
    assert len(set(roles)) == len(constants.FUNCTIONS)
    for role_id in roles:
        assert "ManagedPolicyArns" not in synth.json["Resources"][role_id]["Properties"]


@pytest.mark.parametrize("spec", constants.FUNCTIONS, ids=lambda spec: spec.name)
def test_function_gets_only_the_variables_it_needs(synth, spec):
    # GIVEN a function  WHEN its environment is read
    variables = synth.functions()[spec.name][1]["Properties"]["Environment"]["Variables"]
    # THEN it holds exactly its own settings plus the Powertools ones
    assert set(variables) == EXPECTED_ENVIRONMENT[spec.name] | POWERTOOLS
    assert variables["POWERTOOLS_SERVICE_NAME"] == spec.name
    assert variables["POWERTOOLS_LOG_LEVEL"] == "INFO"
    assert variables["POWERTOOLS_METRICS_NAMESPACE"] == constants.POWERTOOLS_NAMESPACE


def test_urls_in_the_environment(synth):
    # GIVEN the functions that build links
    api = synth.functions()["api"][1]["Properties"]["Environment"]["Variables"]
    relay = synth.functions()["relay"][1]["Properties"]["Environment"]["Variables"]
    distribution_id, _ = synth.one("AWS::CloudFront::Distribution")
    # THEN SITE_BASE_URL is the distribution over HTTPS, WEBSITE_URL the context default
    assert api["SITE_BASE_URL"] == {"Fn::Join": ["", ["https://", {"Fn::GetAtt": [distribution_id, "DomainName"]}]]}
    assert api["WEBSITE_URL"] == constants.DEFAULT_WEBSITE_URL
    assert relay["EVENT_SOURCE"] == constants.EVENT_SOURCE


def test_layer_targets_the_function_runtime(synth):
    # GIVEN the dependency layer  WHEN it is read from the template
    _, layer = synth.one("AWS::Lambda::LayerVersion")
    # THEN it is declared for the same runtime and architecture as the functions
    assert layer["Properties"]["CompatibleRuntimes"] == ["python3.13"]
    assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]
