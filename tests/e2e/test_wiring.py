"""Local wiring cannot drift from the deployment: everything that runs in AWS runs locally."""

from __future__ import annotations

import json

from tests.e2e.conftest import TEMPLATE, Stack


def _resources(kind: str) -> set[str]:
    template = json.loads(TEMPLATE.read_text())
    return {logical_id for logical_id, r in template["Resources"].items() if r["Type"] == kind}


def test_every_function_and_trigger_in_the_template_is_wired_locally(stack: Stack) -> None:
    # GIVEN the synthesized template and the running local stack's own account of its wiring
    wiring = stack.request("GET", "/_local/wiring", base=stack.base_url).json()
    wired_functions = {f["logical_id"] for f in wiring["functions"]}
    wired_triggers = {t["logical_id"] for t in wiring["triggers"]}
    # THEN every Lambda function of the template runs locally, from its own handler
    assert wired_functions == _resources("AWS::Lambda::Function")
    assert all(f["module_file"] for f in wiring["functions"])
    # AND every event source mapping and every API method is wired to its function
    assert _resources("AWS::Lambda::EventSourceMapping") <= wired_triggers
    assert _resources("AWS::ApiGateway::Method") <= wired_triggers
    # AND every rule delivers to its targets (pattern rules through moto, scheduled rules by the clock)
    rules_wired = {t.split("/")[0] for t in wired_triggers}
    assert _resources("AWS::Events::Rule") <= rules_wired
    # AND every EventBridge Scheduler schedule, API authorizer and CloudFront distribution is emulated
    assert _resources("AWS::Scheduler::Schedule") <= wired_triggers
    assert _resources("AWS::ApiGateway::Authorizer") <= wired_triggers
    assert _resources("AWS::CloudFront::Distribution") <= wired_triggers
    # AND nothing that should run was left out
    assert wiring["unwired"] == []


def test_every_cloudfront_behaviour_and_every_protected_method_is_wired(stack: Stack) -> None:
    # GIVEN the template's distributions and the methods that name an authorizer
    template = json.loads(TEMPLATE.read_text())
    wiring = stack.request("GET", "/_local/wiring", base=stack.base_url).json()
    behaviours = {(t["logical_id"], t["source"]) for t in wiring["triggers"] if t["kind"].startswith("cloudfront")}
    protected = {method for t in wiring["triggers"] if t["kind"] == "authorizer" for method in t["target"].split(", ")}
    # THEN each path pattern (and the default "*") is served locally by its origin
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] == "AWS::CloudFront::Distribution":
            config = resource["Properties"]["DistributionConfig"]
            patterns = {b["PathPattern"] for b in config.get("CacheBehaviors", [])} | {"*"}
            assert {(logical_id, p) for p in patterns} <= behaviours
    # AND each method with a Cognito authorizer is enforced by it
    cognito = {
        logical_id
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::ApiGateway::Method"
        and resource["Properties"].get("AuthorizationType") == "COGNITO_USER_POOLS"
    }
    assert cognito == protected
