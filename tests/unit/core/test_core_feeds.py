"""Feeds rendered on read: API pages and cursors, tag pages, live documents, hour archives, sitemaps."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from typing import Any

import pytest

from shared.errors import InvalidInput, NotFound
from shared.service.feeds import (
    CLOSED_ARCHIVE_CACHE,
    LIVE_CACHE,
    LIVE_SIZE,
    feed_for_filters,
    feed_from_path,
)
from tests.support.newsroom import DESK, NOW, PUBLISHER, SITE_BASE_URL, Newsroom, submission

ATOM = "{http://www.w3.org/2005/Atom}"
TOMBSTONE = "{http://purl.org/atompub/tombstones/1.0}deleted-entry"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def publish_at(newsroom: Newsroom, moment: datetime, n: int, **overrides: Any) -> str:
    newsroom.clock.now = moment
    return newsroom.publish(submission(n, **overrides))


def json_feed(newsroom: Newsroom, path: str) -> dict[str, Any]:
    rendered = newsroom.feeds.document(path)
    assert rendered.content_type == "application/feed+json"
    document: dict[str, Any] = json.loads(rendered.body)
    return document


def item_ids(document: dict[str, Any]) -> list[str]:
    return [item["id"] for item in document["items"]]


# ------------------------------------------------------------------------------------------- API pages
def test_pages_follow_each_other_without_repeats_or_gaps_while_news_arrives(newsroom: Newsroom) -> None:
    # GIVEN five articles a minute apart
    ids = [publish_at(newsroom, NOW + timedelta(minutes=n), n) for n in range(5)]

    # WHEN a reader reads page 1, two new articles arrive, and they read on with the cursors
    first = newsroom.feeds.page("all", 2)
    for n in (5, 6):
        publish_at(newsroom, NOW + timedelta(minutes=10 + n), n)
    second = newsroom.feeds.page("all", 2, first.next_cursor)
    third = newsroom.feeds.page("all", 2, second.next_cursor)

    # THEN the pages are the original five, newest first, each once, and the last page says so
    pages = [[c.id for c in page.items] for page in (first, second, third)]
    assert pages == [[ids[4], ids[3]], [ids[2], ids[1]], [ids[0]]]
    assert first.next_cursor is not None and second.next_cursor is not None
    assert third.next_cursor is None
    assert first.links.json_feed == f"{SITE_BASE_URL}/feeds/all/feed.json"


def test_a_cursor_of_another_feed_is_refused(newsroom: Newsroom) -> None:
    for n in range(3):
        publish_at(newsroom, NOW + timedelta(minutes=n), n)
    cursor = newsroom.feeds.page("all", 1).next_cursor
    assert cursor is not None

    with pytest.raises(InvalidInput) as refused:
        newsroom.feeds.page("section#news", 1, cursor)
    assert refused.value.errors[0].field == "cursor"


def test_filters_choose_one_feed_and_do_not_combine() -> None:
    assert feed_for_filters(section=None, tag=None, language=None) == "all"
    assert feed_for_filters(section="news", tag=None, language=None) == "section#news"
    assert feed_for_filters(section=None, tag="Війна", language=None) == "tag#viina"
    assert feed_for_filters(section=None, tag=None, language="uk") == "lang#uk"
    with pytest.raises(InvalidInput) as refused:
        feed_for_filters(section="news", tag="Russia", language=None)
    assert refused.value.errors[0].field == "tag"


def test_section_and_language_pages_hold_only_their_articles(newsroom: Newsroom) -> None:
    news = publish_at(newsroom, NOW, 1)
    world = publish_at(newsroom, NOW + timedelta(minutes=1), 2, section="world")
    ukrainian = publish_at(
        newsroom,
        NOW + timedelta(minutes=2),
        3,
        headline="Міська рада схвалила план",
        body_html="<p>Міська рада проголосувала за ремонт мосту наступного року.</p>",
        language="uk",
    )

    assert newsroom.page("section#news") == [ukrainian, news]
    assert newsroom.page("section#world") == [world]
    assert newsroom.page("lang#uk") == [ukrainian]
    assert newsroom.page("lang#en") == [world, news]


# ------------------------------------------------------------------------------------------- tag pages
def test_tag_pages_skip_entries_that_no_longer_count(newsroom: Newsroom) -> None:
    # GIVEN, oldest first: A (untagged later), D, B (taken down later), E, and C (scheduled, then
    # published early, leaving an entry at its planned time)
    untagged = publish_at(newsroom, NOW, 1, tags=["Russia"])
    kept_older = publish_at(newsroom, NOW + timedelta(minutes=1), 2, tags=["Russia"])
    taken_down = publish_at(newsroom, NOW + timedelta(minutes=2), 3, tags=["Russia"])
    kept_newer = publish_at(newsroom, NOW + timedelta(minutes=3), 4, tags=["Russia"])
    newsroom.clock.now = NOW + timedelta(minutes=4)
    moved = newsroom.publish(
        submission(5, tags=["Russia"], publish_at=(NOW + timedelta(hours=3)).isoformat()), editor=PUBLISHER
    )
    newsroom.update(untagged, submission(1, tags=["Ukraine"]))
    newsroom.process(untagged)
    newsroom.lifecycle.unpublish(taken_down, "Legal", DESK)
    newsroom.clock.now = NOW + timedelta(minutes=5)
    newsroom.lifecycle.publish(moved, DESK)
    stored = sorted(sk for pk, sk in newsroom.table.items if pk == "TAG#russia")
    assert len(stored) == 6  # every entry ever written is still there

    # WHEN a reader pages through the tag two at a time
    first = newsroom.feeds.page("tag#russia", 2)
    second = newsroom.feeds.page("tag#russia", 2, first.next_cursor)

    # THEN only the articles that are published, still tagged and in that place appear, each once
    assert [c.id for c in first.items] == [moved, kept_newer]
    assert [c.id for c in second.items] == [kept_older]
    assert second.next_cursor is None


def test_a_tag_page_behind_many_stale_entries_still_leads_to_the_older_ones(newsroom: Newsroom) -> None:
    # GIVEN an article tagged Russia, and four newer ones taken down since
    oldest = publish_at(newsroom, NOW, 1, tags=["Russia"])
    removed = [publish_at(newsroom, NOW + timedelta(minutes=n), n + 1, tags=["Russia"]) for n in range(1, 5)]
    for article in removed:
        newsroom.lifecycle.unpublish(article, "Legal", DESK)

    # WHEN a reader pages through the tag one at a time
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        page = newsroom.feeds.page("tag#russia", 1, cursor)
        seen += [c.id for c in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break

    # THEN they reach the older article (a page may come back short, never a dead end)
    assert seen == [oldest]


# ---------------------------------------------------------------------------------- documents and archives
def test_a_live_document_lists_the_newest_and_links_the_archive_of_the_rest(newsroom: Newsroom) -> None:
    # GIVEN more articles than a live document holds, the oldest in the 13:00 hour
    start = NOW - timedelta(hours=1)
    ids = [publish_at(newsroom, start + timedelta(seconds=90 * n), n) for n in range(LIVE_SIZE + 1)]

    # WHEN the main JSON Feed is read
    rendered = newsroom.feeds.document("all/feed.json")
    document = json.loads(rendered.body)

    # THEN it holds the newest LIVE_SIZE articles, and links the archive hour of the last one shown
    assert item_ids(document) == list(reversed(ids))[:LIVE_SIZE]
    last_shown_hour = (start + timedelta(seconds=90)).strftime("%Y-%m-%dT%H")
    assert document["next_url"] == f"{SITE_BASE_URL}/feeds/all/archive/{last_shown_hour}/feed.json"
    assert rendered.cache_control == LIVE_CACHE
    assert rendered.etag.startswith('"') and rendered.etag == newsroom.feeds.document("all/feed.json").etag


def test_an_hour_archive_holds_that_hour_and_links_the_hour_before(newsroom: Newsroom) -> None:
    # GIVEN articles at 11:50, 13:10, 13:59:59, 14:00 and 15:20
    at = NOW.replace(hour=11, minute=50)
    before = publish_at(newsroom, at, 1)
    in_hour = [
        publish_at(newsroom, NOW.replace(hour=13, minute=10), 2),
        publish_at(newsroom, NOW.replace(hour=13, minute=59, second=59), 3),
    ]
    publish_at(newsroom, NOW.replace(hour=14), 4)
    publish_at(newsroom, NOW.replace(hour=15, minute=20), 5)
    del before

    # WHEN the 13:00 archive is read at 16:00
    newsroom.clock.now = NOW.replace(hour=16)
    rendered = newsroom.feeds.document("all/archive/2026-11-30T13/feed.json")
    document = json.loads(rendered.body)

    # THEN it holds exactly that hour, links the nearest older hour with articles, and may be cached long
    assert item_ids(document) == list(reversed(in_hour))
    assert document["next_url"] == f"{SITE_BASE_URL}/feeds/all/archive/2026-11-30T11/feed.json"
    # (feed_url is the feed's identity on every page: the subscription document, JSON Feed 1.1)
    assert document["feed_url"] == f"{SITE_BASE_URL}/feeds/all/feed.json"
    assert rendered.cache_control == CLOSED_ARCHIVE_CACHE
    # AND the Atom page says what it is (RFC 5005): an archive, its subscription and both neighbours
    atom = newsroom.feeds.document("all/archive/2026-11-30T13/atom.xml").body.decode()
    assert "<fh:archive" in atom and 'rel="current"' in atom
    assert 'rel="prev-archive"' in atom and "2026-11-30T11/atom.xml" in atom
    assert 'rel="next-archive"' in atom and "2026-11-30T14/atom.xml" in atom


def test_the_archive_of_the_current_hour_is_cached_like_the_live_document(newsroom: Newsroom) -> None:
    publish_at(newsroom, NOW + timedelta(minutes=5), 1)
    newsroom.clock.now = NOW + timedelta(minutes=10)

    rendered = newsroom.feeds.document("all/archive/2026-11-30T14/rss.xml")

    assert rendered.cache_control == LIVE_CACHE
    assert rendered.content_type.startswith("application/rss+xml")


def test_a_tag_archive_shows_only_verified_entries(newsroom: Newsroom) -> None:
    kept = publish_at(newsroom, NOW + timedelta(minutes=1), 1, tags=["Russia"])
    removed = publish_at(newsroom, NOW + timedelta(minutes=2), 2, tags=["Russia"])
    newsroom.lifecycle.unpublish(removed, "Legal", DESK)

    document = json_feed(newsroom, "tag/russia/archive/2026-11-30T14/feed.json")

    assert item_ids(document) == [kept]


def test_atom_announces_a_takedown_as_a_deleted_entry_in_the_feeds_it_left(newsroom: Newsroom) -> None:
    # GIVEN an article in section news taken down, and one in section world
    removed = publish_at(newsroom, NOW, 1)
    publish_at(newsroom, NOW + timedelta(minutes=1), 2, section="world")
    newsroom.clock.advance(minutes=10)
    newsroom.lifecycle.unpublish(removed, "Legal", DESK)

    # WHEN the Atom documents are read
    def tombstones(path: str) -> list[str]:
        feed = ET.fromstring(newsroom.feeds.document(path).body)
        return [t.attrib["ref"] for t in feed.iter(TOMBSTONE)]

    # THEN the feeds it was in carry a tombstone naming it, the others do not
    assert len(tombstones("all/atom.xml")) == 1 and tombstones("all/atom.xml")[0].endswith(removed)
    assert len(tombstones("section/news/atom.xml")) == 1
    assert tombstones("section/world/atom.xml") == []
    # AND after the tombstone window it is no longer announced
    newsroom.clock.advance(days=8)
    assert tombstones("all/atom.xml") == []


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("all/feed.json", ("all", None, "feed.json")),
        ("section/news/rss.xml", ("section#news", None, "rss.xml")),
        ("tag/russia/atom.xml", ("tag#russia", None, "atom.xml")),
        ("lang/uk/feed.json", ("lang#uk", None, "feed.json")),
        ("all/archive/2026-11-30T14/atom.xml", ("all", "2026-11-30T14", "atom.xml")),
        ("tag/russia/archive/2026-11-30T09/feed.json", ("tag#russia", "2026-11-30T09", "feed.json")),
    ],
)
def test_feed_paths_name_the_feed_hour_and_format(path: str, expected: tuple[str, str | None, str]) -> None:
    assert feed_from_path(path) == expected


@pytest.mark.parametrize(
    "path",
    [
        "all/feed.xml",
        "all",
        "bogus/feed.json",
        "section/feed.json",
        "section/News/feed.json",
        "author/dana/rss.xml",
        "tag/a/b/feed.json",
        "all/archive/2026-11-30/feed.json",
        "all/archive/2026-11-30T1/feed.json",
        "all/archive/feed.json",
    ],
)
def test_unknown_feed_paths_are_404(path: str) -> None:
    with pytest.raises(NotFound):
        feed_from_path(path)


def test_an_impossible_archive_hour_is_404(newsroom: Newsroom) -> None:
    with pytest.raises(NotFound):
        newsroom.feeds.document("all/archive/2026-13-45T99/feed.json")


# ---------------------------------------------------------------------------------------------- sitemaps
def test_the_news_sitemap_lists_the_last_two_days_only(newsroom: Newsroom) -> None:
    # GIVEN an article of three days ago, one of yesterday, and one scheduled
    old = publish_at(newsroom, NOW - timedelta(days=3), 1)
    recent = publish_at(newsroom, NOW - timedelta(days=1), 2)
    newsroom.clock.now = NOW
    newsroom.publish(submission(3, publish_at=(NOW + timedelta(hours=1)).isoformat()), editor=PUBLISHER)

    # WHEN the news sitemap is read now
    rendered = newsroom.feeds.news_sitemap()
    urls = [loc.text for loc in ET.fromstring(rendered.body).iter(f"{SITEMAP}loc")]

    # THEN only yesterday's article is in it
    assert urls == [newsroom.head(recent).url]
    assert newsroom.head(old).url not in urls
    assert rendered.content_type.startswith("application/xml")


def test_the_sitemap_index_names_the_news_sitemap_with_the_newest_change(newsroom: Newsroom) -> None:
    publish_at(newsroom, NOW, 1)
    newest = publish_at(newsroom, NOW + timedelta(minutes=3), 2)
    newsroom.clock.advance(minutes=30)
    newsroom.update(newest, submission(2, headline="Changed"))
    newsroom.process(newest)

    index = ET.fromstring(newsroom.feeds.sitemap_index().body)

    assert [e.text for e in index.iter(f"{SITEMAP}loc")] == [f"{SITE_BASE_URL}/sitemaps/news.xml"]
    assert [e.text for e in index.iter(f"{SITEMAP}lastmod")] == ["2026-11-30T14:33:00Z"]


def test_robots_txt_names_the_sitemap_index(newsroom: Newsroom) -> None:
    rendered = newsroom.feeds.robots()
    assert rendered.body.decode() == (f"User-agent: *\nAllow: /\n\nSitemap: {SITE_BASE_URL}/sitemaps/index.xml\n")
    assert rendered.content_type == "text/plain; charset=utf-8"
