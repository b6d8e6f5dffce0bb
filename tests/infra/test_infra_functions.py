"""Functions: runtime, architecture, logging, tracing, layers, environment and the tag the local runtime reads."""

from __future__ import annotations

import re

import pytest
from pydantic import BaseModel

from infra import constants, staging
from shared.settings import ApiSettings, EnrichSettings, ReconcileSettings, RelaySettings

# Each function's settings model: it requires every variable it declares (shared/settings.py).
SETTINGS_MODELS: dict[str, type[BaseModel]] = {
    "api": ApiSettings,
    "relay": RelaySettings,
    "enrich": EnrichSettings,
    "reconcile": ReconcileSettings,
}
READ_BY_POWERTOOLS = {"POWERTOOLS_LOG_LEVEL"}  # read by Powertools itself, not by our settings


def _text(value):
    """A CloudFormation string expression as text, each reference written <LogicalId> (or <AWS::Param>)."""
    if isinstance(value, str):
        return value
    if "Ref" in value:
        return f"<{value['Ref']}>"
    if "Fn::GetAtt" in value:
        return f"<{'.'.join(value['Fn::GetAtt'])}>"
    delimiter, parts = value["Fn::Join"]
    return delimiter.join(_text(part) for part in parts)


def _env(synth, name):
    return synth.functions()[name][1]["Properties"]["Environment"]["Variables"]


def test_every_spec_has_exactly_one_tagged_function(synth):
    # GIVEN the function specs  WHEN the app is synthesized
    functions = synth.functions()
    # THEN each spec maps to one function through its newsroom:function tag, and nothing else exists
    assert set(functions) == {spec.name for spec in constants.FUNCTIONS} == {"api", "relay", "enrich", "reconcile"}
    assert len(synth.resources("AWS::Lambda::Function")) == len(constants.FUNCTIONS)


@pytest.mark.parametrize("spec", constants.FUNCTIONS, ids=lambda spec: spec.name)
def test_function_matches_its_spec(synth, spec):
    # GIVEN a function spec  WHEN its function is looked up in the template
    _, function = synth.functions()[spec.name]
    props = function["Properties"]
    # THEN runtime, architecture, handler, size and tracing come from the spec and constants
    assert props["Runtime"] == f"python{constants.LAMBDA_RUNTIME_VERSION}" == "python3.13"
    assert props["Architectures"] == ["arm64"]
    assert props["Handler"] == spec.handler == f"functions.{spec.name}.handler.handler"
    assert props["MemorySize"] == spec.memory_mb
    assert props["Timeout"] == spec.timeout_s
    assert props["TracingConfig"] == {"Mode": "Active"}


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


def _deployed(value):
    """A variable as it would be once deployed: references become values of the right shape."""
    text = _text(value)
    text = re.sub(r"<([^<>]+)\.Arn>", lambda m: f"arn:aws:service:us-east-1:123456789012:{m.group(1)}", text)
    return re.sub(r"<([^<>]+)>", lambda m: re.sub(r"[^A-Za-z0-9-]", "-", m.group(1)), text)


@pytest.mark.parametrize("spec", constants.FUNCTIONS, ids=lambda spec: spec.name)
def test_function_environment_satisfies_its_settings_model(synth, spec):
    # GIVEN a function and its settings model  WHEN its environment is read from the template
    variables = _env(synth, spec.name)
    model = SETTINGS_MODELS[spec.name]
    # THEN it holds exactly what the model requires (plus Powertools' log level): no more, no less
    assert set(variables) == set(model.model_fields) | READ_BY_POWERTOOLS
    # AND the values, once deployed, pass the model's validation (the function starts)
    model.model_validate({name: _deployed(value) for name, value in variables.items()})
    assert variables["POWERTOOLS_SERVICE_NAME"] == spec.name
    assert variables["POWERTOOLS_LOG_LEVEL"] == "INFO"
    assert variables["POWERTOOLS_METRICS_NAMESPACE"] == constants.POWERTOOLS_NAMESPACE


def test_site_identity_comes_from_the_stage_context(synth):
    # GIVEN the api function and the stage settings the app was built with (cdk.json's defaults)
    api = _env(synth, "api")
    config = synth.stack.config
    # THEN the site identity is the stage's
    assert api["WEBSITE_URL"] == config.website_url == "https://news.example.org"
    assert api["PUBLISHER_NAME"] == config.publisher_name
    assert api["PUBLISHER_LOGO_URL"] == config.publisher_logo_url
    assert api["DEFAULT_IMAGE_URL"] == config.default_image_url
    assert api["AUTHOR_URL_PATTERN"] == config.author_url_pattern
    assert "{slug}" in api["AUTHOR_URL_PATTERN"]
    assert _env(synth, "enrich")["WEBSITE_URL"] == config.website_url


def test_links_point_at_the_site_and_tokens_at_the_user_pool(synth):
    # GIVEN the functions that build links or check tokens
    api, relay = _env(synth, "api"), _env(synth, "relay")
    distribution_id, _ = synth.one("AWS::CloudFront::Distribution")
    pool_id, _ = synth.one("AWS::Cognito::UserPool")
    client_id, _ = synth.one("AWS::Cognito::UserPoolClient")
    # THEN SITE_BASE_URL is the distribution over HTTPS, for the api and the relay alike
    site = {"Fn::Join": ["", ["https://", {"Fn::GetAtt": [distribution_id, "DomainName"]}]]}
    assert api["SITE_BASE_URL"] == relay["SITE_BASE_URL"] == site
    # AND tokens are checked against this pool's issuer, its JWKS and the CMS client as audience
    issuer = f"https://cognito-idp.<AWS::Region>.<AWS::URLSuffix>/<{pool_id}>"
    assert _text(api["TOKEN_ISSUER"]) == issuer
    assert _text(api["JWKS_URL"]) == f"{issuer}/.well-known/jwks.json"
    assert api["TOKEN_AUDIENCE"] == {"Ref": client_id}
    assert relay["EVENT_SOURCE"] == constants.EVENT_SOURCE


@pytest.mark.parametrize("name", ["api", "enrich"])
def test_schedule_creators_know_the_group_target_role_and_dlq(synth, name):
    # GIVEN a function that creates publication schedules
    env = _env(synth, name)
    group_id, _ = synth.one("AWS::Scheduler::ScheduleGroup")
    queue = synth.logical_id("SchedulingQueue", "AWS::SQS::Queue")
    dlq = synth.logical_id("SchedulingDlq", "AWS::SQS::Queue")
    role = synth.logical_id("SchedulingRole", "AWS::IAM::Role")
    # THEN it names the group, the queue schedules deliver to, the role they run as and their DLQ
    assert env["SCHEDULE_GROUP"] == synth.resources("AWS::Scheduler::ScheduleGroup")[group_id]["Properties"]["Name"]
    assert env["SCHEDULE_TARGET_ARN"] == {"Fn::GetAtt": [queue, "Arn"]}
    assert env["SCHEDULE_ROLE_ARN"] == {"Fn::GetAtt": [role, "Arn"]}
    assert env["SCHEDULE_DLQ_ARN"] == {"Fn::GetAtt": [dlq, "Arn"]}


def test_layers_are_built_for_the_function_runtime(synth):
    # GIVEN the layers  THEN each is declared for the same runtime and architecture as the functions
    for layer in synth.resources("AWS::Lambda::LayerVersion").values():
        assert layer["Properties"]["CompatibleRuntimes"] == ["python3.13"]
        assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]


def test_extra_layers_go_only_to_the_function_that_imports_them(synth):
    # GIVEN the layers and the optional-dependencies groups of pyproject.toml ([enrich]: morphology, [auth]: JWT)
    dependencies = synth.logical_id("DependenciesLayer", "AWS::Lambda::LayerVersion")
    layers = {name: f["Properties"]["Layers"] for name, (_, f) in synth.functions().items()}
    # THEN every function has the dependency layer, and each extra layer exists exactly when its group has
    # packages, carried only by its function (no two layers ship the same package, so order does not matter)
    expected = {name: [{"Ref": dependencies}] for name in layers}
    for group, owner in (("enrich", "enrich"), ("auth", "api")):
        extra = [i for i in synth.resources("AWS::Lambda::LayerVersion") if i.startswith(f"{group.title()}Layer")]
        if staging.optional_requirements(group):
            (layer,) = extra
            expected[owner] = [*expected[owner], {"Ref": layer}]
        else:
            assert extra == []
    assert {name: sorted(refs, key=str) for name, refs in layers.items()} == {
        name: sorted(refs, key=str) for name, refs in expected.items()
    }


def test_reconcile_ticks_are_not_retried_by_lambda(synth):
    # GIVEN the reconcile function's asynchronous invocation settings (the rate(1 minute) rule invokes it)
    reconcile_id, _ = synth.functions()["reconcile"]
    (config,) = [
        c["Properties"]
        for c in synth.resources("AWS::Lambda::EventInvokeConfig").values()
        if c["Properties"]["FunctionName"] == {"Ref": reconcile_id}
    ]
    # THEN a failed tick is dropped (the next tick repeats the sweep) instead of piling up retries
    assert config["MaximumRetryAttempts"] == 0
    assert config["MaximumEventAgeInSeconds"] == constants.TICK_TARGET_MAX_EVENT_AGE_S
