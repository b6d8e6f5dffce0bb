"""Fixtures of the core unit tier: a request body as the CMS sends it, and the services over the fakes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support.newsroom import Newsroom


def submission_payload(**overrides: Any) -> dict[str, Any]:
    """A complete, valid ``POST /articles`` body (pass ``field=...`` to omit a field)."""
    values: dict[str, Any] = {
        "headline": "Ukraine and partners agree on air defence package",
        "body_html": "<p>Ministers met in <b>Brussels</b> on Thursday.</p><p>They agreed to send more.</p>",
        "summary": "Ministers meeting in Brussels agreed to send more systems.",
        "authors": [
            {
                "name": "Olena Kovalenko",
                "role": "Defence correspondent",
                "avatar_url": "https://img.example.org/authors/ok.jpg",
            }
        ],
        "lead_image": {
            "url": "https://img.example.org/2025/07/kyiv.jpg",
            "caption": "Rescuers work at the site of a strike in Kyiv on July 3.",
            "credit": "Sefa Karacan/Anadolu via Getty Images",
            "alt_text": "Rescuers among rubble",
        },
        "section": "news",
        "tags": ["Ukraine", "Defence"],
        "language": "en",
        "kind": "article",
        "publish_at": "2025-07-03T08:30:00+00:00",
        "canonical_url": "https://news.example.org/news/air-defence",
        "external_id": "cms:12345",
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not ...}


@pytest.fixture
def make_payload() -> Callable[..., dict[str, Any]]:
    return submission_payload


@pytest.fixture
def newsroom() -> Newsroom:
    """Every service over fresh in-memory adapters, the clock standing at NOW until a test moves it."""
    return Newsroom()
