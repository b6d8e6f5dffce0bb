"""API Gateway (REST API, Lambda proxy integration) emulated from the template.

The resource tree (``AWS::ApiGateway::Resource``), methods (``AWS::ApiGateway::Method``: verb, API-key
requirement, ``AWS_PROXY`` integration URI naming the function, ``MOCK`` integrations for CORS
preflights) and gateway responses (``AWS::ApiGateway::GatewayResponse``) become a router. Requests
become REST API proxy events (payload format 1.0) and Lambda results become HTTP responses, with the
errors API Gateway itself produces (403 for a missing/wrong API key or an unknown route, 413 for
a body over 10 MB, 502 when the function fails or returns a malformed response).
"""

from __future__ import annotations

import base64
import json
import re
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from infra.local.cognito import Authorizer, UserPool, context_claims
from infra.local.deploy import DeployedResource, Deployment
from infra.local.names import short_id

MAX_PAYLOAD_BYTES: Final = 10 * 1024 * 1024

# Status, default message and x-amzn-ErrorType of the gateway responses the runtime can produce.
_GATEWAY_DEFAULTS: Final[dict[str, tuple[int, str, str]]] = {
    "INVALID_API_KEY": (403, "Forbidden", "ForbiddenException"),
    "MISSING_AUTHENTICATION_TOKEN": (
        403,
        "Missing Authentication Token",
        "MissingAuthenticationTokenException",
    ),
    "REQUEST_TOO_LARGE": (413, "Request Too Long", "RequestTooLongException"),
    "UNAUTHORIZED": (401, "Unauthorized", "UnauthorizedException"),
    "DEFAULT_5XX": (502, "Internal server error", "InternalServerErrorException"),
}
_TEMPLATE_VARIABLE = re.compile(r"\$(?:\{context\.([A-Za-z.]+)\}|context\.([A-Za-z.]+[A-Za-z]))")


@dataclass(frozen=True)
class Route:
    logical_id: str
    resource_path: str  # "/articles/{id}"
    http_method: str  # "GET", ..., or "ANY"
    resource_id: str
    integration_type: str  # "AWS_PROXY", "MOCK", ...
    function: str | None  # logical id of the function behind an AWS_PROXY integration
    api_key_required: bool = False
    authorization_type: str = "NONE"
    authorizer_id: str | None = None
    authorization_scopes: tuple[str, ...] = ()
    mock_status: int = 200
    mock_headers: Mapping[str, str] = field(default_factory=dict)
    mock_body: str = ""

    @property
    def segments(self) -> tuple[str, ...]:
        return tuple(part for part in self.resource_path.split("/") if part)


@dataclass(frozen=True)
class GatewayResponse:
    status: int | None
    headers: Mapping[str, str]
    templates: Mapping[str, str]


@dataclass
class RestApi:
    logical_id: str
    api_id: str
    name: str
    stage: str | None
    stage_variables: dict[str, str] | None
    routes: list[Route]
    gateway_responses: dict[str, GatewayResponse]
    binary_media_types: list[str]
    problems: list[str] = field(default_factory=list)
    authorizers: dict[str, Authorizer] = field(default_factory=dict)  # by authorizer id

    @property
    def base_path(self) -> str:
        return f"/{self.stage}" if self.stage else ""

    # -- routing --------------------------------------------------------------------------------
    def match(self, path: str, method: str) -> tuple[Route | None, dict[str, str], bool]:
        """(route, path parameters, resource exists). A route is None for an unknown path or method."""
        parts = [part for part in path.split("/") if part]
        best: tuple[tuple[int, ...], str, dict[str, str]] | None = None
        for resource_path in {route.resource_path for route in self.routes}:
            params = _match_path(resource_path, parts)
            if params is None:
                continue
            score = _specificity(resource_path)
            if best is None or score > best[0]:
                best = (score, resource_path, params)
        if best is None:
            return None, {}, False
        _, resource_path, params = best
        candidates = [r for r in self.routes if r.resource_path == resource_path]
        for wanted in (method, "ANY"):
            for route in candidates:
                if route.http_method == wanted:
                    return route, params, True
        return None, params, True

    # -- gateway responses ----------------------------------------------------------------------
    def gateway_response(
        self,
        response_type: str,
        *,
        request_id: str,
        path: str,
        request_headers: Mapping[str, str],
        message: str | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        status, default_message, error_type = _GATEWAY_DEFAULTS[response_type]
        message = message or default_message
        family = "DEFAULT_5XX" if status >= 500 else "DEFAULT_4XX"
        configured = self.gateway_responses.get(response_type) or self.gateway_responses.get(family)
        headers = {"Content-Type": "application/json", "x-amzn-ErrorType": error_type}
        body = json.dumps({"message": message})
        if configured is not None:
            status = configured.status or status
            for name, value in configured.headers.items():
                headers[name] = _parameter_value(value, request_headers)
            template = configured.templates.get("application/json")
            if template is None and configured.templates:
                content_type, template = next(iter(configured.templates.items()))
                headers["Content-Type"] = content_type
            if template is not None:
                variables = {
                    "error.message": message,
                    "error.messageString": json.dumps(message),
                    "error.responseType": response_type,
                    "requestId": request_id,
                    "extendedRequestId": request_id,
                    "path": f"{self.base_path}{path}",
                    "stage": self.stage or "",
                    "apiId": self.api_id,
                }
                body = _TEMPLATE_VARIABLE.sub(lambda m: variables.get(m.group(1) or m.group(2), ""), template)
        headers["x-amzn-RequestId"] = request_id
        return status, headers, body.encode()

    def is_binary(self, content_type: str | None) -> bool:
        if not content_type:
            return False
        mime = content_type.split(";", 1)[0].strip().lower()
        for pattern in self.binary_media_types:
            wanted = pattern.replace("~1", "/").lower()
            if wanted in ("*/*", mime) or (wanted.endswith("/*") and mime.startswith(wanted[:-1])):
                return True
        return False


def _match_path(resource_path: str, parts: Sequence[str]) -> dict[str, str] | None:
    template = [part for part in resource_path.split("/") if part]
    params: dict[str, str] = {}
    for index, segment in enumerate(template):
        if segment.startswith("{") and segment.endswith("+}"):
            if index >= len(parts) or index != len(template) - 1:
                return None
            params[segment[1:-2]] = "/".join(parts[index:])
            return params
        if index >= len(parts):
            return None
        if segment.startswith("{") and segment.endswith("}"):
            params[segment[1:-1]] = parts[index]
        elif segment != parts[index]:
            return None
    return params if len(template) == len(parts) else None


def _specificity(resource_path: str) -> tuple[int, ...]:
    """Literal segments beat ``{param}``, which beats ``{proxy+}`` (API Gateway's precedence)."""
    scores = []
    for segment in (part for part in resource_path.split("/") if part):
        if segment.endswith("+}"):
            scores.append(0)
        elif segment.startswith("{"):
            scores.append(1)
        else:
            scores.append(2)
    return tuple(scores)


def _parameter_value(value: str, request_headers: Mapping[str, str]) -> str:
    """A mapping value: a quoted literal (``'*'``) or ``method.request.header.<name>``."""
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1]
    prefix = "method.request.header."
    if value.startswith(prefix):
        wanted = value[len(prefix) :].lower()
        return next((v for k, v in request_headers.items() if k.lower() == wanted), "")
    return value


# -- building the model from the deployment --------------------------------------------------------
def rest_apis(deployment: Deployment) -> list[RestApi]:
    return [_build(deployment, api) for api in deployment.of_type("AWS::ApiGateway::RestApi")]


def _belongs(resource: DeployedResource, api: DeployedResource) -> bool:
    return resource.properties.get("RestApiId") == api.physical_id


def _build(deployment: Deployment, api: DeployedResource) -> RestApi:
    problems: list[str] = []
    if "Body" in api.properties or "BodyS3Location" in api.properties:
        problems.append(f"{api.logical_id}: RestApi defined by an OpenAPI body is not emulated")
    root_id = api.attributes["RootResourceId"]
    parents: dict[str, tuple[str, str]] = {}
    for resource in deployment.of_type("AWS::ApiGateway::Resource"):
        if _belongs(resource, api):
            parents[resource.physical_id] = (resource.properties["ParentId"], resource.properties["PathPart"])

    def path_of(resource_id: str, seen: frozenset[str] = frozenset()) -> str:
        if resource_id == root_id:
            return "/"
        if resource_id not in parents or resource_id in seen:
            raise KeyError(resource_id)
        parent, part = parents[resource_id]
        parent_path = path_of(parent, seen | {resource_id})
        return f"{parent_path.rstrip('/')}/{part}"

    routes = []
    for method in deployment.of_type("AWS::ApiGateway::Method"):
        if not _belongs(method, api):
            continue
        props = method.properties
        try:
            resource_path = path_of(props["ResourceId"])
        except KeyError:
            problems.append(f"{method.logical_id}: resource {props.get('ResourceId')} is not in the API's tree")
            continue
        routes.append(_route(deployment, method, resource_path, problems))

    responses = {}
    for response in deployment.of_type("AWS::ApiGateway::GatewayResponse"):
        if _belongs(response, api):
            props = response.properties
            responses[props["ResponseType"]] = GatewayResponse(
                status=int(props["StatusCode"]) if props.get("StatusCode") else None,
                headers={
                    key.removeprefix("gatewayresponse.header."): str(value)
                    for key, value in (props.get("ResponseParameters") or {}).items()
                    if key.startswith("gatewayresponse.header.")
                },
                templates=dict(props.get("ResponseTemplates") or {}),
            )

    stage, variables = _stage(deployment, api)
    authorizers = {a.authorizer_id: a for a in cognito_authorizers(deployment, api.physical_id, problems)}
    for route in routes:
        if route.authorization_type == "COGNITO_USER_POOLS" and route.authorizer_id not in authorizers:
            problems.append(f"{route.logical_id}: authorizer {route.authorizer_id} is not a Cognito authorizer here")
        elif route.authorization_type not in ("NONE", "COGNITO_USER_POOLS"):
            problems.append(f"{route.logical_id}: authorization {route.authorization_type} is not emulated")
    return RestApi(
        logical_id=api.logical_id,
        api_id=api.physical_id,
        name=str(api.properties.get("Name", api.logical_id)),
        stage=stage,
        stage_variables=variables,
        routes=sorted(routes, key=lambda r: (r.resource_path, r.http_method)),
        gateway_responses=responses,
        binary_media_types=list(api.properties.get("BinaryMediaTypes") or []),
        problems=problems,
        authorizers=authorizers,
    )


def _route(deployment: Deployment, method: DeployedResource, resource_path: str, problems: list[str]) -> Route:
    props = method.properties
    integration = props.get("Integration") or {}
    integration_type = str(integration.get("Type", "NONE")).upper()
    function = None
    mock_status, mock_headers, mock_body = 200, {}, ""
    if integration_type == "AWS_PROXY":
        target = deployment.function_for(str(integration.get("Uri", "")))
        if target is None:
            problems.append(f"{method.logical_id}: integration URI names no function of this template")
        else:
            function = target.logical_id
    elif integration_type == "MOCK":
        responses = integration.get("IntegrationResponses") or [{}]
        first = responses[0]
        mock_status = int(first.get("StatusCode", 200))
        mock_headers = {
            key.removeprefix("method.response.header."): _parameter_value(str(value), {})
            for key, value in (first.get("ResponseParameters") or {}).items()
        }
        mock_body = next(iter((first.get("ResponseTemplates") or {}).values()), "")
    else:
        problems.append(f"{method.logical_id}: integration type {integration_type} is not emulated")
    authorization = str(props.get("AuthorizationType", "NONE"))
    return Route(
        logical_id=method.logical_id,
        resource_path=resource_path,
        http_method=str(props["HttpMethod"]).upper(),
        resource_id=str(props["ResourceId"]),
        integration_type=integration_type,
        function=function,
        api_key_required=bool(props.get("ApiKeyRequired", False)),
        authorization_type=authorization,
        authorizer_id=str(props["AuthorizerId"]) if props.get("AuthorizerId") else None,
        authorization_scopes=tuple(str(s) for s in props.get("AuthorizationScopes") or ()),
        mock_status=mock_status,
        mock_headers=mock_headers,
        mock_body=mock_body,
    )


def _stage(deployment: Deployment, api: DeployedResource) -> tuple[str | None, dict[str, str] | None]:
    for stage in deployment.of_type("AWS::ApiGateway::Stage"):
        if _belongs(stage, api) and stage.properties.get("StageName"):
            variables = stage.properties.get("Variables") or None
            return str(stage.properties["StageName"]), variables
    for deployment_resource in deployment.of_type("AWS::ApiGateway::Deployment"):
        if _belongs(deployment_resource, api) and deployment_resource.properties.get("StageName"):
            return str(deployment_resource.properties["StageName"]), None
    return None, None


# -- proxy events and results -------------------------------------------------------------------------
@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str  # without the stage, decoded
    query: Sequence[tuple[str, str]]  # decoded, in order
    headers: Sequence[tuple[str, str]]  # as received, in order
    body: bytes
    source_ip: str
    protocol: str = "HTTP/1.1"


def proxy_event(
    api: RestApi,
    route: Route,
    request: HttpRequest,
    path_parameters: Mapping[str, str],
    *,
    request_id: str,
    api_key: str | None,
    claims: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A REST API Lambda proxy integration event (payload format 1.0)."""
    headers: dict[str, str] = {}
    multi_headers: dict[str, list[str]] = {}
    for name, value in request.headers:
        headers[name] = value
        multi_headers.setdefault(name, []).append(value)
    query: dict[str, str] = {}
    multi_query: dict[str, list[str]] = {}
    for name, value in request.query:
        query[name] = value
        multi_query.setdefault(name, []).append(value)
    content_type = next((v for k, v in request.headers if k.lower() == "content-type"), None)
    body: str | None
    if not request.body:
        body, is_base64 = None, False
    elif api.is_binary(content_type):
        body, is_base64 = base64.b64encode(request.body).decode(), True
    else:
        try:
            body, is_base64 = request.body.decode("utf-8"), False
        except UnicodeDecodeError:
            body, is_base64 = base64.b64encode(request.body).decode(), True
    now = time.time()
    user_agent = next((v for k, v in request.headers if k.lower() == "user-agent"), None)
    host = next((v for k, v in request.headers if k.lower() == "host"), "127.0.0.1")
    event: dict[str, Any] = {
        "resource": route.resource_path,
        "path": request.path,
        "httpMethod": request.method,
        "headers": headers or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": dict(path_parameters) or None,
        "stageVariables": api.stage_variables,
        "requestContext": {
            "resourceId": route.resource_id,
            "resourcePath": route.resource_path,
            "httpMethod": request.method,
            "extendedRequestId": request_id,
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "requestTimeEpoch": int(now * 1000),
            "path": f"{api.base_path}{request.path}",
            "accountId": "123456789012",
            "protocol": request.protocol,
            "stage": api.stage or "local",
            "domainPrefix": host.split(".", 1)[0],
            "domainName": host,
            "requestId": request_id,
            "apiId": api.api_id,
            "identity": {
                "cognitoIdentityPoolId": None,
                "accountId": None,
                "cognitoIdentityId": None,
                "caller": None,
                "sourceIp": request.source_ip,
                "principalOrgId": None,
                "accessKey": None,
                "cognitoAuthenticationType": None,
                "cognitoAuthenticationProvider": None,
                "userArn": None,
                "userAgent": user_agent,
                "user": None,
                "apiKey": api_key,
                "apiKeyId": short_id(api_key, 10) if api_key else None,
            },
        },
        "body": body,
        "isBase64Encoded": is_base64,
    }
    if claims is not None:
        event["requestContext"]["authorizer"] = {"claims": context_claims(claims)}
    return event


class MalformedResponse(ValueError):
    """The function's result is not a valid proxy integration response."""


def http_response(result: Any) -> tuple[int, list[tuple[str, str]], bytes]:
    """Map a Lambda proxy result to (status, headers, body).

    Raises MalformedResponse where API Gateway answers 502 "Internal server error".
    """
    if not isinstance(result, Mapping):
        raise MalformedResponse(f"result is a {type(result).__name__}, not an object")
    unknown = set(result) - {
        "statusCode",
        "headers",
        "multiValueHeaders",
        "body",
        "isBase64Encoded",
        "cookies",
    }
    if unknown:
        raise MalformedResponse(f"unexpected keys {sorted(unknown)}")
    status = result.get("statusCode")
    if isinstance(status, str) and status.isdigit():
        status = int(status)
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        raise MalformedResponse(f"statusCode {status!r} is not an HTTP status")
    headers: list[tuple[str, str]] = []
    seen = set()
    for name, values in (result.get("multiValueHeaders") or {}).items():
        for value in values if isinstance(values, list) else [values]:
            headers.append((str(name), _header_text(value)))
        seen.add(str(name).lower())
    for name, value in (result.get("headers") or {}).items():
        if str(name).lower() not in seen:
            headers.append((str(name), _header_text(value)))
    body = result.get("body")
    if body is None:
        payload = b""
    elif not isinstance(body, str):
        raise MalformedResponse("body must be a string")
    elif result.get("isBase64Encoded"):
        try:
            payload = base64.b64decode(body, validate=True)
        except ValueError as exc:
            raise MalformedResponse("isBase64Encoded but body is not base64") from exc
    else:
        payload = body.encode("utf-8")
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", "application/json"))
    return status, headers, payload


def _header_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def new_request_id() -> str:
    return str(uuid.uuid4())


# -- Cognito user pools and authorizers -------------------------------------------------------------------
def user_pools(deployment: Deployment) -> list[UserPool]:
    """Every user pool of the template with its groups and app clients."""
    pools = []
    for pool in deployment.of_type("AWS::Cognito::UserPool"):
        pool_id = str(pool.physical_id)
        groups = tuple(
            str(g.physical_id)
            for g in deployment.of_type("AWS::Cognito::UserPoolGroup")
            if g.properties.get("UserPoolId") == pool_id
        )
        clients = tuple(
            str(c.physical_id)
            for c in deployment.of_type("AWS::Cognito::UserPoolClient")
            if c.properties.get("UserPoolId") == pool_id
        )
        pools.append(UserPool(pool.logical_id, pool_id, pool.attributes["Arn"], deployment.region, groups, clients))
    return pools


def cognito_authorizers(deployment: Deployment, api_id: str, problems: list[str]) -> list[Authorizer]:
    pools = {pool.arn: pool for pool in user_pools(deployment)}
    found = []
    for resource in deployment.of_type("AWS::ApiGateway::Authorizer"):
        props = resource.properties
        if props.get("RestApiId") != api_id:
            continue
        if props.get("Type") != "COGNITO_USER_POOLS":
            problems.append(f"{resource.logical_id}: authorizer type {props.get('Type')} is not emulated")
            continue
        chosen = []
        for arn in props.get("ProviderARNs") or []:
            if arn in pools:
                chosen.append(pools[arn])
            else:
                problems.append(f"{resource.logical_id}: provider {arn} is not a user pool of this template")
        source = str(props.get("IdentitySource") or "method.request.header.Authorization")
        header = source.removeprefix("method.request.header.")
        found.append(
            Authorizer(
                logical_id=resource.logical_id,
                authorizer_id=str(resource.physical_id),
                name=str(props.get("Name", resource.logical_id)),
                pools=tuple(chosen),
                header=header,
                validation_expression=props.get("IdentityValidationExpression") or None,
            )
        )
    return found
