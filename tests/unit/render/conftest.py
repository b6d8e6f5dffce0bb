"""Factories and schema validators for the renderer tests (local to this tier on purpose)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from shared.models.article import (
    Article,
    ArticleCard,
    Author,
    Correction,
    Entities,
    Entity,
    LeadImage,
    Topic,
)
from shared.models.common import ArticleStatus, CorrectionKind
from shared.models.feed import FeedDescriptor, FeedLinks
from shared.models.site import SiteIdentity
from tests.support.ninjs import load_fixture, ninjs_validator

PUBLISHED = datetime(2025, 7, 3, 9, 30, tzinfo=UTC)
UPDATED = datetime(2025, 7, 3, 10, 15, tzinfo=UTC)
CORRECTED = datetime(2025, 7, 3, 11, 0, tzinfo=UTC)
SITE = "https://news.example.org"
CDN = "https://cdn.example.org"

# Everything that has broken a feed somewhere: markup, entities, a CDATA terminator, both quotes,
# emoji (outside the BMP), Cyrillic, XML-illegal control characters and a lone surrogate.
HOSTILE = "<script>alert(\"x\")</script> & ]]> 'q' 🇺🇦 Київ «Привіт»\x00\x0b\x1f\x7f\ud800 кінець"
# What it reads as once published: illegal characters dropped, and a word joiner (U+2060, invisible)
# after each "<" that would open a tag, so that a reader rendering the text as HTML still shows text.
HOSTILE_CLEAN = "<\u2060script>alert(\"x\")<\u2060/script> & ]]> 'q' 🇺🇦 Київ «Привіт» кінець"


def lead_image(**overrides: Any) -> LeadImage:
    values: dict[str, Any] = {
        "url": "https://img.example.org/2025/07/kyiv.jpg",
        "caption": "Rescuers work at the site of a strike in Kyiv on July 3.",
        "credit": "Sefa Karacan/Anadolu via Getty Images",
        "alt_text": "Rescuers among rubble",
        "photographer": "Sefa Karacan",
        "agency": "Anadolu",
        "distributor": "Getty Images",
    }
    return LeadImage(**(values | overrides))


def card(**overrides: Any) -> ArticleCard:
    values: dict[str, Any] = {
        "id": "a1b2c3",
        "revision": 1,
        "headline": "Ukraine and partners agree on air defence package",
        "slug": "ukraine-air-defence-package",
        "summary": "Ministers meeting in Brussels agreed to send more systems.",
        "url": f"{SITE}/news/ukraine-air-defence-package",
        "section": "news",
        "tags": ["Ukraine", "Defence"],
        "language": "en",
        "authors": ["Olena Kovalenko", "John Smith"],
        "reading_time_minutes": 2,
        "word_count": 410,
        "published_at": PUBLISHED,
        "updated_at": UPDATED,
        "lead_image": lead_image(),
    }
    return ArticleCard(**(values | overrides))


def ukrainian_card(**overrides: Any) -> ArticleCard:
    values: dict[str, Any] = {
        "id": "uk-0001",
        "headline": "Київ отримав нові системи ППО: що відомо",
        "slug": "kyiv-ppo",
        "summary": "Партнери погодили пакет допомоги «Щит» — деталі.",
        "url": f"{SITE}/uk/news/kyiv-ppo",
        "tags": ["Україна", "Оборона"],
        "language": "uk",
        "authors": ["Олена Коваленко"],
    }
    return card(**(values | overrides))


def article(**overrides: Any) -> Article:
    values: dict[str, Any] = {
        "id": "a1b2c3",
        "revision": 3,
        "status": ArticleStatus.PUBLISHED,
        "headline": "Ukraine and partners agree on air defence package",
        "body_html": ("<p>Ministers met in <b>Brussels</b>.</p><blockquote>“We act now,” she said.</blockquote>"),
        "summary": "Ministers meeting in Brussels agreed to send more systems.",
        "authors": [
            Author(
                name="Olena Kovalenko",
                role="Defence correspondent",
                bio="Covers security.",
                avatar_url="https://img.example.org/authors/ok.jpg",
            ),
            Author(name="John Smith"),
        ],
        "lead_image": lead_image(),
        "section": "news",
        "tags": ["Ukraine", "Defence"],
        "language": "en",
        "url": f"{SITE}/news/ukraine-air-defence-package",
        "slug": "ukraine-air-defence-package",
        "word_count": 410,
        "reading_time_minutes": 2,
        "submitted_at": datetime(2025, 7, 3, 9, 0, tzinfo=UTC),
        "published_at": PUBLISHED,
        "updated_at": UPDATED,
        "entities": Entities(
            people=[Entity(name="Olena Zelenska", mentions=1), Entity(name="Mark Rutte", mentions=3)],
            places=[Entity(name="Kyiv", mentions=2), Entity(name="Brussels", mentions=2)],
            organizations=[Entity(name="NATO", mentions=4)],
        ),
        "topics": [
            Topic(name="Ukraine", derived=False),
            Topic(name="Defence", derived=False),
            Topic(name="Air defence", derived=True),
        ],
        "external_id": "cms:12345",
    }
    return Article(**(values | overrides))


def site(**overrides: Any) -> SiteIdentity:
    """The newsroom's identity as a stage configures it: every optional part set."""
    values: dict[str, Any] = {
        "publisher_name": "Newsroom",
        "website_url": SITE,
        "site_base_url": CDN,
        "publisher_logo_url": f"{SITE}/static/logo.png",
        "default_image_url": f"{SITE}/static/default.jpg",
        "author_url_pattern": f"{SITE}/authors/{{slug}}",
    }
    return SiteIdentity(**(values | overrides))


def correction(**overrides: Any) -> Correction:
    values: dict[str, Any] = {
        "kind": CorrectionKind.CORRECTION,
        "text": "An earlier version misnamed the Dutch defence minister.",
        "revision": 2,
        "published_at": CORRECTED,
    }
    return Correction(**(values | overrides))


def archive_links(hour: str | None, feed_name: str = "all") -> FeedLinks:
    """The three formats of one hourly archive page, as the API addresses them (None: the
    subscription document)."""
    base = f"{CDN}/feeds/{feed_name.replace('#', '/')}" + (f"/archive/{hour}" if hour else "")
    return FeedLinks(json_feed=f"{base}/feed.json", rss=f"{base}/rss.xml", atom=f"{base}/atom.xml")


def feed(**overrides: Any) -> FeedDescriptor:
    values: dict[str, Any] = {
        "name": "all",
        "title": "Newsroom News Feed",
        "description": "Latest news from the newsroom",
        "home_page_url": SITE,
        "json_feed_url": f"{SITE}/feeds/all/feed.json",
        "rss_url": f"{SITE}/feeds/all/rss.xml",
        "atom_url": f"{SITE}/feeds/all/atom.xml",
        "language": "en",
        "updated_at": UPDATED,
    }
    return FeedDescriptor(**(values | overrides))


@pytest.fixture
def make_site() -> Callable[..., SiteIdentity]:
    return site


@pytest.fixture
def make_correction() -> Callable[..., Correction]:
    return correction


@pytest.fixture
def make_archive_links() -> Callable[..., FeedLinks]:
    return archive_links


@pytest.fixture
def make_card() -> Callable[..., ArticleCard]:
    return card


@pytest.fixture
def make_uk_card() -> Callable[..., ArticleCard]:
    return ukrainian_card


@pytest.fixture
def make_article() -> Callable[..., Article]:
    return article


@pytest.fixture
def make_feed() -> Callable[..., FeedDescriptor]:
    return feed


@pytest.fixture
def make_image() -> Callable[..., LeadImage]:
    return lead_image


# --- ninjs schema validation --------------------------------------------------------------------


@pytest.fixture(scope="session")
def ninjs31_validator() -> Draft202012Validator:
    return ninjs_validator("ninjs-schema_3.1.json")


@pytest.fixture(scope="session")
def ninjs22_validator() -> Draft202012Validator:
    return ninjs_validator("ninjs-schema_2.2.json")


@pytest.fixture
def hostile() -> tuple[str, str]:
    """(raw hostile text, what it must read as after rendering and parsing back)."""
    return HOSTILE, HOSTILE_CLEAN


@pytest.fixture
def site_url() -> str:
    return SITE


@pytest.fixture(scope="session")
def ninjs_fixture() -> Callable[[str], Any]:
    """Loads a vendored file from tests/fixtures/ninjs by name."""
    return load_fixture
