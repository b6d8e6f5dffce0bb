"""Ingest: routes and who may call them, API Gateway's own errors, limits, the web ACL, the account role."""

from __future__ import annotations

import json
import re

import pytest

# route -> editorial (Cognito authorizer + API key) or public
ROUTES = {
    ("POST", "/articles"): True,
    ("PUT", "/articles/{id}"): True,
    ("DELETE", "/articles/{id}"): True,
    ("POST", "/articles/{id}/publish"): True,
    ("GET", "/articles/{id}/revisions"): True,
    ("GET", "/articles/{id}"): False,
    ("GET", "/feed"): False,
    ("GET", "/feeds/{proxy+}"): False,
    ("GET", "/sitemaps/{file}"): False,
    ("GET", "/robots.txt"): False,
    ("GET", "/health"): False,
    ("GET", "/openapi.json"): False,
}
# type -> status that API Gateway must answer with (None: API Gateway keeps the type's own status)
GATEWAY_STATUS = {
    "MISSING_AUTHENTICATION_TOKEN": "404",
    "UNAUTHORIZED": "401",
    "INVALID_API_KEY": "403",
    "WAF_FILTERED": "403",
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


@pytest.mark.parametrize(("route", "editorial"), ROUTES.items(), ids=str)
def test_editorial_routes_need_a_cognito_token_and_the_api_key_public_ones_neither(synth, route, editorial):
    # GIVEN a route and the API's one authorizer
    method = _routes(synth)[route]
    authorizer_id, authorizer = synth.one("AWS::ApiGateway::Authorizer")
    pool_id, _ = synth.one("AWS::Cognito::UserPool")
    # THEN the authorizer checks ID tokens of the newsroom's user pool, from the Authorization header
    assert authorizer["Properties"]["Type"] == "COGNITO_USER_POOLS"
    assert authorizer["Properties"]["ProviderARNs"] == [{"Fn::GetAtt": [pool_id, "Arn"]}]
    assert authorizer["Properties"]["IdentitySource"] == "method.request.header.Authorization"
    # AND an editorial route needs both a token (authorizer) and the CMS's API key; a public one neither
    if editorial:
        assert method["AuthorizationType"] == "COGNITO_USER_POOLS"
        assert method["AuthorizerId"] == {"Ref": authorizer_id}
        assert method["ApiKeyRequired"] is True
    else:
        assert method["AuthorizationType"] == "NONE"
        assert "AuthorizerId" not in method
        assert method.get("ApiKeyRequired", False) is False


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


def test_api_key_is_bound_to_the_stage_through_a_usage_plan_sized_for_wire_copy(synth):
    # GIVEN the key, the plan, the stage and the stage settings the app was built with
    key_id, _ = synth.one("AWS::ApiGateway::ApiKey")
    plan_id, plan = synth.one("AWS::ApiGateway::UsagePlan")
    stage_id, _ = synth.one("AWS::ApiGateway::Stage")
    _, plan_key = synth.one("AWS::ApiGateway::UsagePlanKey")
    config = synth.stack.config
    # THEN the plan covers the stage with the stage's throttle and daily quota, and holds the key
    (api_stage,) = plan["Properties"]["ApiStages"]
    assert api_stage["Stage"] == {"Ref": stage_id}
    assert plan["Properties"]["Throttle"] == {"RateLimit": config.cms_rate_limit, "BurstLimit": config.cms_burst_limit}
    assert plan["Properties"]["Quota"] == {"Limit": config.cms_quota_per_day, "Period": "DAY"}
    assert plan_key["Properties"]["KeyId"] == {"Ref": key_id}
    assert plan_key["Properties"]["UsagePlanId"] == {"Ref": plan_id}
    # AND the default quota is well above a wire-fed newsroom's 10,000 submissions a day
    assert config.cms_quota_per_day >= 100_000


def test_reads_and_writes_are_throttled_separately_per_route(synth):
    # GIVEN the stage's method settings and the stage settings the app was built with
    _, stage = synth.one("AWS::ApiGateway::Stage")
    config = synth.stack.config
    settings = {(s["HttpMethod"], s["ResourcePath"]): s for s in stage["Properties"]["MethodSettings"]}
    # THEN every route has its own throttle: the editorial budget for writes, the public one for reads
    for (method, path), editorial in ROUTES.items():
        route = settings[(method, "/" + path.replace("/", "~1"))]
        rate, burst = (
            (config.write_rate_limit, config.write_burst_limit)
            if editorial
            else (config.read_rate_limit, config.read_burst_limit)
        )
        assert (route["ThrottlingRateLimit"], route["ThrottlingBurstLimit"]) == (rate, burst), (method, path)
    # AND the stage-wide default (for routes added later) is the public budget
    default = settings[("*", "/*")]
    assert (default["ThrottlingRateLimit"], default["ThrottlingBurstLimit"]) == (
        config.read_rate_limit,
        config.read_burst_limit,
    )
    assert default["LoggingLevel"] == "ERROR"
    assert default.get("DataTraceEnabled") is False


def test_stage_logging_works_in_an_account_that_never_set_api_gateways_logging_role(synth):
    # GIVEN the stage, the account-level API Gateway setting and its role
    _stage_id, stage = synth.one("AWS::ApiGateway::Stage")
    account_id, account = synth.one("AWS::ApiGateway::Account")
    role_id = account["Properties"]["CloudWatchRoleArn"]["Fn::GetAtt"][0]
    role = synth.json["Resources"][role_id]
    # THEN the stack sets API Gateway's CloudWatch role for the account, with the role API Gateway assumes
    assert role["Type"] == "AWS::IAM::Role"
    (trust,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "apigateway.amazonaws.com"}
    # AND the stage, which logs access and errors, is created only after that setting
    assert "DestinationArn" in stage["Properties"]["AccessLogSetting"]
    assert account_id in stage.get("DependsOn", [])
    # AND both stay when the stack is deleted: the setting is account-wide, other APIs log through it
    assert account["DeletionPolicy"] == role["DeletionPolicy"] == "Retain"
    assert stage["Properties"]["TracingEnabled"] is True


def test_user_pool_is_invitation_only_with_a_strong_password_policy_and_the_two_roles(synth):
    # GIVEN the user pool, its groups and its one app client
    pool_id, pool = synth.one("AWS::Cognito::UserPool")
    props = pool["Properties"]
    groups = {
        g["Properties"]["GroupName"]: g["Properties"] for g in synth.resources("AWS::Cognito::UserPoolGroup").values()
    }
    _, client = synth.one("AWS::Cognito::UserPoolClient")
    # THEN nobody signs up alone: administrators create editors
    assert props["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    # AND passwords are long and mixed; MFA (TOTP, never SMS) is optional; threat protection enforces
    policy = props["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] >= 14
    assert all(policy[k] for k in ("RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols"))
    assert props["MfaConfiguration"] == "OPTIONAL"
    assert props["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    assert props["UserPoolAddOns"] == {"AdvancedSecurityMode": "ENFORCED"}
    # AND the roles are the editor and publisher groups of this pool
    assert set(groups) == {"editor", "publisher"}
    assert all(g["UserPoolId"] == {"Ref": pool_id} for g in groups.values())
    # AND the CMS's client has no secret, SRP and admin password sign-in only, and no OAuth flows
    client_props = client["Properties"]
    assert client_props["UserPoolId"] == {"Ref": pool_id}
    assert set(client_props["ExplicitAuthFlows"]) == {
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_ADMIN_USER_PASSWORD_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    }
    assert client_props.get("GenerateSecret", False) is False
    assert client_props["PreventUserExistenceErrors"] == "ENABLED"
    assert "AllowedOAuthFlows" not in client_props


def _waf_rules(synth):
    _, acl = synth.one("AWS::WAFv2::WebACL")
    return {rule["Name"]: rule for rule in acl["Properties"]["Rules"]}


def test_web_acl_guards_the_api_stage_with_managed_rules_and_a_rate_limit(synth):
    # GIVEN the web ACL and its association
    acl_id, acl = synth.one("AWS::WAFv2::WebACL")
    _, association = synth.one("AWS::WAFv2::WebACLAssociation")
    stage_id, _ = synth.one("AWS::ApiGateway::Stage")
    rules = _waf_rules(synth)
    # THEN it is a regional ACL on the API's stage that allows what no rule blocks
    assert acl["Properties"]["Scope"] == "REGIONAL"
    assert acl["Properties"]["DefaultAction"] == {"Allow": {}}
    assert association["Properties"]["WebACLArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    assert stage_id in json.dumps(association["Properties"]["ResourceArn"])
    # AND the managed common and known-bad-inputs rule groups apply as AWS defines them
    for name in ("AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"):
        statement = rules[name]["Statement"]["ManagedRuleGroupStatement"]
        assert (statement["VendorName"], statement["Name"]) == ("AWS", name)
        assert rules[name]["OverrideAction"] == {"None": {}}
    # AND a rate rule blocks an IP above the stage's limit per 5 minutes, editorial writes excepted
    rate = rules["RateLimitPerIp"]
    assert rate["Action"] == {"Block": {}}
    statement = rate["Statement"]["RateBasedStatement"]
    assert statement["Limit"] == synth.stack.config.waf_rate_limit
    assert (statement["AggregateKeyType"], statement["EvaluationWindowSec"]) == ("IP", 300)
    assert statement["ScopeDownStatement"] == {"NotStatement": {"Statement": _editorial_write()}}
    # AND every rule reports metrics and samples
    for rule in rules.values():
        assert rule["VisibilityConfig"]["CloudWatchMetricsEnabled"] is True


def _editorial_write():
    def match(part, operator, value):
        return {
            "ByteMatchStatement": {
                "FieldToMatch": part,
                "PositionalConstraint": operator,
                "SearchString": value,
                "TextTransformations": [{"Priority": 0, "Type": "LOWERCASE"}],
            }
        }

    paths = [match({"UriPath": {}}, "STARTS_WITH", path) for path in ("/v1/articles", "/articles")]
    return {
        "AndStatement": {
            "Statements": [
                {"OrStatement": {"Statements": paths}},
                {"NotStatement": {"Statement": match({"Method": {}}, "EXACTLY", "get")}},
            ]
        }
    }


def test_article_bodies_pass_the_body_rules_only_on_editorial_writes(synth):
    # GIVEN the common rule set and the rule after it
    rules = _waf_rules(synth)
    common = rules["AWSManagedRulesCommonRuleSet"]
    body = rules["BodyRulesOutsideEditorialWrites"]
    body_rules = {
        "SizeRestrictions_BODY",
        "CrossSiteScripting_BODY",
        "GenericRFI_BODY",
        "GenericLFI_BODY",
        "EC2MetaDataSSRF_BODY",
    }
    # THEN the rules that inspect bodies (an 8 KB cap, markup, URLs) only count within the managed group,
    # so 256 KiB HTML articles are not blocked there
    overrides = common["Statement"]["ManagedRuleGroupStatement"]["RuleActionOverrides"]
    assert {o["Name"]: o["ActionToUse"] for o in overrides} == {key: {"Count": {}} for key in body_rules}
    # AND the next rule blocks on their labels everywhere except authenticated editorial writes
    assert body["Priority"] > common["Priority"]
    assert body["Action"] == {"Block": {}}
    labels, outside = body["Statement"]["AndStatement"]["Statements"]
    keys = {s["LabelMatchStatement"]["Key"] for s in labels["OrStatement"]["Statements"]}
    assert keys == {f"awswaf:managed:aws:core-rule-set:{rule.removesuffix('_BODY')}_Body" for rule in body_rules}
    assert outside == {"NotStatement": {"Statement": _editorial_write()}}


def test_waf_logs_only_blocked_and_counted_requests_to_a_retained_group(synth):
    # GIVEN the web ACL's logging configuration
    acl_id, _ = synth.one("AWS::WAFv2::WebACL")
    _, logging = synth.one("AWS::WAFv2::LoggingConfiguration")
    props = logging["Properties"]
    # THEN it logs this ACL to a group whose name WAF accepts (aws-waf-logs-...)
    assert props["ResourceArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    (destination,) = props["LogDestinationConfigs"]
    assert ":log-group:aws-waf-logs-newsroom-" in json.dumps(destination)
    # AND drops allowed requests, keeping blocks and counts
    assert props["LoggingFilter"]["DefaultBehavior"] == "DROP"
    (keep,) = props["LoggingFilter"]["Filters"]
    assert keep["Behavior"] == "KEEP"
    assert {c["ActionCondition"]["Action"] for c in keep["Conditions"]} == {"BLOCK", "COUNT"}


def test_stack_outputs_tell_a_deployer_everything_make_deploy_prints(synth):
    outputs = synth.json["Outputs"]
    assert {
        "ApiUrl",
        "SiteUrl",
        "EventBusName",
        "UserPoolId",
        "UserPoolClientId",
        "ApiKeyId",
        "TableName",
        "DocumentsBucketName",
    } <= set(outputs)
    key_id, _ = synth.one("AWS::ApiGateway::ApiKey")
    pool_id, _ = synth.one("AWS::Cognito::UserPool")
    client_id, _ = synth.one("AWS::Cognito::UserPoolClient")
    assert outputs["ApiKeyId"]["Value"] == {"Ref": key_id}
    assert outputs["UserPoolId"]["Value"] == {"Ref": pool_id}
    assert outputs["UserPoolClientId"]["Value"] == {"Ref": client_id}
