"""Runtime settings, read once from the environment at cold start and validated.

Logic never reads ``os.environ``; handlers build a settings object at import time and pass it down.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field

ResourceName = Annotated[str, Field(min_length=1, max_length=255)]


class Settings(BaseModel):
    """Every setting a function may need. Each field maps to an upper-case environment variable."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    table_name: ResourceName = "newsroom-articles"
    documents_bucket: ResourceName = "newsroom-documents"
    site_bucket: ResourceName = "newsroom-site"
    event_bus_name: ResourceName = "newsroom-events"
    event_source: str = "newsroom.pipeline"
    # Public base URL of the site bucket (CloudFront in AWS, /site/ on the local runtime).
    site_base_url: str = "http://127.0.0.1:8000/site"
    # Base URL of the newsroom's website, used to build an article's public link without canonical_url.
    website_url: str = "https://news.example.org"
    site_title: str = "Newsroom News Feed"
    max_body_bytes: Annotated[int, Field(ge=1024, le=6_000_000)] = 262_144
    powertools_metrics_namespace: str = "Newsroom"
    static_feed_size: Annotated[int, Field(ge=1, le=500)] = 50

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        env = os.environ if environ is None else environ
        values = {name: env[name.upper()] for name in cls.model_fields if name.upper() in env}
        return cls.model_validate(values)
