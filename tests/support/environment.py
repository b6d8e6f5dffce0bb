"""The environment the functions read, for callers that run the handlers in-process against moto.

The integration tier and the benchmark each get their own names (``newsroom-<prefix>`` table, bucket,
bus and schedule group) and otherwise the same settings a deployment gives every function.
"""

from __future__ import annotations

REGION = "us-east-1"
ACCOUNT = "123456789012"
SOURCE = "newsroom.pipeline"
SITE = "https://cdn.example.org"
WEBSITE = "https://news.example.org"


def function_environment(prefix: str, *, label: str, log_level: str) -> dict[str, str]:
    """Credentials for moto, Powertools settings, and every function's resource names and site identity."""
    issuer = f"https://cognito-idp.{REGION}.amazonaws.com/{REGION}_{prefix}pool"
    return {
        "AWS_ACCESS_KEY_ID": prefix,
        "AWS_SECRET_ACCESS_KEY": prefix,
        "AWS_SESSION_TOKEN": prefix,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        "POWERTOOLS_SERVICE_NAME": prefix,
        "POWERTOOLS_METRICS_NAMESPACE": f"Newsroom{prefix.title()}",
        "POWERTOOLS_LOG_LEVEL": log_level,
        "TABLE_NAME": f"newsroom-{prefix}",
        "DOCUMENTS_BUCKET": f"newsroom-{prefix}-documents",
        "WEBSITE_URL": WEBSITE,
        "SITE_BASE_URL": SITE,
        "PUBLISHER_NAME": f"Newsroom {label}",
        "PUBLISHER_LOGO_URL": f"{WEBSITE}/logo.png",
        "DEFAULT_IMAGE_URL": f"{WEBSITE}/default.jpg",
        "AUTHOR_URL_PATTERN": f"{WEBSITE}/authors/{{slug}}",
        "TOKEN_ISSUER": issuer,
        "TOKEN_AUDIENCE": f"{prefix}-client",
        "JWKS_URL": f"{issuer}/.well-known/jwks.json",
        "SCHEDULE_GROUP": f"newsroom-{prefix}",
        "SCHEDULE_TARGET_ARN": f"arn:aws:sqs:{REGION}:{ACCOUNT}:schedule",
        "SCHEDULE_ROLE_ARN": f"arn:aws:iam::{ACCOUNT}:role/scheduler",
        "SCHEDULE_DLQ_ARN": f"arn:aws:sqs:{REGION}:{ACCOUNT}:schedule-dlq",
        "EVENT_BUS_NAME": f"newsroom-{prefix}-bus",
        "EVENT_SOURCE": SOURCE,
        "ENRICH_QUEUE_ARN": f"arn:aws:sqs:{REGION}:{ACCOUNT}:enrich",
    }
