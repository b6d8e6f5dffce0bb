"""HTTP API: POST /articles (API key), GET /articles/{id}, GET /feed, GET /health, GET /openapi.json.

Thin by design: routes parse (Powertools validation with pydantic), call one service, respond.
"""

from __future__ import annotations

import json
import re
from enum import StrEnum
from functools import cache
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import problems
from shared.errors import DomainError
from shared.models.api import AcceptedArticle, ArticleLinks, Health, Problem
from shared.models.article import Article
from shared.models.common import ArticleStatus, LanguageTag, SectionName
from shared.models.feed import FeedPage
from shared.models.submission import ArticleSubmission
from shared.observability import observability
from shared.openapi import add_component_schemas, problem_errors
from shared.service.articles import ArticleReader
from shared.service.feeds import FeedReader, FeedSite, feed_for_filters
from shared.service.submissions import SubmissionService
from shared.settings import Settings
from shared.store.blobs import BlobStore
from shared.store.table import ArticleTable

VERSION = "1.0.0"


class ArticleFormat(StrEnum):
    JSON = "json"
    NINJS = "ninjs"
    JSONLD = "jsonld"


SETTINGS = Settings.from_env()
obs = observability(SETTINGS.powertools_metrics_namespace)
logger, metrics = obs.logger, obs.metrics
_CORRELATION_HEADER = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

# Reads are public, so any site may call them from a browser ("Show More"); writes need a key.
app = APIGatewayRestResolver(
    enable_validation=True,
    cors=CORSConfig(allow_origin="*", expose_headers=["Location"], max_age=600),
)


@cache
def _services() -> tuple[SubmissionService, ArticleReader, FeedReader]:
    """Built on first use, not at import: clients are created lazily."""
    table = ArticleTable(SETTINGS.table_name)
    documents = BlobStore(SETTINGS.documents_bucket)
    site = FeedSite(SETTINGS.site_base_url, SETTINGS.website_url, SETTINGS.site_title)
    submissions = SubmissionService(table, documents, SETTINGS.website_url)
    return submissions, ArticleReader(table, documents), FeedReader(table, site)


PROBLEM_RESPONSES: dict[int, Any] = {
    code: {
        "description": text,
        "content": {problems.CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    for code, text in {
        400: "Malformed JSON",
        403: "Missing or wrong API key (answered by API Gateway)",
        404: "Not found",
        409: "Conflict",
        413: "Body too large",
        415: "Body is not JSON",
        422: "A field is invalid; 'errors' names each one",
        429: "Too many requests (API Gateway throttling or quota)",
    }.items()
}


def _ok(schema: str) -> Any:
    return {
        "description": "OK",
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def _problem(status: int, title: str, detail: str, errors: list[dict[str, str]] | None = None) -> Response:
    body = problems.problem(status, title, detail, app.current_event.path, errors or [])
    return Response(status_code=status, content_type=problems.CONTENT_TYPE, body=json.dumps(body))


@app.post(
    "/articles",
    summary="Submit an article",
    security=[{"apiKey": []}],
    responses={
        200: {"description": "Identical resubmission (same external_id and content): the existing article"},
        202: {
            "description": "Accepted; enrichment and publication follow asynchronously",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AcceptedArticle"}}},
        },
        **{k: v for k, v in PROBLEM_RESPONSES.items() if k in (400, 403, 409, 413, 415, 422, 429)},
    },
)
def submit_article(submission: ArticleSubmission) -> Response[AcceptedArticle]:
    event = app.current_event
    correlation_id = event.headers.get("x-correlation-id") or ""
    if not _CORRELATION_HEADER.match(correlation_id):
        correlation_id = event.request_context.request_id
    logger.set_correlation_id(correlation_id)
    submitter = event.request_context.identity.api_key_id
    accepted = _services()[0].submit(submission, correlation_id=correlation_id, submitted_by=submitter)
    link = f"/articles/{accepted.article_id}"
    body = AcceptedArticle(
        id=accepted.article_id,
        revision=accepted.revision,
        status=accepted.status,
        links=ArticleLinks(self=link),
    )
    metrics.add_metric(name="ArticlesAccepted" if accepted.created else "ArticlesResubmitted", unit="Count", value=1)
    return Response(
        status_code=202 if accepted.created else 200,
        content_type="application/json",
        body=body,
        headers={"Location": link},
    )


@app.get(
    "/articles/<article_id>",
    summary="Read an article as stored, with its status and enrichment",
    description="`format=ninjs` answers an IPTC ninjs 3.1 document, `format=jsonld` a schema.org NewsArticle.",
    responses={200: _ok("Article"), 404: PROBLEM_RESPONSES[404]},
)
def get_article(
    article_id: Annotated[str, Path(max_length=64, description="Article id (a ULID)")],
    format: Annotated[ArticleFormat, Query(description="Representation")] = ArticleFormat.JSON,
) -> Response[Any]:
    article = _services()[1].get(article_id)
    # Only published articles may be cached publicly: a received or rejected one changes soon.
    cache = "public, max-age=30" if article.status is ArticleStatus.PUBLISHED else "no-store"
    headers = {"Cache-Control": cache}
    if format is ArticleFormat.JSON:
        return Response(status_code=200, content_type="application/json", body=article, headers=headers)
    from shared.render.syndication import article_document  # noqa: PLC0415 - off the cold-start path

    content_type, document = article_document(article, format.value, SETTINGS.website_url, SETTINGS.site_title)
    return Response(status_code=200, content_type=content_type, body=json.dumps(document), headers=headers)


@app.get(
    "/feed",
    summary="The News Feed, newest first, one page at a time",
    responses={200: _ok("FeedPage"), 422: PROBLEM_RESPONSES[422]},
)
def get_feed(
    limit: Annotated[int, Query(ge=1, le=50, description="Items per page")] = 20,
    cursor: Annotated[str | None, Query(max_length=512, description="next_cursor of the previous page")] = None,
    section: Annotated[SectionName | None, Query(description="Only this section")] = None,
    tag: Annotated[str | None, Query(min_length=1, max_length=64, description="Only this tag")] = None,
    language: Annotated[LanguageTag | None, Query(description="Only this language")] = None,
) -> Response[FeedPage]:
    feed = feed_for_filters(section=section, tag=tag, language=language)
    page = _services()[2].page(feed, limit, cursor)
    return Response(
        status_code=200,
        content_type="application/json",
        body=page,
        headers={"Cache-Control": "public, max-age=15"},
    )


@app.get("/health", summary="Liveness")
def health() -> Health:
    return Health(version=VERSION)


@app.get("/openapi.json", summary="This API's OpenAPI 3.1 document", include_in_schema=False)
def openapi() -> Response[str]:
    return Response(status_code=200, content_type="application/json", body=openapi_document())


@cache
def openapi_document() -> str:
    """Built on the first request for it: the OpenAPI models cost ~100 ms to import."""
    from aws_lambda_powertools.event_handler.openapi.models import APIKey, APIKeyIn  # noqa: PLC0415

    app.configure_openapi(
        title="Newsroom pipeline API",
        version=VERSION,
        summary="Submit articles; read articles and the paginated News Feed.",
        description="Writes need an API key (x-api-key). Errors are RFC 9457 problem details.",
        security_schemes={"apiKey": APIKey(name="x-api-key", in_=APIKeyIn.header)},
    )
    document = add_component_schemas(json.loads(app.get_openapi_json_schema()), Article, Problem)
    return json.dumps(problem_errors(document))


@app.exception_handler(RequestValidationError)
def _invalid_request(error: RequestValidationError) -> Response:
    fields = problems.validation_errors(error.errors())
    malformed = any(f["type"] == "json_invalid" for f in fields)
    if malformed:
        fields = [{"field": "body", "message": "is not valid JSON", "type": "json_invalid"}]
    return _problem(400 if malformed else 422, "Invalid request", problems.summary(fields), fields)


@app.exception_handler(DomainError)
def _domain_error(error: DomainError) -> Response:
    fields = [{"field": e.field, "message": e.message, "type": e.type} for e in error.errors]
    return _problem(error.status, error.title, error.detail, fields)


@app.exception_handler(Exception)
def _unexpected(error: Exception) -> Response:
    # Logged with its stack; the client gets a problem without internals, never a bare 502.
    logger.exception("unhandled error")
    return _problem(500, "Internal error", "the request could not be completed; it is safe to retry")


@app.not_found
def _not_found(_: NotFoundError) -> Response:
    return _problem(404, "Not found", f"no route for {app.current_event.http_method} {app.current_event.path}")


def _early_problem(event: dict[str, Any]) -> dict[str, Any] | None:
    """Refuse what validation should never see: oversized or non-JSON bodies of writes."""
    if event.get("httpMethod") not in ("POST", "PUT", "PATCH"):
        return None
    body = event.get("body") or ""
    size = len(body) * 3 // 4 if event.get("isBase64Encoded") else len(body.encode())
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    media_type = (headers.get("content-type") or "").split(";")[0].strip().lower()
    if size > SETTINGS.max_body_bytes:
        status, title, field = 413, "Body too large", "body"
        message = f"is {size} bytes; the limit is {SETTINGS.max_body_bytes}"
    elif media_type != "application/json" and not media_type.endswith("+json"):
        status, title, field = 415, "Unsupported media type", "content-type"
        message = f"must be application/json, not {media_type or 'missing'}"
    else:
        return None
    error = {"field": field, "message": message, "type": "unsupported" if status == 415 else "too_large"}
    body_json = problems.problem(status, title, f"{field}: {message}", event.get("path"), [error])
    return {
        "statusCode": status,
        "headers": {"Content-Type": problems.CONTENT_TYPE, "Access-Control-Allow-Origin": "*"},
        "body": json.dumps(body_json),
        "isBase64Encoded": False,
    }


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, log_event=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return _early_problem(event) or app.resolve(event, context)


def openapi_schema() -> dict[str, Any]:
    """The OpenAPI document served at /openapi.json (also written to docs/ by `make docs`)."""
    return json.loads(openapi_document())
