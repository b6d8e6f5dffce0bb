"""Google News sitemap and sitemap index."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest

from shared.render.sitemap import MAX_NEWS_URLS, news_language, render_news_sitemap, render_sitemap_index

NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
NOW = datetime(2025, 7, 3, 12, 0, tzinfo=UTC)


def _locs(body: bytes) -> list[str | None]:
    return [loc.text for loc in ET.fromstring(body).findall("s:url/s:loc", NS)]


def test_news_entry_has_publication_date_and_title(make_card):
    # WHEN one recent article is rendered
    body = render_news_sitemap([make_card()], "The Newsroom", now=NOW)

    # THEN it is a urlset with the news namespace and every required news tag
    document = ET.fromstring(body)
    assert document.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    assert b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' in body
    url = document.find("s:url", NS)
    assert url is not None
    assert url.findtext("s:loc", namespaces=NS) == "https://news.example.org/news/ukraine-air-defence-package"
    assert url.findtext("news:news/news:publication/news:name", namespaces=NS) == "The Newsroom"
    assert url.findtext("news:news/news:publication/news:language", namespaces=NS) == "en"
    assert url.findtext("news:news/news:publication_date", namespaces=NS) == "2025-07-03T09:30:00Z"
    assert url.findtext("news:news/news:title", namespaces=NS) == "Ukraine and partners agree on air defence package"


def test_only_the_last_two_days_up_to_now_are_listed(make_card):
    # GIVEN articles just inside, just outside the two-day window, and one dated in the future
    inside = make_card(id="in", url="https://news.example.org/in", published_at=NOW - timedelta(days=2))
    outside = make_card(id="out", url="https://news.example.org/out", published_at=NOW - timedelta(days=2, seconds=1))
    future = make_card(id="future", url="https://news.example.org/future", published_at=NOW + timedelta(minutes=1))

    # WHEN rendered
    locs = _locs(render_news_sitemap([outside, future, inside], "The Newsroom", now=NOW))

    # THEN only the one inside the window is listed
    assert locs == ["https://news.example.org/in"]


def test_at_most_1000_urls_newest_first(make_card):
    cards = [
        make_card(id=f"a{n:04d}", url=f"https://news.example.org/a{n:04d}", published_at=NOW - timedelta(seconds=n))
        for n in range(MAX_NEWS_URLS + 5)
    ]
    locs = _locs(render_news_sitemap(cards, "The Newsroom", now=NOW))
    assert len(locs) == MAX_NEWS_URLS == 1000
    assert locs[0] == "https://news.example.org/a0000"
    assert locs[-1] == "https://news.example.org/a0999"


def test_cards_with_unsafe_urls_are_left_out(make_card):
    assert _locs(render_news_sitemap([make_card(url="javascript:alert(1)")], "The Newsroom", now=NOW)) == []


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("en", "en"),
        ("en-GB", "en"),
        ("uk", "uk"),
        ("UK-UA", "uk"),
        ("zh-CN", "zh-cn"),
        ("zh-Hant-TW", "zh-tw"),
    ],
)
def test_publication_language_is_an_iso_639_code(tag, expected):
    assert news_language(tag) == expected


def test_hostile_and_ukrainian_titles_round_trip(make_card, make_uk_card, hostile):
    raw, expected = hostile
    cards = [make_card(headline=raw), make_uk_card(published_at=NOW - timedelta(hours=1))]
    body = render_news_sitemap(cards, raw, now=NOW)
    assert b"<script>" not in body
    document = ET.fromstring(body)
    titles = [t.text for t in document.findall("s:url/news:news/news:title", NS)]
    assert titles == ["Київ отримав нові системи ППО: що відомо", expected]
    assert document.findtext("s:url/news:news/news:publication/news:name", namespaces=NS) == expected
    assert [lang.text for lang in document.findall(".//news:language", NS)] == ["uk", "en"]


def test_url_with_ampersand_is_entity_escaped(make_card):
    url = "https://news.example.org/a?x=1&y=2"
    body = render_news_sitemap([make_card(url=url)], "The Newsroom", now=NOW)
    assert b"x=1&amp;y=2" in body
    assert _locs(body) == [url]


def test_news_sitemap_is_deterministic(make_card, make_uk_card):
    cards = [make_card(), make_uk_card()]
    assert render_news_sitemap(cards, "N", now=NOW) == render_news_sitemap(list(reversed(cards)), "N", now=NOW)


def test_sitemap_index_lists_each_sitemap_once_sorted_with_lastmod():
    # GIVEN duplicate and unsorted sitemap URLs, one of them unsafe
    urls = [
        "https://news.example.org/sitemaps/news-uk.xml",
        "https://news.example.org/sitemaps/news-en.xml",
        "https://news.example.org/sitemaps/news-uk.xml",
        "javascript:alert(1)",
    ]

    # WHEN rendered
    document = ET.fromstring(render_sitemap_index(urls, NOW))

    # THEN each safe URL appears once, sorted, with the W3C lastmod
    assert document.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    sitemaps = document.findall("s:sitemap", NS)
    assert [s.findtext("s:loc", namespaces=NS) for s in sitemaps] == sorted(set(urls[:2]))
    assert {s.findtext("s:lastmod", namespaces=NS) for s in sitemaps} == {"2025-07-03T12:00:00Z"}


def test_sitemap_index_without_lastmod():
    document = ET.fromstring(render_sitemap_index(["https://news.example.org/s.xml"], None))
    assert document.find("s:sitemap/s:lastmod", NS) is None


def test_sitemap_index_refuses_more_than_50000_sitemaps():
    urls = [f"https://news.example.org/s{n}.xml" for n in range(50_001)]
    with pytest.raises(ValueError, match="50000"):
        render_sitemap_index(urls, None)
