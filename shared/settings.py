"""Settings: one model per function, every field required, read once from the environment at cold start.

Each field is the environment variable of the same name (upper case, as Lambda shows them). A function
deployed without one of its variables fails at import with the name of what is missing, instead of
failing later, far from the cause. Logic never reads ``os.environ``: handlers build their settings with
:func:`load` and pass values down. An infra test checks that each function's environment in the
synthesized template satisfies its model.
"""

from __future__ import annotations

from typing import Annotated

from aws_lambda_env_modeler import get_environment_variables
from pydantic import BaseModel, ConfigDict, Field

from shared.models.site import SiteIdentity

ResourceName = Annotated[str, Field(min_length=1, max_length=255)]
Url = Annotated[str, Field(pattern=r"^https?://[^\s]+$")]
Arn = Annotated[str, Field(pattern=r"^arn:[^\s]+$")]


class _Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    POWERTOOLS_SERVICE_NAME: ResourceName
    POWERTOOLS_METRICS_NAMESPACE: ResourceName


class _TableAndDocuments(_Settings):
    TABLE_NAME: ResourceName
    DOCUMENTS_BUCKET: ResourceName
    WEBSITE_URL: Url


class _Scheduling(BaseModel):
    """Where one-time publication schedules go (EventBridge Scheduler) and what they may do."""

    SCHEDULE_GROUP: ResourceName
    SCHEDULE_TARGET_ARN: Arn
    SCHEDULE_ROLE_ARN: Arn
    SCHEDULE_DLQ_ARN: Arn


class _Work(BaseModel):
    """Where accepted revisions go to be enriched (sent straight to the queue, not over the bus)."""

    ENRICH_QUEUE_ARN: Arn
    EVENT_SOURCE: ResourceName


class _Bus(_Work):
    EVENT_BUS_NAME: ResourceName


class ApiSettings(_TableAndDocuments, _Scheduling):
    """The HTTP API: articles, feeds, sitemaps; editorial writes."""

    SITE_BASE_URL: Url
    PUBLISHER_NAME: Annotated[str, Field(min_length=1, max_length=200)]
    PUBLISHER_LOGO_URL: Url
    DEFAULT_IMAGE_URL: Url
    AUTHOR_URL_PATTERN: Annotated[str, Field(pattern=r"^https?://[^\s]*\{slug\}[^\s]*$")]
    TOKEN_ISSUER: Url
    TOKEN_AUDIENCE: Annotated[str, Field(min_length=1, max_length=255)]
    JWKS_URL: Url

    def identity(self) -> SiteIdentity:
        return SiteIdentity(
            publisher_name=self.PUBLISHER_NAME,
            website_url=self.WEBSITE_URL.rstrip("/"),
            site_base_url=self.SITE_BASE_URL.rstrip("/"),
            publisher_logo_url=self.PUBLISHER_LOGO_URL,
            default_image_url=self.DEFAULT_IMAGE_URL,
            author_url_pattern=self.AUTHOR_URL_PATTERN,
        )


class RelaySettings(_Settings, _Bus):
    """The stream relay: committed head changes become events."""

    SITE_BASE_URL: Url


class EnrichSettings(_TableAndDocuments, _Scheduling):
    """Enrichment and publication of accepted revisions."""


class ReconcileSettings(_Settings, _Work):
    """The reconciler: due schedules and stranded work."""

    TABLE_NAME: ResourceName
    SCHEDULE_GROUP: ResourceName


def load[S: BaseModel](model: type[S]) -> S:
    """The function's settings from its environment (validated once per process; raises naming each missing)."""
    return get_environment_variables(model=model)
