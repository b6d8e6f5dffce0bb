"""API: routes and API keys, API Gateway's own errors as problem details, stage settings, outputs."""

from __future__ import annotations

import json
import re

import pytest

from infra import constants

ROUTES = {
    ("POST", "/articles"): True,
    ("GET", "/articles/{id}"): False,
    ("GET", "/feed"): False,
    ("GET", "/health"): False,
    ("GET", "/openapi.json"): False,
}
# type -> status that API Gateway must answer with (None: API Gateway keeps the type's own status)
GATEWAY_STATUS = {
    "MISSING_AUTHENTICATION_TOKEN": "404",
    "INVALID_API_KEY": "403",
    "ACCESS_DENIED": "403",
    "THROTTLED": "429",
    "DEFAULT_4XX": None,
    "DEFAULT_5XX": None,
}


def _paths(synth):
    """Logical id of each API resource -> its full path."""
    resources = synth.resources("AWS::ApiGateway::Resource")
    api_id, _ = synth.one("AWS::ApiGateway::RestApi")

    def path_of(resource_id):
        props = resources[resource_id]["Properties"]
        parent = props["ParentId"]
        prefix = "" if parent == {"Fn::GetAtt": [api_id, "RootResourceId"]} else path_of(parent["Ref"])
        return f"{prefix}/{props['PathPart']}"

    return {resource_id: path_of(resource_id) for resource_id in resources}


def _routes(synth):
    paths = _paths(synth)
    return {
        (m["Properties"]["HttpMethod"], paths[m["Properties"]["ResourceId"]["Ref"]]): m["Properties"]
        for m in synth.resources("AWS::ApiGateway::Method").values()
    }


def test_exactly_the_documented_routes_proxy_to_the_api_function(synth):
    # GIVEN the REST API's methods
    routes = _routes(synth)
    api_function_id, _ = synth.functions()["api"]
    # THEN they are exactly the documented routes, each a Lambda proxy to the api function
    assert set(routes) == set(ROUTES)
    for method in routes.values():
        integration = method["Integration"]
        assert integration["Type"] == "AWS_PROXY"
        assert integration["IntegrationHttpMethod"] == "POST"
        assert api_function_id in json.dumps(integration["Uri"])


@pytest.mark.parametrize(("route", "key_required"), ROUTES.items(), ids=str)
def test_only_submission_requires_an_api_key(synth, route, key_required):
    # GIVEN a route  THEN only POST /articles requires the CMS's API key; reads are public
    method = _routes(synth)[route]
    assert method.get("ApiKeyRequired", False) is key_required
    assert method["AuthorizationType"] == "NONE"


@pytest.mark.parametrize(("response_type", "status"), GATEWAY_STATUS.items())
def test_gateway_errors_are_problem_details(synth, response_type, status):
    # GIVEN API Gateway's own response for this error type
    (response,) = [
        r["Properties"]
        for r in synth.resources("AWS::ApiGateway::GatewayResponse").values()
        if r["Properties"]["ResponseType"] == response_type
    ]
    # THEN it answers as application/problem+json with the expected status
    assert response["ResponseParameters"]["gatewayresponse.header.Content-Type"] == "'application/problem+json'"
    assert response.get("StatusCode") == status
    # AND once API Gateway substitutes its variables, the body is an RFC 9457 problem
    template = response["ResponseTemplates"]["application/json"]
    body = json.loads(re.sub(r"\$context\.error\.messageString", '"message"', template).replace("$context.", ""))
    assert body["type"] == "about:blank"
    assert body["title"]
    assert "detail" in body
    if status is None:  # the status of a DEFAULT_* response is not known in advance, so it is not claimed
        assert "status" not in body
    else:
        assert body["status"] == int(status)


def test_unknown_route_says_not_found(synth):
    (response,) = [
        r["Properties"]
        for r in synth.resources("AWS::ApiGateway::GatewayResponse").values()
        if r["Properties"]["ResponseType"] == "MISSING_AUTHENTICATION_TOKEN"
    ]
    body = json.loads(response["ResponseTemplates"]["application/json"].replace("$context.", ""))
    assert (body["status"], body["title"]) == (404, "Not Found")


def test_api_key_is_bound_to_the_stage_through_a_usage_plan(synth):
    # GIVEN the key, the plan and the stage
    key_id, _ = synth.one("AWS::ApiGateway::ApiKey")
    plan_id, plan = synth.one("AWS::ApiGateway::UsagePlan")
    stage_id, _ = synth.one("AWS::ApiGateway::Stage")
    _, plan_key = synth.one("AWS::ApiGateway::UsagePlanKey")
    # THEN the plan covers the stage with a throttle and a daily quota, and holds the key
    (api_stage,) = plan["Properties"]["ApiStages"]
    assert api_stage["Stage"] == {"Ref": stage_id}
    assert plan["Properties"]["Throttle"] == {
        "RateLimit": constants.API_KEY_THROTTLE_RATE,
        "BurstLimit": constants.API_KEY_THROTTLE_BURST,
    }
    assert plan["Properties"]["Quota"] == {"Limit": constants.API_KEY_QUOTA_PER_DAY, "Period": "DAY"}
    assert plan_key["Properties"]["KeyId"] == {"Ref": key_id}
    assert plan_key["Properties"]["UsagePlanId"] == {"Ref": plan_id}


def test_stage_logs_access_traces_and_throttles_without_an_account_role(synth):
    _, stage = synth.one("AWS::ApiGateway::Stage")
    props = stage["Properties"]
    assert props["StageName"] == constants.API_STAGE
    assert props["TracingEnabled"] is True
    assert "DestinationArn" in props["AccessLogSetting"]
    (settings,) = props["MethodSettings"]
    assert settings["ThrottlingRateLimit"] == constants.API_THROTTLE_RATE
    assert settings["ThrottlingBurstLimit"] == constants.API_THROTTLE_BURST
    # cloud_watch_role=False: the stack must not manage the account-wide API Gateway role
    assert not synth.resources("AWS::ApiGateway::Account")


def test_stack_outputs(synth):
    outputs = synth.json["Outputs"]
    assert {"ApiUrl", "SiteUrl", "TableName", "EventBusName", "ApiKeyId"} <= set(outputs)
    key_id, _ = synth.one("AWS::ApiGateway::ApiKey")
    assert outputs["ApiKeyId"]["Value"] == {"Ref": key_id}
