"""API: the REST API in front of the api function, its API key and its problem-details errors.

CORS: no preflight (OPTIONS) methods. The CMS calls ``POST /articles`` server to server with an API
key, so no browser ever preflights it; the public GET routes are simple requests that need no
preflight, and the function adds ``Access-Control-Allow-Origin`` to its own responses. Gateway errors
carry ``Access-Control-Allow-Origin: *`` so browser readers can read them too.
"""

from __future__ import annotations

import json

from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra import constants
from infra.constructs import nag
from infra.constructs.common import log_group

# (method, path, API key required). Every route is a Lambda proxy to the api function.
ROUTES = (
    ("POST", "/articles", True),
    ("GET", "/articles/{id}", False),
    ("GET", "/feed", False),
    ("GET", "/health", False),
    ("GET", "/openapi.json", False),
)

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
        apigateway.ResponseType.INVALID_API_KEY,
        403,
        "Forbidden",
        json.dumps("A valid x-api-key header is required."),
    ),
    (apigateway.ResponseType.ACCESS_DENIED, 403, "Forbidden", _ERROR_DETAIL),
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

NAG_ACKNOWLEDGMENTS = {
    "AwsSolutions-APIG2": "Requests are validated in the api function (pydantic), which answers with "
    "RFC 9457 problem details naming each invalid field; a gateway model would duplicate the schema.",
    "AwsSolutions-APIG3": "No WAF yet: writes need an API key under a usage plan, the stage and the plan are "
    "throttled, and the hot read path is static files on CloudFront.",
    "AwsSolutions-APIG4": "GET routes serve published, public content by design; POST /articles requires the "
    "CMS's API key (server to server).",
    "AwsSolutions-COG4": "No end-user sign-in: readers are anonymous and the only writer is the CMS, "
    "authenticated by its API key.",
    "AwsSolutions-APIG6": "Execution logging needs the account-level API Gateway CloudWatch role, which this "
    "stack does not manage (cloud_watch_role=False); access logging is on.",
}


def problem_template(status: int | None, title: str, detail: str) -> str:
    """Body template of a gateway response; ``$context`` variables are substituted by API Gateway."""
    status_member = f'"status":{status},' if status is not None else ""
    return (
        f'{{"type":"about:blank","title":{json.dumps(title)},{status_member}'
        f'"detail":{detail},"request_id":"$context.requestId"}}'
    )


class Api(Construct):
    """REST API: proxy routes to the api function, an API key for writes, problem-details errors."""

    def __init__(self, scope: Construct, construct_id: str, *, handler: lambda_.IFunction) -> None:
        super().__init__(scope, construct_id)

        access_logs = log_group(self, "AccessLogs")
        self.rest_api = apigateway.RestApi(
            self,
            "RestApi",
            description="Newsroom API: submit articles (API key) and read articles and feeds",
            cloud_watch_role=False,
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
                throttling_rate_limit=constants.API_THROTTLE_RATE,
                throttling_burst_limit=constants.API_THROTTLE_BURST,
                tracing_enabled=True,
                metrics_enabled=True,
            ),
        )

        # RestApi adds its own "Endpoint" output; the stack exports the same URL as ApiUrl.
        self.rest_api.node.try_remove_child("Endpoint")

        integration = apigateway.LambdaIntegration(handler, proxy=True, allow_test_invoke=False)
        self.methods: dict[tuple[str, str], apigateway.Method] = {}
        for http_method, path, key_required in ROUTES:
            resource = self.rest_api.root.resource_for_path(path)
            self.methods[(http_method, path)] = resource.add_method(
                http_method, integration, api_key_required=key_required
            )

        for response_type, status, title, detail in GATEWAY_RESPONSES:
            self.rest_api.add_gateway_response(
                "".join(word.capitalize() for word in response_type.response_type.split("_")),
                type=response_type,
                status_code=str(status) if status is not None else None,
                response_headers={
                    "Content-Type": f"'{PROBLEM_CONTENT_TYPE}'",
                    "Access-Control-Allow-Origin": "'*'",
                },
                templates={"application/json": problem_template(status, title, detail)},
            )

        self.api_key = apigateway.ApiKey(
            self, "CmsKey", description="Newsroom CMS: submits articles (POST /articles)", enabled=True
        )
        plan = apigateway.UsagePlan(
            self,
            "CmsUsagePlan",
            description="Throttle and daily quota of the CMS's API key",
            api_stages=[apigateway.UsagePlanPerApiStage(api=self.rest_api, stage=self.rest_api.deployment_stage)],
            throttle=apigateway.ThrottleSettings(
                rate_limit=constants.API_KEY_THROTTLE_RATE, burst_limit=constants.API_KEY_THROTTLE_BURST
            ),
            quota=apigateway.QuotaSettings(limit=constants.API_KEY_QUOTA_PER_DAY, period=apigateway.Period.DAY),
        )
        plan.add_api_key(self.api_key)

        for rule_id, reason in NAG_ACKNOWLEDGMENTS.items():
            nag.acknowledge(self.rest_api, rule_id, reason)

    @property
    def url(self) -> str:
        return self.rest_api.url
