"""HTTP API: articles (submit, update, take down, publish, read, revisions), feeds, sitemaps, health.

Thin by design: a route parses (Powertools validation with pydantic), checks the caller's role, calls
one service and responds. Services come from one injectable bundle (:class:`Services`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Annotated, Any, Final

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.api.auth import Principal, Role, TokenVerifier, bearer, principal_from_claims, require
from functions.api.http import BodyLimits, Refusal, precheck, with_body
from shared import problems
from shared.errors import DomainError, InvalidInput, PreconditionFailed
from shared.models.api import (
    AcceptedArticle,
    Health,
    Problem,
    PublishRequest,
    RevisionList,
    TakedownRequest,
)
from shared.models.article import Article
from shared.models.common import LanguageTag, SectionName
from shared.models.feed import FeedPage
from shared.models.submission import ArticleSubmission
from shared.observability import observability
from shared.openapi import add_component_schemas, problem_errors
from shared.service.articles import ArticleReader, ArticleView
from shared.service.feeds import FeedService, Rendered, feed_for_filters
from shared.service.lifecycle import Actor, Applied, LifecycleService
from shared.service.submissions import Accepted, Editor, SubmissionService
from shared.settings import ApiSettings, load
from shared.store.blobs import BlobStore
from shared.store.scheduler import Schedules
from shared.store.table import ArticleTable

VERSION: Final = "2.0.0"
BODY_LIMITS: Final = BodyLimits(max_bytes=262_144)
_CORRELATION_HEADER: Final = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_IDEMPOTENCY_KEY: Final = re.compile(r"^[\x21-\x7e]{1,255}$")
_ETAG: Final = re.compile(r'^\s*(?:"(\d{1,9})"|(\d{1,9}))\s*$')
PUBLIC_ARTICLE_CACHE: Final = "public, max-age=30, stale-while-revalidate=60"
PRIVATE: Final = "private, no-store"


class ArticleFormat(StrEnum):
    JSON = "json"
    NINJS = "ninjs"
    JSONLD = "jsonld"


SETTINGS = load(ApiSettings)
IDENTITY = SETTINGS.identity()  # validated at cold start: a bad URL in a stage's configuration fails here
obs = observability(SETTINGS.POWERTOOLS_METRICS_NAMESPACE)
logger, metrics = obs.logger, obs.metrics

# Reads are public, so any site may call them from a browser ("Show More"); writes need a token.
app = APIGatewayRestResolver(
    enable_validation=True,
    cors=CORSConfig(allow_origin="*", expose_headers=["Location", "ETag"], max_age=600),
)


@dataclass(frozen=True)
class Services:
    """Everything the routes call, built once per container (or injected by tests)."""

    submissions: SubmissionService
    lifecycle: LifecycleService
    articles: ArticleReader
    feeds: FeedService
    tokens: TokenVerifier


@cache
def default_services() -> Services:
    """Built on first use, not at import: clients are created lazily."""
    table = ArticleTable(SETTINGS.TABLE_NAME)
    documents = BlobStore(SETTINGS.DOCUMENTS_BUCKET)
    schedules = Schedules(
        SETTINGS.SCHEDULE_GROUP, SETTINGS.SCHEDULE_TARGET_ARN, SETTINGS.SCHEDULE_ROLE_ARN, SETTINGS.SCHEDULE_DLQ_ARN
    )
    return Services(
        submissions=SubmissionService(table, documents, SETTINGS.WEBSITE_URL),
        lifecycle=LifecycleService(table, schedules),
        articles=ArticleReader(table, documents),
        feeds=FeedService(table, IDENTITY),
        tokens=TokenVerifier(SETTINGS.JWKS_URL, SETTINGS.TOKEN_ISSUER, SETTINGS.TOKEN_AUDIENCE),
    )


def services() -> Services:
    injected = app.context.get("services")
    return injected if isinstance(injected, Services) else default_services()


# -- callers ------------------------------------------------------------------------------------------
def _correlation_id() -> str:
    event = app.current_event
    given = event.headers.get("x-correlation-id") or ""
    correlation_id = given if _CORRELATION_HEADER.match(given) else event.request_context.request_id
    logger.set_correlation_id(correlation_id)
    return correlation_id


def _authorized() -> Principal | None:
    """The caller verified by API Gateway's authorizer, else by its own bearer token, else anonymous."""
    event = app.current_event
    claims = event.request_context.authorizer.claims
    if claims:
        return principal_from_claims(claims)
    token = bearer(event.headers)
    return services().tokens.verify(token) if token else None


def _editor(role: Role, *, may_schedule: bool = False) -> Editor:
    principal = require(_authorized(), role)
    return Editor(principal=principal.name, may_schedule=may_schedule or principal.can(Role.PUBLISHER),
                  correlation_id=_correlation_id())  # fmt: skip


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response[Any]:
    return Response(status_code=status, content_type="application/json", body=body, headers=headers or {})


def _accepted(result: Accepted) -> Response[AcceptedArticle]:
    link = result.body.links.self
    headers = {"Location": link, "ETag": f'"{result.body.revision}"'}
    if result.replayed:
        headers["Idempotent-Replayed"] = "true"
    metrics.add_metric(name="ArticlesAccepted" if result.status_code == 202 else "ArticlesUnchanged", unit="Count",
                       value=1)  # fmt: skip
    return _json(result.status_code, result.body, headers)


def _applied(result: Applied) -> Response[Any]:
    view = services().articles.get(result.head.id, editorial=True)
    return _json(200, view.article, {"ETag": view.etag, "Cache-Control": PRIVATE})


# -- OpenAPI bits ---------------------------------------------------------------------------------------
def _problem_responses(*codes: int) -> dict[int, Any]:
    texts = {
        400: "Malformed request (not JSON, duplicate keys, too deep)",
        401: "Missing, expired or forged token",
        403: "The token's role does not allow this (or a missing API key, answered by API Gateway)",
        404: "Not found",
        409: "Conflict",
        410: "Taken down",
        412: "If-Match does not name the current revision",
        413: "Body too large",
        415: "Body is not JSON",
        422: "A field is invalid; 'errors' names each one",
        428: "If-Match is required",
        429: "Too many requests (API Gateway throttling or quota)",
        500: "Internal error (the detail says whether retrying is safe)",
    }
    reference = {"$ref": "#/components/schemas/Problem"}
    return {c: {"description": texts[c], "content": {problems.CONTENT_TYPE: {"schema": reference}}} for c in codes}


def _ok(schema: str, description: str = "OK", **headers: str) -> Any:
    response: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }
    if headers:
        response["headers"] = {
            name: {"description": text, "schema": {"type": "string"}} for name, text in headers.items()
        }
    return response


def _document(content_type: str, description: str) -> Any:
    return {"description": description, "content": {content_type: {"schema": {"type": "string"}}}}


_WRITE_SECURITY: Final[list[dict[str, list[str]]]] = [{"cognito": [], "apiKey": []}]


# -- articles -----------------------------------------------------------------------------------------
@app.post(
    "/articles",
    summary="Submit an article",
    description="Needs the editor or publisher role; a future `publish_at` (embargo) needs publisher.",
    security=_WRITE_SECURITY,
    responses={
        200: _ok("AcceptedArticle", "Identical resubmission (same external_id and content), or a replayed answer"),
        202: _ok("AcceptedArticle", "Accepted; enrichment and publication follow", ETag="The new revision"),
        **_problem_responses(400, 401, 403, 409, 413, 415, 422, 429, 500),
    },
)
def submit_article(
    submission: ArticleSubmission,
    idempotency_key: Annotated[
        str | None,
        Header(alias="Idempotency-Key", max_length=255, description="Makes a retried POST safe (IETF draft)."),
    ] = None,
) -> Response[AcceptedArticle]:
    if idempotency_key is not None and not _IDEMPOTENCY_KEY.fullmatch(idempotency_key):
        raise InvalidInput("idempotency-key", "must be 1-255 visible ASCII characters", "header_invalid")
    editor = _editor(Role.EDITOR)
    return _accepted(services().submissions.submit(submission, editor, idempotency_key))


@app.put(
    "/articles/<article_id>",
    summary="Update an article (a new revision)",
    description="A full submission. `If-Match` must carry the current revision (the ETag of GET). An "
    "optional `correction` is published with it; without one it is a silent edit.",
    security=_WRITE_SECURITY,
    responses={
        200: _ok("AcceptedArticle", "Identical content: no new revision"),
        202: _ok("AcceptedArticle", "Accepted as a new revision", ETag="The new revision"),
        **_problem_responses(400, 401, 403, 404, 409, 412, 413, 415, 422, 428, 429, 500),
    },
)
def update_article(
    article_id: Annotated[str, Path(max_length=64, description="Article id (a ULID)")],
    submission: ArticleSubmission,
    if_match: Annotated[str | None, Header(alias="If-Match", max_length=64, description='e.g. "3"')] = None,
) -> Response[AcceptedArticle]:
    editor = _editor(Role.EDITOR)
    return _accepted(services().submissions.update(article_id, submission, editor, _revision_of(if_match)))


def _revision_of(if_match: str | None) -> int | None:
    if if_match is None:
        return None
    match = _ETAG.match(if_match)
    if match is None:  # a weak or malformed tag never matches a revision (strong comparison)
        raise PreconditionFailed(f"If-Match {if_match!r} names no revision", 0)
    return int(match.group(1) or match.group(2))


@app.delete(
    "/articles/<article_id>",
    summary="Take an article down",
    description="Publisher role. It leaves every feed, readers get 410, revisions are kept.",
    security=_WRITE_SECURITY,
    responses={200: _ok("Article"), **_problem_responses(400, 401, 403, 404, 409, 415, 422, 429, 500)},
)
def unpublish_article(
    article_id: Annotated[str, Path(max_length=64)], request: Annotated[TakedownRequest, Body()]
) -> Response[Any]:
    principal = require(_authorized(), Role.PUBLISHER)
    actor = Actor(principal.name, _correlation_id())
    return _applied(services().lifecycle.unpublish(article_id, request.reason, actor))


@app.post(
    "/articles/<article_id>/publish",
    summary="Publish now: restore a taken-down article, or publish a scheduled one early",
    security=_WRITE_SECURITY,
    responses={200: _ok("Article"), **_problem_responses(400, 401, 403, 404, 409, 415, 422, 429, 500)},
)
def publish_article(
    article_id: Annotated[str, Path(max_length=64)], request: Annotated[PublishRequest, Body()]
) -> Response[Any]:
    del request  # an empty object for now: room for options without breaking clients
    principal = require(_authorized(), Role.PUBLISHER)
    return _applied(services().lifecycle.publish(article_id, Actor(principal.name, _correlation_id())))


@app.get(
    "/articles/<article_id>",
    summary="Read an article",
    description="Anonymous readers get published articles (410 once taken down, 404 otherwise). With a "
    "newsroom token: every state, the newest revision, or `revision=N`. `format=ninjs` answers IPTC ninjs "
    "3.1, `format=jsonld` schema.org NewsArticle (escaped for inlining in HTML).",
    responses={
        200: {
            "description": "OK",
            "headers": {"ETag": {"description": "The revision, for If-Match", "schema": {"type": "string"}}},
            "content": {
                "application/json": {
                    "schema": {
                        "anyOf": [
                            {"$ref": "#/components/schemas/Article"},
                            {"type": "object", "description": "IPTC ninjs 3.1 (format=ninjs)"},
                        ]
                    }
                },
                "application/ld+json": {
                    "schema": {"type": "object", "description": "schema.org NewsArticle or LiveBlogPosting"}
                },
            },
        },
        304: {"description": "Not modified (If-None-Match)"},
        **_problem_responses(401, 404, 410, 422, 500),
    },
)
def get_article(
    article_id: Annotated[str, Path(max_length=64, description="Article id (a ULID)")],
    format: Annotated[ArticleFormat, Query(description="Representation")] = ArticleFormat.JSON,
    revision: Annotated[int | None, Query(ge=1, le=100_000, description="A past revision (newsroom only)")] = None,
) -> Response[Any]:
    principal = _authorized()
    editorial = principal is not None and principal.can(Role.EDITOR)
    if revision is not None:
        require(principal, Role.EDITOR)
    view = services().articles.get(article_id, editorial=editorial, revision=revision)
    cache_control = PUBLIC_ARTICLE_CACHE if view.public and not editorial else PRIVATE
    headers = {"ETag": view.etag, "Cache-Control": cache_control, "Vary": "Authorization"}
    if _not_modified(view.etag):
        return Response(status_code=304, headers=headers)
    if format is ArticleFormat.JSON:
        return _json(200, view.article, headers)
    return _syndicated(view, format, headers)


def _syndicated(view: ArticleView, format: ArticleFormat, headers: dict[str, str]) -> Response[Any]:
    from shared.render.syndication import render_article  # noqa: PLC0415 - off the cold-start path

    content_type, body = render_article(view.article, format.value, IDENTITY)
    return Response(status_code=200, content_type=content_type, body=body, headers=headers)


@app.get(
    "/articles/<article_id>/revisions",
    summary="An article's revisions: who, when, content hash, status, correction",
    security=_WRITE_SECURITY,
    responses={200: _ok("RevisionList"), **_problem_responses(401, 403, 404, 500)},
)
def list_revisions(article_id: Annotated[str, Path(max_length=64)]) -> Response[RevisionList]:
    require(_authorized(), Role.EDITOR)
    items = services().articles.revisions(article_id)
    return _json(200, RevisionList(items=items), {"Cache-Control": PRIVATE})


def _not_modified(etag: str) -> bool:
    given = app.current_event.headers.get("if-none-match")
    return given is not None and etag in {tag.strip() for tag in given.split(",")}


# -- feeds --------------------------------------------------------------------------------------------
@app.get(
    "/feed",
    summary="The News Feed, newest first, one page at a time",
    responses={200: _ok("FeedPage"), **_problem_responses(422, 500)},
)
def get_feed(
    limit: Annotated[int, Query(ge=1, le=50, description="Items per page")] = 20,
    cursor: Annotated[str | None, Query(max_length=512, description="next_cursor of the previous page")] = None,
    section: Annotated[SectionName | None, Query(description="Only this section")] = None,
    tag: Annotated[str | None, Query(min_length=1, max_length=64, description="Only this tag")] = None,
    language: Annotated[LanguageTag | None, Query(description="Only this language")] = None,
) -> Response[FeedPage]:
    feed = feed_for_filters(section=section, tag=tag, language=language)
    page = services().feeds.page(feed, limit, cursor)
    return _json(200, page, {"Cache-Control": "public, max-age=15"})


def _rendered(result: Rendered) -> Response[Any]:
    headers = {"Cache-Control": result.cache_control, "ETag": result.etag}
    if _not_modified(result.etag):
        return Response(status_code=304, headers=headers)
    return Response(status_code=200, content_type=result.content_type, body=result.body, headers=headers)


_FEED_RESPONSES: Final = {
    200: {
        "description": "The feed document",
        "content": {
            "application/feed+json": {"schema": {"type": "object"}},
            "application/rss+xml": {"schema": {"type": "string"}},
            "application/atom+xml": {"schema": {"type": "string"}},
        },
    },
    304: {"description": "Not modified (If-None-Match)"},
    **_problem_responses(404, 500),
}
_FILE = Annotated[str, Path(description="feed.json, rss.xml or atom.xml", max_length=16)]
_KIND = Annotated[str, Path(description="section, tag or lang", max_length=16)]
_NAME = Annotated[str, Path(description="The section, tag or language key", max_length=100)]
_HOUR_PARAM = Annotated[str, Path(description="UTC hour, e.g. 2026-11-30T14", max_length=13)]


@app.get("/feeds/all/<file>", summary="The main feed (JSON Feed, RSS or Atom)", responses=_FEED_RESPONSES)
def main_feed(file: _FILE) -> Response[Any]:
    return _rendered(services().feeds.document(f"all/{file}"))


@app.get("/feeds/<kind>/<name>/<file>", summary="A section, tag or language feed", responses=_FEED_RESPONSES)
def named_feed(kind: _KIND, name: _NAME, file: _FILE) -> Response[Any]:
    return _rendered(services().feeds.document(f"{kind}/{name}/{file}"))


@app.get("/feeds/all/archive/<hour>/<file>", summary="One hour of the main feed", responses=_FEED_RESPONSES)
def main_archive(hour: _HOUR_PARAM, file: _FILE) -> Response[Any]:
    return _rendered(services().feeds.document(f"all/archive/{hour}/{file}"))


@app.get("/feeds/<kind>/<name>/archive/<hour>/<file>", summary="One hour of a feed", responses=_FEED_RESPONSES)
def named_archive(kind: _KIND, name: _NAME, hour: _HOUR_PARAM, file: _FILE) -> Response[Any]:
    return _rendered(services().feeds.document(f"{kind}/{name}/archive/{hour}/{file}"))


@app.get(
    "/sitemaps/<file>",
    summary="news.xml (Google News, the last two days) or index.xml (the sitemap index)",
    responses={200: _document("application/xml", "The sitemap"), 304: {"description": "Not modified"},
               **_problem_responses(404, 500)},
)  # fmt: skip
def sitemap(file: Annotated[str, Path(max_length=16)]) -> Response[Any]:
    feeds = services().feeds
    if file == "news.xml":
        return _rendered(feeds.news_sitemap())
    if file == "index.xml":
        return _rendered(feeds.sitemap_index())
    raise NotFoundError(f"no sitemap {file}")


@app.get("/robots.txt", summary="robots.txt naming the sitemap index", responses={200: _document("text/plain", "")})
def robots() -> Response[Any]:
    return _rendered(services().feeds.robots())


@app.get("/health", summary="Liveness")
def health() -> Health:
    return Health(version=VERSION)


@app.get("/openapi.json", summary="This API's OpenAPI 3.1 document", include_in_schema=False)
def openapi() -> Response[str]:
    return Response(status_code=200, content_type="application/json", body=openapi_document())


@cache
def openapi_document() -> str:
    """Built on the first request for it: the OpenAPI models cost ~100 ms to import."""
    from aws_lambda_powertools.event_handler.openapi.models import (  # noqa: PLC0415
        APIKey,
        APIKeyIn,
        HTTPBearer,
        Server,
    )

    app.configure_openapi(
        title="Newsroom pipeline API",
        version=VERSION,
        summary="Submit, correct, schedule and take down articles; read articles, feeds and sitemaps.",
        description="Editorial routes need a Cognito ID token (Authorization: Bearer) with the editor or "
        "publisher role, and the CMS's API key (x-api-key) for its usage plan. Errors are RFC 9457 problems.",
        servers=[Server(url="/v1", description="The API stage (the deployed invoke URL ends in /v1)")],
        security_schemes={
            "apiKey": APIKey(name="x-api-key", in_=APIKeyIn.header),
            "cognito": HTTPBearer(bearerFormat="JWT", description="Cognito ID token with cognito:groups"),
        },
    )
    document = add_component_schemas(json.loads(app.get_openapi_json_schema()), Article, Problem)
    return json.dumps(problem_errors(document))


# -- errors -------------------------------------------------------------------------------------------
def _problem(
    status: int, title: str, detail: str, errors: list[dict[str, str]] | None = None, **extra: Any
) -> Response[str]:
    body = problems.problem(status, title, detail, app.current_event.path, errors or [])
    body.update(extra)
    return Response(status_code=status, content_type=problems.CONTENT_TYPE, body=json.dumps(body))


# Powertools' exception_handler decorator is untyped: each use needs an ignore under strict mypy.
@app.exception_handler(RequestValidationError)  # type: ignore[untyped-decorator]
def _invalid_request(error: RequestValidationError) -> Response[str]:
    fields = problems.validation_errors(error.errors())
    malformed = any(f["type"] == "json_invalid" for f in fields)
    if malformed:
        fields = [{"field": "body", "message": "is not valid JSON", "type": "json_invalid"}]
    return _problem(400 if malformed else 422, "Invalid request", problems.summary(fields), fields)


@app.exception_handler(DomainError)  # type: ignore[untyped-decorator]
def _domain_error(error: DomainError) -> Response[str]:
    fields = [{"field": e.field, "message": e.message, "type": e.type} for e in error.errors]
    extra: dict[str, Any] = {}
    if isinstance(error, PreconditionFailed) and error.current_revision:
        extra["current_revision"] = error.current_revision
    response = _problem(error.status, error.title, error.detail, fields, **extra)
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="newsroom"'
    return response


@app.exception_handler(Exception)  # type: ignore[untyped-decorator]
def _unexpected(error: Exception) -> Response[str]:
    # Logged with its stack; the client gets a problem without internals, never a bare 502.
    logger.exception("unhandled error")
    event = app.current_event
    idempotent = event.http_method in ("GET", "PUT", "DELETE") or (
        event.http_method == "POST" and bool(event.headers.get("idempotency-key"))
    )
    advice = (
        "it is safe to retry this request"
        if idempotent
        else "the article may have been created: check before retrying, or retry with an Idempotency-Key"
    )
    return _problem(500, "Internal error", f"the request could not be completed; {advice}")


@app.not_found
def _not_found(_: NotFoundError) -> Response[str]:
    return _problem(404, "Not found", f"no route for {app.current_event.http_method} {app.current_event.path}")


def respond(event: dict[str, Any], context: LambdaContext, injected: Services | None = None) -> dict[str, Any]:
    """The handler's body, with services injectable (handler unit tests pass fakes).

    A write's body is checked before any model sees it (media type, size, UTF-8, JSON depth, number
    sizes, duplicate keys): what fails is a 4xx problem naming the problem, never a 500.
    """
    checked = precheck(event, BODY_LIMITS)
    if isinstance(checked, Refusal):
        return checked.response({"Access-Control-Allow-Origin": "*"})
    if checked is not None:
        event = with_body(event, checked)
    if injected is not None:
        app.append_context(services=injected)  # type: ignore[no-untyped-call]
    response: dict[str, Any] = app.resolve(event, context)
    return response


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, log_event=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return respond(event, context)


def openapi_schema() -> dict[str, Any]:
    """The OpenAPI document served at /openapi.json (also written to docs/ by `make docs`)."""
    document: dict[str, Any] = json.loads(openapi_document())
    return document
