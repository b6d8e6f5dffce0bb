"""The local HTTP front door on 127.0.0.1: the REST API (under its stage), the site under ``/site/``
(what CloudFront serves in AWS, by the template's behaviours), a landing page at ``/`` and the
runtime's own endpoints under ``/_local/`` (wiring, idleness, faults, stats, tokens).
"""

from __future__ import annotations

import dataclasses
import html
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final
from urllib.parse import parse_qsl, unquote, urlsplit

from botocore.exceptions import ClientError

from infra.local.apigw import (
    MAX_PAYLOAD_BYTES,
    HttpRequest,
    MalformedResponse,
    RestApi,
    http_response,
    new_request_id,
    proxy_event,
)
from infra.local.cloudfront import Distribution, forwarded_headers, forwarded_query
from infra.local.cognito import AuthError, TokenAuthority, bearer_token
from infra.local.lambdas import LocalFunction

access_log = logging.getLogger("infra.local.access")
log = logging.getLogger(__name__)

SITE_PREFIX: Final = "/site"
_DISCARD_LIMIT: Final = 64 * 1024 * 1024  # bodies over the API limit are read and dropped up to this size
Response = tuple[int, list[tuple[str, str]], bytes]


class ApiGateway:
    """Turns one HTTP request into a proxy event, invokes the route's function, maps the result back."""

    def __init__(
        self,
        api: RestApi,
        functions: Mapping[str, LocalFunction],
        api_key: str,
        authority: TokenAuthority | None = None,
    ) -> None:
        self.api, self.functions, self.api_key, self.authority = api, functions, api_key, authority

    def handle(self, request: HttpRequest, *, too_large: bool = False) -> tuple[Response, str]:
        """(response, name of the function that ran or '-')."""
        request_id = new_request_id()
        headers = dict(request.headers)

        def gateway(response_type: str, message: str | None = None) -> Response:
            status, response_headers, body = self.api.gateway_response(
                response_type, request_id=request_id, path=request.path, request_headers=headers, message=message
            )
            return status, list(response_headers.items()), body

        if too_large or len(request.body) > MAX_PAYLOAD_BYTES:
            return gateway("REQUEST_TOO_LARGE"), "-"
        route, path_parameters, _ = self.api.match(request.path, request.method)
        if route is None:
            return gateway("MISSING_AUTHENTICATION_TOKEN"), "-"
        claims = None
        if route.authorization_type == "COGNITO_USER_POOLS":
            authorizer = self.api.authorizers.get(route.authorizer_id or "")
            if authorizer is None or self.authority is None:
                return gateway("DEFAULT_5XX"), "-"
            sent = next((v for k, v in request.headers if k.lower() == authorizer.header.lower()), None)
            token = bearer_token(sent)
            if token is None:
                return gateway("UNAUTHORIZED"), "-"
            try:
                claims = self.authority.verify(
                    token,
                    authorizer.pools,
                    scopes=route.authorization_scopes,
                    validation_expression=authorizer.validation_expression,
                )
            except AuthError as exc:
                return gateway("UNAUTHORIZED", str(exc)), "-"
        sent_key = next((v for k, v in request.headers if k.lower() == "x-api-key"), None)
        if route.api_key_required and sent_key != self.api_key:
            return gateway("INVALID_API_KEY"), "-"
        if route.integration_type == "MOCK":
            mock_headers = [*route.mock_headers.items(), ("x-amzn-RequestId", request_id)]
            return (route.mock_status, mock_headers, route.mock_body.encode()), "MOCK"
        function = self.functions.get(route.function or "")
        if function is None:
            return gateway("DEFAULT_5XX"), "-"
        event = proxy_event(
            self.api,
            route,
            request,
            path_parameters,
            request_id=request_id,
            api_key=sent_key if route.api_key_required else None,
            claims=claims,
        )
        outcome = function.invoke(event)
        if not outcome.ok:
            return gateway("DEFAULT_5XX"), function.spec.logical_id
        try:
            status, response_headers, body = http_response(outcome.result)
        except MalformedResponse as exc:
            log.error("λ %s returned a malformed proxy response: %s", function.spec.logical_id, exc)
            return gateway("DEFAULT_5XX"), function.spec.logical_id
        response_headers.append(("x-amzn-RequestId", request_id))
        return (status, response_headers, body), function.spec.logical_id


class SiteBucket:
    """Read-only GET of objects in a bucket, with their stored Content-Type."""

    def __init__(self, s3: Any, bucket: str | None) -> None:
        self.s3, self.bucket = s3, bucket

    def get(self, key: str, request_headers: Mapping[str, str], bucket: str | None = None) -> Response:
        bucket = bucket or self.bucket
        if not bucket:
            return _text(HTTPStatus.NOT_FOUND, "no site bucket in this template\n")
        if not key or key.endswith("/"):
            key += "index.html"
        try:
            obj = self.s3.get_object(Bucket=bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NoSuchBucket"):
                return _text(HTTPStatus.NOT_FOUND, f"not found: s3://{bucket}/{key}\n")
            raise
        body = obj["Body"].read()
        headers = [("Content-Type", obj.get("ContentType") or "binary/octet-stream")]
        etag = obj.get("ETag")
        for name, value in (
            ("ETag", etag),
            ("Cache-Control", obj.get("CacheControl")),
            ("Content-Encoding", obj.get("ContentEncoding")),
            ("Last-Modified", obj["LastModified"].strftime("%a, %d %b %Y %H:%M:%S GMT")),
        ):
            if value:
                headers.append((name, value))
        if etag and request_headers.get("if-none-match") == etag:
            return HTTPStatus.NOT_MODIFIED, headers, b""
        return HTTPStatus.OK, headers, body


class Site:
    """What CloudFront serves under ``/site/``: the template's distribution (behaviours in order, S3 or
    API Gateway origins), or without one, the site bucket as it is."""

    def __init__(self, bucket: SiteBucket, distribution: Distribution | None = None) -> None:
        self.bucket, self.distribution = bucket, distribution
        self.api: Callable[[HttpRequest], tuple[Response, str]] | None = None  # the API under its stage

    def handle(self, request: HttpRequest, path: str) -> tuple[Response, str]:
        lowered = {k.lower(): v for k, v in request.headers}
        distribution = self.distribution
        if distribution is None:
            if request.method not in ("GET", "HEAD"):
                return _text(HTTPStatus.METHOD_NOT_ALLOWED, "the site is read-only\n"), "-"
            return self.bucket.get(path.lstrip("/"), lowered), "site"
        if path == "/" and distribution.default_root_object:
            path = "/" + distribution.default_root_object
        behavior = distribution.behavior_for(path)
        if request.method not in behavior.methods or request.method not in ("GET", "HEAD"):
            return _text(HTTPStatus.FORBIDDEN, f"{request.method} is not allowed for {behavior.pattern}\n"), "-"
        origin = behavior.origin
        if origin.kind == "s3":
            key = f"{origin.path}{path}".lstrip("/")
            return self.bucket.get(key, lowered, bucket=origin.bucket), f"site:{behavior.pattern}"
        if origin.kind == "api" and self.api is not None:
            proxied = HttpRequest(
                method=request.method,
                path=f"{origin.path}{path}",
                query=forwarded_query(behavior, request.query),
                headers=forwarded_headers(behavior, request.headers),
                body=b"",
                source_ip=request.source_ip,
                protocol=request.protocol,
            )
            response, target = self.api(proxied)
            return response, f"site:{behavior.pattern}→{target}"
        return _text(HTTPStatus.BAD_GATEWAY, f"origin {origin.domain} is not emulated locally\n"), "-"


def _text(status: int, text: str, content_type: str = "text/plain; charset=utf-8") -> Response:
    return status, [("Content-Type", content_type)], text.encode()


Control = Callable[[HttpRequest], Response]


class LocalServer:
    """A threaded HTTP server on 127.0.0.1: the API under its stage, the site under ``/site/``, the
    landing page at ``/`` and the runtime's own endpoints (``control``: ``(method, path) -> handler``)."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        gateway: ApiGateway | None,
        site: Site,
        landing: Callable[[], str],
        control: Mapping[tuple[str, str], Control] | None = None,
    ) -> None:
        self.gateway, self.site, self.landing = gateway, site, landing
        self.control: dict[tuple[str, str], Control] = dict(control or {})
        site.api = self._api
        handler = _handler_class(self)
        self._httpd = ThreadingHTTPServer((host, port), handler)
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def start(self) -> None:
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="local-http", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:  # shutdown() waits forever if serve_forever never ran
            self._httpd.shutdown()
            self._thread.join(5)
            self._thread = None
        self._httpd.server_close()

    def _api(self, request: HttpRequest) -> tuple[Response, str]:
        gateway = self.gateway
        if gateway is None:
            return _text(HTTPStatus.BAD_GATEWAY, "no API in this template\n"), "-"
        base = gateway.api.base_path
        if base and not (request.path == base or request.path.startswith(base + "/")):
            return _text(HTTPStatus.NOT_FOUND, f"not under the API stage {base}\n"), "-"
        return gateway.handle(_under(request, request.path[len(base) :] or "/"))

    def dispatch(self, request: HttpRequest, *, too_large: bool) -> tuple[Response, str]:
        path = request.path
        if path == SITE_PREFIX or path.startswith(SITE_PREFIX + "/"):
            return self.site.handle(request, path[len(SITE_PREFIX) :] or "/")
        control = self.control.get((request.method, path))
        if control is not None:
            return control(request), "-"
        if path.startswith("/_local/") and any(p == path for _, p in self.control):
            return _text(HTTPStatus.METHOD_NOT_ALLOWED, f"{request.method} is not supported here\n"), "-"
        gateway = self.gateway
        base = gateway.api.base_path if gateway is not None else ""
        is_landing = path == "/" and request.method in ("GET", "HEAD")
        if gateway is not None:
            if base and (path == base or path.startswith(base + "/")):
                return gateway.handle(_under(request, path[len(base) :] or "/"), too_large=too_large)
            if not base and not (is_landing and gateway.api.match("/", request.method)[0] is None):
                return gateway.handle(request, too_large=too_large)
        if is_landing:
            return _text(HTTPStatus.OK, self.landing(), "text/html; charset=utf-8"), "-"
        hint = f"not found: the API is under {base or '/'}/, the site under {SITE_PREFIX}/\n"
        return _text(HTTPStatus.NOT_FOUND, hint), "-"


def _under(request: HttpRequest, path: str) -> HttpRequest:
    return dataclasses.replace(request, path=path)


def json_response(status: int, value: Any) -> Response:
    return status, [("Content-Type", "application/json")], json.dumps(value, indent=2).encode()


def _handler_class(server: LocalServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "newsroom-local"

        def _handle(self) -> None:
            started = time.perf_counter()
            split = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            too_large = length > MAX_PAYLOAD_BYTES
            body = b""
            if too_large:
                self._discard(length)  # so the client gets the 413, not a broken pipe
            else:
                body = self.rfile.read(length)
            request = HttpRequest(
                method=self.command,
                path=unquote(split.path) or "/",
                query=parse_qsl(split.query, keep_blank_values=True),
                headers=list(self.headers.items()),
                body=body,
                source_ip=self.client_address[0],
                protocol=self.request_version,
            )
            try:
                (status, headers, payload), target = server.dispatch(request, too_large=too_large)
            except Exception:
                log.exception("local server failed on %s %s", self.command, self.path)
                (status, headers, payload), target = _text(500, "local runtime error (see its log)\n"), "-"
            if too_large:
                self.close_connection = True
            self.send_response_only(status)
            for name, value in headers:
                if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)
            elapsed = (time.perf_counter() - started) * 1000
            access_log.info(
                '%s "%s %s %s" %d %d %.1fms %s',
                self.client_address[0],
                self.command,
                self.path,
                self.request_version,
                status,
                len(payload),
                elapsed,
                target,
            )

        def _discard(self, length: int) -> None:
            if length > _DISCARD_LIMIT:
                return  # not worth reading: answer and close
            while length > 0:
                chunk = self.rfile.read(min(length, 1 << 16))
                if not chunk:
                    break
                length -= len(chunk)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle

        def log_message(self, format: str, *args: Any) -> None:  # the access log above replaces it
            log.debug(format, *args)

    return Handler


def landing_page(links: list[tuple[str, str]], routes: list[tuple[str, str, str]]) -> str:
    items = "".join(
        f'<li>{html.escape(label)}: <a href="{html.escape(url)}">{html.escape(url)}</a></li>' for label, url in links
    )
    rows = "".join(
        f"<tr><td>{html.escape(m)}</td><td>{html.escape(p)}</td><td>{html.escape(t)}</td></tr>" for m, p, t in routes
    )
    return (
        "<!doctype html><meta charset=utf-8><title>Newsroom local runtime</title>"
        "<h1>Newsroom local runtime</h1>"
        f"<ul>{items}</ul><h2>API routes</h2>"
        f"<table><tr><th>method</th><th>path</th><th>target</th></tr>{rows}</table>\n"
    )
