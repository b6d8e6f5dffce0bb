"""Google News sitemap, sitemap index and robots.txt."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest

from shared.render.sitemap import (
    MAX_NEWS_URLS,
    SitemapRef,
    news_language,
    render_news_sitemap,
    render_robots_txt,
    render_sitemap_index,
)

NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
NOW = datetime(2025, 7, 3, 12, 0, tzinfo=UTC)


def _locs(body: bytes) -> list[str | None]:
    return [loc.text for loc in ET.fromstring(body).findall("s:url/s:loc", NS)]


def test_news_entry_has_publication_date_title_and_lastmod(make_card, make_site):
    # WHEN one recent article is rendered
    body = render_news_sitemap([make_card()], make_site(publisher_name="The Newsroom"), now=NOW)

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
    # AND lastmod moves with updates and corrections
    assert url.findtext("s:lastmod", namespaces=NS) == "2025-07-03T10:15:00Z"


def test_only_urls_on_the_websites_host_are_listed(make_card, make_site):
    # GIVEN an article on the website, one whose canonical URL is a partner's, and one on www
    own = make_card(id="own")
    partner = make_card(id="partner", url="https://partner.example.com/story")
    other = make_card(id="www", url="https://www.example.org/story")

    # WHEN rendered for the website news.example.org
    locs = _locs(render_news_sitemap([own, partner, other], make_site(), now=NOW))

    # THEN only the article whose public URL is on that host is listed, under that URL
    assert locs == ["https://news.example.org/news/ukraine-air-defence-package"]


def test_a_stale_sitemap_is_impossible_when_rendered_on_read(make_card, make_site):
    # GIVEN one article, and nothing published for two days after it
    cards = [make_card()]

    # WHEN the sitemap is rendered now and two days and a second later
    fresh = _locs(render_news_sitemap(cards, make_site(), now=NOW))
    later = _locs(render_news_sitemap(cards, make_site(), now=make_card().published_at + timedelta(days=2, seconds=1)))

    # THEN the article drops out by itself
    assert fresh == ["https://news.example.org/news/ukraine-air-defence-package"]
    assert later == []


def test_only_the_last_two_days_up_to_now_are_listed(make_card, make_site):
    # GIVEN articles just inside, just outside the two-day window, and one dated in the future
    inside = make_card(id="in", url="https://news.example.org/in", published_at=NOW - timedelta(days=2))
    outside = make_card(id="out", url="https://news.example.org/out", published_at=NOW - timedelta(days=2, seconds=1))
    future = make_card(id="future", url="https://news.example.org/future", published_at=NOW + timedelta(minutes=1))

    # WHEN rendered
    locs = _locs(render_news_sitemap([outside, future, inside], make_site(publisher_name="The Newsroom"), now=NOW))

    # THEN only the one inside the window is listed
    assert locs == ["https://news.example.org/in"]


def test_at_most_1000_urls_newest_first(make_card, make_site):
    cards = [
        make_card(id=f"a{n:04d}", url=f"https://news.example.org/a{n:04d}", published_at=NOW - timedelta(seconds=n))
        for n in range(MAX_NEWS_URLS + 5)
    ]
    locs = _locs(render_news_sitemap(cards, make_site(publisher_name="The Newsroom"), now=NOW))
    assert len(locs) == MAX_NEWS_URLS == 1000
    assert locs[0] == "https://news.example.org/a0000"
    assert locs[-1] == "https://news.example.org/a0999"


def test_cards_with_unsafe_urls_are_left_out(make_card, make_site):
    assert (
        _locs(
            render_news_sitemap(
                [make_card(url="javascript:alert(1)")], make_site(publisher_name="The Newsroom"), now=NOW
            )
        )
        == []
    )


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


def test_hostile_and_ukrainian_titles_round_trip(make_card, make_uk_card, make_site, hostile):
    raw, expected = hostile
    cards = [make_card(headline=raw), make_uk_card(published_at=NOW - timedelta(hours=1))]
    # (pydantic refuses a lone surrogate in the site's name, so that one goes without it)
    body = render_news_sitemap(cards, make_site(publisher_name=raw.replace("\ud800", "")), now=NOW)
    assert b"<script>" not in body
    document = ET.fromstring(body)
    titles = [t.text for t in document.findall("s:url/news:news/news:title", NS)]
    assert titles == ["Київ отримав нові системи ППО: що відомо", expected]
    assert document.findtext("s:url/news:news/news:publication/news:name", namespaces=NS) == expected
    assert [lang.text for lang in document.findall(".//news:language", NS)] == ["uk", "en"]


def test_url_with_ampersand_is_entity_escaped(make_card, make_site):
    url = "https://news.example.org/a?x=1&y=2"
    body = render_news_sitemap([make_card(url=url)], make_site(publisher_name="The Newsroom"), now=NOW)
    assert b"x=1&amp;y=2" in body
    assert _locs(body) == [url]


def test_news_sitemap_is_deterministic(make_card, make_uk_card, make_site):
    cards = [make_card(), make_uk_card()]
    site = make_site()
    assert render_news_sitemap(cards, site, now=NOW) == render_news_sitemap(list(reversed(cards)), site, now=NOW)


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


def test_sitemap_index_takes_each_sitemaps_own_lastmod():
    # GIVEN the news sitemap with its own lastmod and another without one
    refs = [
        SitemapRef("https://cdn.example.org/sitemaps/news.xml", datetime(2025, 7, 3, 10, 15, tzinfo=UTC)),
        SitemapRef("https://cdn.example.org/sitemaps/pages.xml"),
    ]

    # WHEN rendered without a default
    document = ET.fromstring(render_sitemap_index(refs))

    # THEN each entry carries its own lastmod, or none
    entries = [
        (s.findtext("s:loc", namespaces=NS), s.findtext("s:lastmod", namespaces=NS))
        for s in document.findall("s:sitemap", NS)
    ]
    assert entries == [
        ("https://cdn.example.org/sitemaps/news.xml", "2025-07-03T10:15:00Z"),
        ("https://cdn.example.org/sitemaps/pages.xml", None),
    ]


def test_sitemap_index_without_lastmod():
    document = ET.fromstring(render_sitemap_index(["https://news.example.org/s.xml"], None))
    assert document.find("s:sitemap/s:lastmod", NS) is None


def test_sitemap_index_refuses_more_than_50000_sitemaps():
    urls = [f"https://news.example.org/s{n}.xml" for n in range(50_001)]
    with pytest.raises(ValueError, match="50000"):
        render_sitemap_index(urls, None)


def test_robots_txt_names_the_sitemap_index_for_every_crawler():
    body = render_robots_txt(["https://news.example.org/sitemaps/index.xml"])
    assert body == b"User-agent: *\nAllow: /\n\nSitemap: https://news.example.org/sitemaps/index.xml\n"


def test_robots_txt_disallows_paths_and_ignores_values_that_could_add_lines():
    # GIVEN disallowed paths, one of them trying to smuggle a line, and sitemap URLs with one unsafe
    body = render_robots_txt(
        ["https://news.example.org/sitemaps/index.xml", "https://news.example.org/x\nDisallow: /", "javascript:1"],
        disallow=["/v1/", "/v1/", "/drafts\nAllow: /secret", "no-slash"],
    )

    # THEN each line is one rule, and nothing injected survives
    assert body.decode().splitlines() == [
        "User-agent: *",
        "Disallow: /v1/",
        "",
        "Sitemap: https://news.example.org/sitemaps/index.xml",
    ]
