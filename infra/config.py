"""Per-stage settings of a deployment, read from CDK context and validated before anything is built.

Every value has its documented default in ``cdk.json`` (``context``, keys ``newsroom:<name>``); nothing
here repeats them. A deployment picks a stage with ``-c newsroom:stage=<name>``; the stage's block in
``newsroom:stages`` (keys without the prefix) overrides the flat defaults::

    "newsroom:websiteUrl": "https://news.example.org",          # default for every stage
    "newsroom:stages": {"prod": {"deletionProtection": true, "cmsQuotaPerDay": 500000}}

A ``-c newsroom:<name>=<value>`` on the command line replaces the flat default, not a stage's value;
such values arrive as strings and are parsed (``true``, ``500000``) by the model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic.alias_generators import to_camel

from infra import constants

PREFIX = f"{constants.SERVICE}:"
STAGE_KEY = f"{PREFIX}stage"
STAGES_KEY = f"{PREFIX}stages"


def _https(value: str) -> str:
    if not value.startswith("https://") or len(value) <= len("https://"):
        raise ValueError(f"must be an https:// URL, got {value!r}")
    return value


HttpsUrl = Annotated[str, AfterValidator(_https)]
Rate = Annotated[int, Field(ge=1, le=10_000)]  # requests per second (API Gateway's account default is 10,000)


class ConfigError(ValueError):
    """The CDK context does not describe a valid deployment."""


class StageConfig(BaseModel):
    """What may differ between stages; field ``x_y`` is context key ``newsroom:xY``."""

    model_config = ConfigDict(frozen=True, extra="forbid", alias_generator=to_camel, populate_by_name=True)

    stage: str = "default"
    # Site identity (the api function's environment)
    website_url: HttpsUrl
    publisher_name: Annotated[str, Field(min_length=1, max_length=200)]
    publisher_logo_url: HttpsUrl
    default_image_url: HttpsUrl
    author_url_pattern: HttpsUrl
    # Data protection: deletion protection of the table and the user pool
    deletion_protection: bool
    # Editorial limits: the CMS's API key (usage plan) and the editorial routes (method throttling)
    cms_quota_per_day: Annotated[int, Field(ge=1)]
    cms_rate_limit: Rate
    cms_burst_limit: Annotated[int, Field(ge=1, le=5_000)]
    write_rate_limit: Rate
    write_burst_limit: Annotated[int, Field(ge=1, le=5_000)]
    # Public reads (method throttling, each read route on its own)
    read_rate_limit: Rate
    read_burst_limit: Annotated[int, Field(ge=1, le=5_000)]
    # WAF rate-based rule: requests per source IP per 5 minutes, editorial writes excepted
    waf_rate_limit: Annotated[int, Field(ge=10, le=2_000_000_000)]
    # Optional: alarm e-mail, and the site's own domain with its ACM certificate (us-east-1)
    alarm_email: str | None = None
    site_domain_name: str | None = None
    site_certificate_arn: str | None = None

    @field_validator("author_url_pattern")
    @classmethod
    def _has_slug(cls, value: str) -> str:
        if "{slug}" not in value:
            raise ValueError("must contain {slug}, replaced by the author's slug")
        return value

    @field_validator("alarm_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        value = (value or "").strip() or None
        if value is not None and ("@" not in value or " " in value):
            raise ValueError(f"must be an e-mail address, got {value!r}")
        return value

    @field_validator("site_domain_name", "site_certificate_arn")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return (value or "").strip() or None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (self.site_domain_name is None) != (self.site_certificate_arn is None):
            raise ValueError("siteDomainName and siteCertificateArn go together (the certificate must cover the name)")
        if self.cms_burst_limit < self.cms_rate_limit or self.write_burst_limit < self.write_rate_limit:
            raise ValueError("a burst limit below its rate limit would throttle steady traffic")
        if self.read_burst_limit < self.read_rate_limit:
            raise ValueError("a burst limit below its rate limit would throttle steady traffic")
        return self

    @classmethod
    def from_context(cls, context: Mapping[str, Any]) -> Self:
        """Build from a CDK app's context (flat ``newsroom:*`` defaults, then the chosen stage's block)."""
        values: dict[str, Any] = {
            key.removeprefix(PREFIX): value
            for key, value in context.items()
            if key.startswith(PREFIX) and key not in (STAGE_KEY, STAGES_KEY)
        }
        stage = context.get(STAGE_KEY)
        if stage:
            stages = context.get(STAGES_KEY) or {}
            if stage not in stages:
                raise ConfigError(f"stage {stage!r} has no block in context {STAGES_KEY} (known: {sorted(stages)})")
            values.update(stages[stage])
            values["stage"] = stage
        try:
            return cls.model_validate(values)
        except ValidationError as error:
            raise ConfigError(f"invalid CDK context for the newsroom stack:\n{error}") from error


def context_keys() -> dict[str, str]:
    """Field name -> context key, for documentation and tests."""
    return {name: PREFIX + (field.alias or name) for name, field in StageConfig.model_fields.items() if name != "stage"}
