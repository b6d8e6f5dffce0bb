"""Ingest: the REST API in front of the api function, who may write through it, and how much.

- **Identity**: a Cognito user pool (no self sign-up; administrators create editors) with the groups
  ``editor`` and ``publisher`` and one app client for the CMS. Editorial routes need a Cognito ID
  token (user-pool authorizer) AND the CMS's API key (usage plan); the function reads the role from
  ``cognito:groups``. Public reads have no authorizer; ``GET /articles/{id}`` verifies an optional
  bearer token itself (``JWKS_URL``) to show drafts.
- **Limits**: method-level throttling, one budget for each public read route and one for each
  editorial route, so readers cannot use up the writers' budget; the usage plan caps the CMS's key
  (daily quota and throttle); an AWS WAF web ACL (managed common + known-bad-inputs rule groups, a
  per-IP rate rule) guards the stage.
- **Errors** API Gateway answers itself are RFC 9457 problem details.
- **Account**: the stage logs access and errors, which needs API Gateway's account-level CloudWatch
  role; the stack sets it (and keeps it on deletion: other APIs of the account rely on it).

CORS: no preflight (OPTIONS) methods. The CMS calls the API server to server; public GETs are simple
requests, and the function adds ``Access-Control-Allow-Origin`` to its own responses.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from aws_cdk import ArnFormat, Aws, Duration, Fn, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from infra import constants
from infra.config import StageConfig
from infra.constructs import nag
from infra.constructs.common import log_group
from infra.constructs.function import PipelineFunction
from infra.constructs.scheduling import Scheduling

# BatchWriteItem: publishing a scheduled article now writes its tag entries at the new place.
API_TABLE_WRITES = ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem", "dynamodb:BatchWriteItem")

# Errors API Gateway answers itself, as RFC 9457 problem details. Gateway response templates only
# substitute variables (no VTL), so each type with a known status gets its own response; the two
# defaults cover types not listed and keep API Gateway's status, so their bodies omit ``status``.
# (type, status or None to keep API Gateway's, title, detail as a JSON literal or $context variable)
_ERROR_DETAIL = "$context.error.messageString"
GATEWAY_RESPONSES: tuple[tuple[apigateway.ResponseType, int | None, str, str], ...] = (
    (
        apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN,
        404,
        "Not Found",
        json.dumps("No route matches this method and path."),
    ),
    (apigateway.ResponseType.RESOURCE_NOT_FOUND, 404, "Not Found", _ERROR_DETAIL),
    (
        apigateway.ResponseType.UNAUTHORIZED,
        401,
        "Unauthorized",
        json.dumps("A valid, unexpired Cognito ID token is required: Authorization: Bearer <token>."),
    ),
    (
        apigateway.ResponseType.INVALID_API_KEY,
        403,
        "Forbidden",
        json.dumps("A valid x-api-key header is required."),
    ),
    (apigateway.ResponseType.ACCESS_DENIED, 403, "Forbidden", _ERROR_DETAIL),
    (apigateway.ResponseType.WAF_FILTERED, 403, "Forbidden", json.dumps("The request was blocked by the firewall.")),
    (apigateway.ResponseType.THROTTLED, 429, "Too Many Requests", _ERROR_DETAIL),
    (apigateway.ResponseType.QUOTA_EXCEEDED, 429, "Too Many Requests", _ERROR_DETAIL),
    (apigateway.ResponseType.REQUEST_TOO_LARGE, 413, "Content Too Large", _ERROR_DETAIL),
    (apigateway.ResponseType.UNSUPPORTED_MEDIA_TYPE, 415, "Unsupported Media Type", _ERROR_DETAIL),
    (apigateway.ResponseType.INTEGRATION_TIMEOUT, 504, "Gateway Timeout", _ERROR_DETAIL),
    (apigateway.ResponseType.INTEGRATION_FAILURE, 504, "Gateway Timeout", _ERROR_DETAIL),
    (apigateway.ResponseType.API_CONFIGURATION_ERROR, 500, "Internal Server Error", _ERROR_DETAIL),
    (apigateway.ResponseType.DEFAULT_4_XX, None, "Client Error", _ERROR_DETAIL),
    (apigateway.ResponseType.DEFAULT_5_XX, None, "Server Error", _ERROR_DETAIL),
)
PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_template(status: int | None, title: str, detail: str) -> str:
    """Body template of a gateway response; ``$context`` variables are substituted by API Gateway."""
    status_member = f'"status":{status},' if status is not None else ""
    return (
        f'{{"type":"about:blank","title":{json.dumps(title)},{status_member}'
        f'"detail":{detail},"request_id":"$context.requestId"}}'
    )


def _camel(words: str) -> str:
    return "".join(word.capitalize() for word in words.replace("-", "_").split("_"))


class Ingest(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        table: dynamodb.Table,
        documents: s3.IBucket,
        scheduling: Scheduling,
        site_base_url: str,
        code: Path,
        layers: Sequence[lambda_.ILayerVersion],
    ) -> None:
        super().__init__(scope, construct_id)
        self._identity(config)
        issuer = f"https://cognito-idp.{Aws.REGION}.{Aws.URL_SUFFIX}/{self.user_pool.user_pool_id}"

        self.api = PipelineFunction(
            self,
            "Api",
            spec=constants.API,
            code=code,
            layers=layers,
            environment={
                "TABLE_NAME": table.table_name,
                "DOCUMENTS_BUCKET": documents.bucket_name,
                "WEBSITE_URL": config.website_url.rstrip("/"),
                "SITE_BASE_URL": site_base_url,
                "PUBLISHER_NAME": config.publisher_name,
                "PUBLISHER_LOGO_URL": config.publisher_logo_url,
                "DEFAULT_IMAGE_URL": config.default_image_url,
                "AUTHOR_URL_PATTERN": config.author_url_pattern,
                "TOKEN_ISSUER": issuer,
                "TOKEN_AUDIENCE": self.cms_client.user_pool_client_id,
                "JWKS_URL": f"{issuer}/.well-known/jwks.json",
                **scheduling.environment(),
            },
        )
        self.api.allow_table_reads(table)
        self.api.allow_table_writes(table, API_TABLE_WRITES, constants.API_WRITES_KEYS)
        self.api.allow_objects(["s3:PutObject", "s3:GetObject"], documents, constants.DOCUMENTS_SUBMISSIONS_PREFIX)
        scheduling.grant_manage_schedules(self.api)

        self._rest_api(config)
        self._usage_plan(config)
        self._firewall(config)

    # -- identity ---------------------------------------------------------------------------------
    def _identity(self, config: StageConfig) -> None:
        self.user_pool = cognito.UserPool(
            self,
            "UserPool",
            user_pool_name=None,
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(email=True),
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            password_policy=cognito.PasswordPolicy(
                min_length=constants.PASSWORD_MIN_LENGTH,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=Duration.days(3),
            ),
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            feature_plan=cognito.FeaturePlan.PLUS,
            standard_threat_protection_mode=cognito.StandardThreatProtectionMode.FULL_FUNCTION,
            deletion_protection=config.deletion_protection,
            removal_policy=RemovalPolicy.RETAIN if config.deletion_protection else RemovalPolicy.DESTROY,
        )
        nag.acknowledge(
            self.user_pool,
            "AwsSolutions-COG2",
            "MFA is optional (TOTP only, no SMS): the CMS signs in server to server with a service user that "
            "cannot answer an MFA challenge; people enroll TOTP, and threat protection blocks risky sign-ins.",
        )
        for group, description in (
            (constants.EDITOR_GROUP, "Submit and update articles, read revisions"),
            (constants.PUBLISHER_GROUP, "Everything editors do, plus publish, schedule and take down"),
        ):
            cognito.UserPoolGroup(
                self,
                f"{_camel(group)}Group",
                user_pool=self.user_pool,
                group_name=group,
                description=description,
            )
        self.cms_client = self.user_pool.add_client(
            "CmsClient",
            user_pool_client_name="cms",
            generate_secret=False,
            # SRP for people signing in through the CMS; admin password auth for the CMS's service user
            # (needs AWS credentials with cognito-idp:AdminInitiateAuth, so the password alone is not enough).
            auth_flows=cognito.AuthFlow(user_srp=True, admin_user_password=True),
            disable_o_auth=True,
            prevent_user_existence_errors=True,
            enable_token_revocation=True,
            id_token_validity=Duration.minutes(constants.ID_TOKEN_VALIDITY_MINUTES),
            access_token_validity=Duration.minutes(constants.ID_TOKEN_VALIDITY_MINUTES),
            refresh_token_validity=Duration.days(constants.REFRESH_TOKEN_VALIDITY_DAYS),
        )

    # -- REST API ---------------------------------------------------------------------------------
    def _rest_api(self, config: StageConfig) -> None:
        access_logs = log_group(self, "AccessLogs")
        method_options = {
            f"{path}/{method}": apigateway.MethodDeploymentOptions(
                throttling_rate_limit=config.write_rate_limit if editorial else config.read_rate_limit,
                throttling_burst_limit=config.write_burst_limit if editorial else config.read_burst_limit,
            )
            for method, path, editorial in constants.ROUTES
        }
        self.rest_api = apigateway.RestApi(
            self,
            "RestApi",
            description="Newsroom API: editorial writes (Cognito + API key) and public reads",
            # API Gateway's account-level CloudWatch role: stage logging fails without it in an account
            # that never set one. Kept when the stack is deleted (the setting is account-wide).
            cloud_watch_role=True,
            cloud_watch_role_removal_policy=RemovalPolicy.RETAIN,
            endpoint_types=[apigateway.EndpointType.REGIONAL],
            deploy_options=apigateway.StageOptions(
                stage_name=constants.API_STAGE,
                access_log_destination=apigateway.LogGroupLogDestination(access_logs),
                access_log_format=apigateway.AccessLogFormat.json_with_standard_fields(
                    caller=False,
                    http_method=True,
                    ip=True,
                    protocol=True,
                    request_time=True,
                    resource_path=True,
                    response_length=True,
                    status=True,
                    user=False,
                ),
                logging_level=apigateway.MethodLoggingLevel.ERROR,
                data_trace_enabled=False,
                # Stage-wide defaults (routes added later start with the public budget) ...
                throttling_rate_limit=config.read_rate_limit,
                throttling_burst_limit=config.read_burst_limit,
                # ... and one budget per route: reads and writes never share one.
                method_options=method_options,
                tracing_enabled=True,
                metrics_enabled=True,
            ),
        )
        # RestApi adds its own "Endpoint" output; the stack exports the same URL as ApiUrl.
        self.rest_api.node.try_remove_child("Endpoint")
        # The stage must not be created before the account's CloudWatch role is set.
        account = self.rest_api.node.find_child("Account")
        self.rest_api.deployment_stage.node.add_dependency(account)
        nag.acknowledge(
            self.rest_api.node.find_child("CloudWatchRole"),
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
            "API Gateway's account-level logging role: AWS's managed policy is the documented one, and it is "
            "what every API of the account (not only this stack's) logs through.",
        )

        self.authorizer = apigateway.CognitoUserPoolsAuthorizer(
            self,
            "EditorialAuthorizer",
            cognito_user_pools=[self.user_pool],
            results_cache_ttl=Duration.seconds(constants.AUTHORIZER_CACHE_TTL_S),
        )
        integration = apigateway.LambdaIntegration(self.api.function, proxy=True, allow_test_invoke=False)
        self.methods: dict[tuple[str, str], apigateway.Method] = {}
        for http_method, path, editorial in constants.ROUTES:
            resource = self.rest_api.root.resource_for_path(path)
            if editorial:
                method = resource.add_method(
                    http_method,
                    integration,
                    api_key_required=True,
                    authorizer=self.authorizer,
                    authorization_type=apigateway.AuthorizationType.COGNITO,
                )
            else:
                method = resource.add_method(http_method, integration)
                for rule_id, reason in (
                    ("AwsSolutions-APIG4", "Public read route by design (published content, feeds, health)."),
                    (
                        "AwsSolutions-COG4",
                        "Public read route: readers are anonymous; drafts need a token the function verifies itself.",
                    ),
                ):
                    nag.acknowledge(method, rule_id, reason)
            self.methods[(http_method, path)] = method

        for response_type, status, title, detail in GATEWAY_RESPONSES:
            self.rest_api.add_gateway_response(
                _camel(response_type.response_type),
                type=response_type,
                status_code=str(status) if status is not None else None,
                response_headers={
                    "Content-Type": f"'{PROBLEM_CONTENT_TYPE}'",
                    "Access-Control-Allow-Origin": "'*'",
                },
                templates={"application/json": problem_template(status, title, detail)},
            )
        nag.acknowledge(
            self.rest_api,
            "AwsSolutions-APIG2",
            "Requests are validated in the api function (pydantic), which answers with RFC 9457 problem "
            "details naming each invalid field; a gateway model would duplicate the schema.",
        )

    def _usage_plan(self, config: StageConfig) -> None:
        self.api_key = apigateway.ApiKey(
            self, "CmsKey", description="Newsroom CMS: sent with every editorial request (usage plan)", enabled=True
        )
        self.usage_plan = apigateway.UsagePlan(
            self,
            "CmsUsagePlan",
            description="Throttle and daily quota of the CMS's API key (wire copy included)",
            api_stages=[apigateway.UsagePlanPerApiStage(api=self.rest_api, stage=self.rest_api.deployment_stage)],
            throttle=apigateway.ThrottleSettings(rate_limit=config.cms_rate_limit, burst_limit=config.cms_burst_limit),
            quota=apigateway.QuotaSettings(limit=config.cms_quota_per_day, period=apigateway.Period.DAY),
        )
        self.usage_plan.add_api_key(self.api_key)

    # -- firewall ---------------------------------------------------------------------------------
    def _firewall(self, config: StageConfig) -> None:
        editorial_write = _editorial_write_statement()
        body_labels = [
            {"labelMatchStatement": {"scope": "LABEL", "key": _crs_label(rule)}} for rule in constants.WAF_BODY_RULES
        ]
        rules = [
            _rule(
                "RateLimitPerIp",
                0,
                {
                    "rateBasedStatement": {
                        "limit": config.waf_rate_limit,
                        "evaluationWindowSec": constants.WAF_RATE_WINDOW_S,
                        "aggregateKeyType": "IP",
                        # Editorial writes are authenticated and budgeted by the usage plan instead.
                        "scopeDownStatement": {"notStatement": {"statement": editorial_write}},
                    }
                },
                action={"block": {}},
            ),
            _managed("AWSManagedRulesKnownBadInputsRuleSet", 1),
            _managed(
                "AWSManagedRulesCommonRuleSet",
                2,
                # Article bodies are HTML up to 256 KiB with links: the rules that inspect the body would
                # block legitimate copy (SizeRestrictions_BODY alone caps bodies at 8 KB). They only count
                # (and label) here; the next rule blocks on those labels except for editorial writes,
                # whose bodies are authenticated, size-limited and sanitized by the api function.
                overrides=constants.WAF_BODY_RULES,
            ),
            _rule(
                "BodyRulesOutsideEditorialWrites",
                3,
                {
                    "andStatement": {
                        "statements": [
                            {"orStatement": {"statements": body_labels}},
                            {"notStatement": {"statement": editorial_write}},
                        ]
                    }
                },
                action={"block": {}},
            ),
        ]
        self.web_acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            scope="REGIONAL",
            description="Newsroom API: managed common and known-bad-inputs rules, per-IP rate limit",
            default_action={"allow": {}},
            visibility_config=_visibility("NewsroomApi"),
            rules=rules,
        )
        wafv2.CfnWebACLAssociation(
            self,
            "WebAclAssociation",
            resource_arn=self.rest_api.deployment_stage.stage_arn,
            web_acl_arn=self.web_acl.attr_arn,
        )
        # WAF logs go to a group named aws-waf-logs-*; only blocked and counted requests are kept.
        stack_uuid = Fn.select(2, Fn.split("/", Aws.STACK_ID))
        waf_log_name = f"aws-waf-logs-{constants.SERVICE}-{stack_uuid}"
        self.waf_logs = log_group(self, "WafLogs", log_group_name=waf_log_name)
        wafv2.CfnLoggingConfiguration(
            self,
            "WafLogging",
            resource_arn=self.web_acl.attr_arn,
            log_destination_configs=[
                Stack.of(self).format_arn(
                    service="logs",
                    resource="log-group",
                    resource_name=waf_log_name,
                    arn_format=ArnFormat.COLON_RESOURCE_NAME,
                )
            ],
            logging_filter={
                "DefaultBehavior": "DROP",
                "Filters": [
                    {
                        "Behavior": "KEEP",
                        "Requirement": "MEETS_ANY",
                        "Conditions": [
                            {"ActionCondition": {"Action": "BLOCK"}},
                            {"ActionCondition": {"Action": "COUNT"}},
                        ],
                    }
                ],
            },
        ).node.add_dependency(self.waf_logs)

    @property
    def url(self) -> str:
        return self.rest_api.url


def _crs_label(rule_name: str) -> str:
    """Label the common rule set adds when ``rule_name`` matches (e.g. ``..._Body`` for ``..._BODY``)."""
    stem, _, part = rule_name.rpartition("_")
    return f"awswaf:managed:aws:core-rule-set:{stem}_{part.capitalize()}"


def _editorial_write_statement() -> dict[str, object]:
    """A method other than GET on /articles...: the authenticated editorial writes. The path is matched
    with and without the stage prefix, whichever form the web ACL sees (public routes are all GETs)."""

    def byte_match(part: dict[str, object], operator: str, value: str) -> dict[str, object]:
        return {
            "byteMatchStatement": {
                "fieldToMatch": part,
                "positionalConstraint": operator,
                "searchString": value,
                "textTransformations": [{"priority": 0, "type": "LOWERCASE"}],
            }
        }

    paths = [f"/{constants.API_STAGE}/articles", "/articles"]
    return {
        "andStatement": {
            "statements": [
                {"orStatement": {"statements": [byte_match({"uriPath": {}}, "STARTS_WITH", p) for p in paths]}},
                {"notStatement": {"statement": byte_match({"method": {}}, "EXACTLY", "get")}},
            ]
        }
    }


def _visibility(metric_name: str) -> dict[str, object]:
    return {"cloudWatchMetricsEnabled": True, "metricName": metric_name, "sampledRequestsEnabled": True}


def _rule(name: str, priority: int, statement: dict[str, object], *, action: dict[str, object]) -> dict[str, object]:
    return {
        "name": name,
        "priority": priority,
        "statement": statement,
        "action": action,
        "visibilityConfig": _visibility(name),
    }


def _managed(name: str, priority: int, overrides: Sequence[str] = ()) -> dict[str, object]:
    statement: dict[str, object] = {"vendorName": "AWS", "name": name}
    if overrides:
        statement["ruleActionOverrides"] = [{"name": rule, "actionToUse": {"count": {}}} for rule in overrides]
    return {
        "name": name,
        "priority": priority,
        "statement": {"managedRuleGroupStatement": statement},
        "overrideAction": {"none": {}},
        "visibilityConfig": _visibility(name),
    }
