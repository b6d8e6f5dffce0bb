"""Handler unit tests: each function's settings in the environment before its module is imported.

The handlers read their settings once, at import (cold start), so the variables are set here, when
pytest loads this conftest and before it imports any test module of this folder. Values are fixed and
local: no test here creates an AWS client (every dependency is injected).
"""

from __future__ import annotations

import os
import uuid

_ENVIRONMENT = {
    "POWERTOOLS_SERVICE_NAME": "unit",
    "POWERTOOLS_METRICS_NAMESPACE": "Newsroom",
    "POWERTOOLS_LOG_LEVEL": "CRITICAL",
    "TABLE_NAME": "newsroom-unit",
    "DOCUMENTS_BUCKET": "newsroom-unit-documents",
    "WEBSITE_URL": "https://news.example.org",
    "SITE_BASE_URL": "https://www.example.org",
    "PUBLISHER_NAME": "Example News",
    "PUBLISHER_LOGO_URL": "https://news.example.org/logo.png",
    "DEFAULT_IMAGE_URL": "https://news.example.org/default.jpg",
    "AUTHOR_URL_PATTERN": "https://news.example.org/authors/{slug}",
    "TOKEN_ISSUER": "https://issuer.example.org/pool",
    "TOKEN_AUDIENCE": "newsroom-cms",
    "JWKS_URL": "https://issuer.example.org/pool/.well-known/jwks.json",
    "SCHEDULE_GROUP": "newsroom-unit",
    "SCHEDULE_TARGET_ARN": "arn:aws:sqs:us-east-1:123456789012:schedule-queue",
    "SCHEDULE_ROLE_ARN": "arn:aws:iam::123456789012:role/scheduler",
    "SCHEDULE_DLQ_ARN": "arn:aws:sqs:us-east-1:123456789012:schedule-dlq",
    "EVENT_BUS_NAME": "newsroom-unit",
    "EVENT_SOURCE": "newsroom.pipeline",
    "ENRICH_QUEUE_ARN": "arn:aws:sqs:us-east-1:123456789012:enrich",
}
for _name, _value in _ENVIRONMENT.items():
    os.environ.setdefault(_name, _value)


class FakeContext:
    """What Lambda passes as the context (only what Powertools reads)."""

    function_name = "unit"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:unit"
    log_group_name = "/aws/lambda/unit"
    log_stream_name = "unit"

    def __init__(self) -> None:
        self.aws_request_id = str(uuid.uuid4())

    def get_remaining_time_in_millis(self) -> int:
        return 30_000
