"""The site's identity: who publishes, where things live. Configured per stage (CDK context -> settings)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class SiteIdentity(BaseModel):
    """What every output format says about the publisher and where links point."""

    model_config = ConfigDict(frozen=True)

    publisher_name: str = Field(min_length=1, description="Also the title of the main feed.")
    website_url: str = Field(description="The newsroom's website; article URLs and sitemaps point here.")
    site_base_url: str = Field(description="Where feeds and sitemaps are served (CloudFront; /site locally).")
    publisher_logo_url: str | None = None
    default_image_url: str | None = Field(default=None, description="Used where an article has no lead image.")
    author_url_pattern: str | None = Field(
        default=None, description="An author's page, '{slug}' replaced by the slug of the name."
    )
