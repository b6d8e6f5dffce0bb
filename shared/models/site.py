"""The site's identity: who publishes, where things live. Configured per stage (CDK context -> settings)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.models.common import HttpUrlStr, url_problem

SLUG_PLACEHOLDER = "{slug}"


class SiteIdentity(BaseModel):
    """What every output format says about the publisher and where links point.

    Every URL is validated like a submitted one (absolute http(s), no quotes, userinfo or bad port),
    so a typo in a stage's configuration fails at cold start instead of producing broken feeds.
    """

    model_config = ConfigDict(frozen=True)

    publisher_name: str = Field(min_length=1, max_length=200, description="Also the title of the main feed.")
    website_url: HttpUrlStr = Field(description="The newsroom's website; article URLs and sitemaps point here.")
    site_base_url: HttpUrlStr = Field(description="Where feeds and sitemaps are served (CloudFront; /site locally).")
    publisher_logo_url: HttpUrlStr | None = Field(
        default=None, description="The publisher's logo (JSON-LD publisher.logo, RSS image, Atom logo)."
    )
    default_image_url: HttpUrlStr | None = Field(
        default=None, description="Used in JSON-LD where an article has no lead image (Google requires one)."
    )
    author_url_pattern: str | None = Field(
        default=None,
        description="An author's page, '{slug}' replaced by the slug of the name, "
        "e.g. 'https://news.example.org/authors/{slug}'.",
    )

    @field_validator("publisher_name")
    @classmethod
    def _visible_name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()

    @field_validator("author_url_pattern")
    @classmethod
    def _pattern_with_slug(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if value.count(SLUG_PLACEHOLDER) != 1:
            raise ValueError(f"must contain {SLUG_PLACEHOLDER} exactly once")
        problem = url_problem(value.replace(SLUG_PLACEHOLDER, "slug"))
        if problem:
            raise ValueError(problem)
        return value
