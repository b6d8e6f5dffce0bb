"""FeedReader pagination and FeedBuilder static files, against the in-memory table and buckets."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from shared.errors import InvalidInput, RevisionConflict
from shared.service.feed_files import FEED_CACHE_CONTROL, NEWS_SITEMAP_KEY, Build, FeedBuilder
from shared.service.feeds import FeedReader, FeedSite, feed_for_filters

SITE = FeedSite(
    site_base_url="https://cdn.example.org/site/",
    website_url="https://news.example.org",
    title="Newsroom News Feed",
)


@pytest.fixture
def seed(table, make_card, minutes_after):
    """Publish ``count`` cards into a feed, one minute apart; returns their ids newest first."""

    def seed(count: int, feed: str = "all", start: int = 1) -> list[str]:
        ids = []
        for n in range(start, start + count):
            card = make_card(n, minutes_after(n))
            table.add_feed_entry(feed, card)
            ids.append(card.id)
        return ids[::-1]

    return seed


def read_all(reader: FeedReader, feed: str, limit: int) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        page = reader.page(feed, limit, cursor)
        pages.append([c.id for c in page.items])
        cursor = page.next_cursor
        if cursor is None:
            return pages
        assert len(pages) < 100, "pagination does not terminate"


# ------------------------------------------------------------------------------------ FeedReader


def test_25_items_in_pages_of_10_give_three_pages_newest_first(table, seed):
    # GIVEN 25 published items
    newest_first = seed(25)
    reader = FeedReader(table, SITE)

    # WHEN the feed is read page by page
    pages = read_all(reader, "all", 10)

    # THEN there are 3 pages of 10, 10 and 5, in order, with no repeats or gaps
    assert [len(p) for p in pages] == [10, 10, 5]
    assert [i for p in pages for i in p] == newest_first


def test_the_last_page_has_no_cursor_even_when_it_is_full(table, seed):
    seed(20)
    first = FeedReader(table, SITE).page("all", 10)
    assert first.next_cursor is not None
    second = FeedReader(table, SITE).page("all", 10, first.next_cursor)
    assert len(second.items) == 10
    assert second.next_cursor is None


def test_an_empty_feed_has_one_empty_page(table):
    page = FeedReader(table, SITE).page("all", 10)
    assert page.items == []
    assert page.next_cursor is None


def test_an_item_published_between_pages_causes_no_repeat_and_no_gap(table, seed, make_card, minutes_after):
    # GIVEN 25 items and a reader who has seen the first page
    newest_first = seed(25)
    reader = FeedReader(table, SITE)
    first = reader.page("all", 10)

    # WHEN a new article is published at the top before "Show More"
    table.add_feed_entry("all", make_card(100, minutes_after(100)))
    second = reader.page("all", 10, first.next_cursor)
    assert second.next_cursor is not None
    third = reader.page("all", 10, second.next_cursor)

    # THEN the following pages continue exactly where the first stopped
    seen = [c.id for page in (first, second, third) for c in page.items]
    assert seen == newest_first
    assert third.next_cursor is None


def test_items_published_in_the_same_instant_are_paged_without_gaps(table, make_card, minutes_after):
    # GIVEN six items with the same publication time (ties broken by id)
    for n in range(1, 7):
        table.add_feed_entry("all", make_card(n, minutes_after(0)))

    # WHEN read 4 at a time
    pages = read_all(FeedReader(table, SITE), "all", 4)

    # THEN all six come once, highest id first
    assert [i for p in pages for i in p] == [make_card(n, minutes_after(0)).id for n in range(6, 0, -1)]


def test_feeds_are_paged_independently(table, seed):
    seed(3, feed="section#news")
    seed(12, feed="all", start=10)
    page = FeedReader(table, SITE).page("section#news", 10)
    assert len(page.items) == 3
    assert page.next_cursor is None


def test_a_cursor_from_another_feed_is_rejected(table, seed):
    seed(15)
    seed(15, feed="section#news")
    reader = FeedReader(table, SITE)
    cursor = reader.page("section#news", 10).next_cursor
    with pytest.raises(InvalidInput) as caught:
        reader.page("all", 10, cursor)
    assert caught.value.errors[0].field == "cursor"


def test_pages_link_to_the_static_files_of_their_feed(table):
    links = FeedReader(table, SITE).page("section#news", 10).links
    assert links.json_feed == "https://cdn.example.org/site/feeds/section/news/feed.json"
    assert links.rss == "https://cdn.example.org/site/feeds/section/news/rss.xml"
    assert links.atom == "https://cdn.example.org/site/feeds/section/news/atom.xml"


# ----------------------------------------------------------------------------------- FeedBuilder


@pytest.fixture
def builder(table, buckets, now):
    return FeedBuilder(table, buckets, SITE, size=5, clock=lambda: now)


def site_files(journal: list[str]) -> list[str]:
    return [entry for entry in journal if entry.startswith("site.put_bytes")]


def test_a_first_build_writes_three_files_and_creates_the_manifest(builder, table, buckets, journal, seed, now):
    # GIVEN a feed with three items
    newest_first = seed(3, feed="section#news")

    # WHEN it is rebuilt
    build = builder.rebuild("section#news")

    # THEN the three formats are written with their types and cache policy
    assert build == Build("section#news", 1, changed=True)
    assert site_files(journal) == [
        "site.put_bytes feeds/section/news/feed.json",
        "site.put_bytes feeds/section/news/rss.xml",
        "site.put_bytes feeds/section/news/atom.xml",
    ]
    assert buckets.content_types["feeds/section/news/feed.json"] == "application/feed+json"
    assert buckets.content_types["feeds/section/news/rss.xml"].startswith("application/rss+xml")
    assert buckets.content_types["feeds/section/news/atom.xml"].startswith("application/atom+xml")
    assert set(buckets.cache_controls.values()) == {FEED_CACHE_CONTROL}

    # AND the files hold the feed's items
    json_feed = json.loads(buckets.objects["feeds/section/news/feed.json"])
    assert [item["id"] for item in json_feed["items"]] == newest_first
    assert len(ET.fromstring(buckets.objects["feeds/section/news/rss.xml"]).findall("channel/item")) == 3

    # AND the manifest records version 1 with the public links, written after the files
    manifest = table.manifest("section#news")
    assert manifest is not None
    assert (manifest["version"], manifest["item_count"], manifest["built_at"]) == (1, 3, now.isoformat())
    assert manifest["files"]["rss"] == "https://cdn.example.org/site/feeds/section/news/rss.xml"
    assert journal[-1] == "table.put_feed_manifest section#news v1"


def test_the_main_feed_also_writes_the_news_sitemap(builder, buckets, journal, seed):
    seed(2)
    builder.rebuild("all")
    assert site_files(journal) == [
        "site.put_bytes feeds/all/feed.json",
        "site.put_bytes feeds/all/rss.xml",
        "site.put_bytes feeds/all/atom.xml",
        f"site.put_bytes {NEWS_SITEMAP_KEY}",
    ]
    ET.fromstring(buckets.objects[NEWS_SITEMAP_KEY])  # well-formed XML


def test_only_the_newest_items_up_to_the_size_are_rendered(builder, table, buckets, seed):
    newest_first = seed(8)
    builder.rebuild("all")
    json_feed = json.loads(buckets.objects["feeds/all/feed.json"])
    assert [item["id"] for item in json_feed["items"]] == newest_first[:5]
    manifest = table.manifest("all")
    assert manifest is not None and manifest["item_count"] == 5


def test_rebuilding_unchanged_content_keeps_the_version_and_the_bytes(table, buckets, journal, seed, now):
    # GIVEN a built feed
    seed(3)
    FeedBuilder(table, buckets, SITE, size=5, clock=lambda: now).rebuild("all")
    manifest_before = table.manifest("all")
    feed_files = {k: v for k, v in buckets.objects.items() if k.startswith("feeds/")}

    # WHEN it is rebuilt later with the same items (a redelivered event)
    later = FeedBuilder(table, buckets, SITE, size=5, clock=lambda: now + timedelta(hours=1))
    build = later.rebuild("all")

    # THEN the version and manifest stay (no FeedUpdated), and the feed files hold the same bytes
    assert build == Build("all", 1, changed=False)
    assert table.manifest("all") == manifest_before
    assert {k: v for k, v in buckets.objects.items() if k.startswith("feeds/")} == feed_files
    assert sum("put_feed_manifest" in line for line in journal) == 1


def test_new_content_rewrites_the_files_and_bumps_the_version(builder, table, journal, seed):
    seed(3, feed="section#news")
    builder.rebuild("section#news")
    first = table.manifest("section#news")

    # WHEN a new item is published and the feed rebuilt
    seed(1, feed="section#news", start=50)
    build = builder.rebuild("section#news")

    # THEN the files are rewritten under a new etag and version 2
    assert build == Build("section#news", 2, changed=True)
    second = table.manifest("section#news")
    assert first is not None and second is not None
    assert second["etag"] != first["etag"]
    assert len(site_files(journal)) == 6


def test_a_concurrent_build_of_the_same_content_is_not_an_error(table, buckets, seed, now):
    # GIVEN two builders of the same feed; the other finishes right after ours reads the manifest
    seed(3)
    ours = FeedBuilder(table, buckets, SITE, size=5, clock=lambda: now)
    theirs = FeedBuilder(table, buckets, SITE, size=5, clock=lambda: now)
    table.after_manifest_read = lambda: theirs.rebuild("all")

    # WHEN ours tries to commit version 1 too
    build = ours.rebuild("all")

    # THEN it reports their version as the result, unchanged by us
    assert build == Build("all", 1, changed=False)
    manifest = table.manifest("all")
    assert manifest is not None and manifest["version"] == 1


def test_a_build_that_commits_after_our_manifest_read_is_seen_by_our_query(
    table, buckets, seed, make_card, minutes_after, now
):
    # GIVEN another builder that adds an item and commits right after ours read the manifest
    seed(3)
    ours = FeedBuilder(table, buckets, SITE, size=5, clock=lambda: now)
    theirs = FeedBuilder(table, buckets, SITE, size=5, clock=lambda: now)

    def newer_build() -> None:
        table.add_feed_entry("all", make_card(77, minutes_after(77)))
        theirs.rebuild("all")

    table.after_manifest_read = newer_build

    # WHEN ours finishes
    build = ours.rebuild("all")

    # THEN it rendered the same four items, so it keeps their version and their files
    assert build.changed is False
    manifest = table.manifest("all")
    assert manifest is not None and manifest["item_count"] == 4 and manifest["version"] == 1
    assert len(json.loads(buckets.objects["feeds/all/feed.json"])["items"]) == 4


def test_a_stale_build_that_loses_the_race_fails_and_its_retry_restores_the_newest_files(
    table, buckets, seed, make_card, minutes_after, now
):
    # GIVEN ours queried three items, then another build added a fourth and committed first
    seed(3)
    ours = FeedBuilder(table, buckets, SITE, size=5, clock=lambda: now)
    theirs = FeedBuilder(table, buckets, SITE, size=5, clock=lambda: now)
    query = table.query_newest

    def query_then_lose_the_race(*args, **kwargs):
        result = query(*args, **kwargs)
        table.query_newest = query  # once
        table.add_feed_entry("all", make_card(77, minutes_after(77)))
        theirs.rebuild("all")
        return result

    table.query_newest = query_then_lose_the_race

    # WHEN ours commits: its manifest write conflicts (its stale files were written before)
    with pytest.raises(RevisionConflict):
        ours.rebuild("all")
    # AND the message is retried
    retry = ours.rebuild("all")

    # THEN the newer manifest stands and the files again hold all four items
    assert retry.changed is False
    assert table.manifest("all")["item_count"] == 4
    assert len(json.loads(buckets.objects["feeds/all/feed.json"])["items"]) == 4


def test_the_news_sitemap_lists_every_article_of_the_last_two_days_not_just_the_static_feed(table, buckets, seed, now):
    # GIVEN 250 articles published a minute apart, and a static feed of only 5 items
    seed(250)
    builder = FeedBuilder(table, buckets, SITE, size=5, clock=lambda: now + timedelta(hours=5))
    # WHEN the main feed is rebuilt
    builder.rebuild("all")
    # THEN the feed file has 5 items but the news sitemap has all 250 recent articles
    assert len(json.loads(buckets.objects["feeds/all/feed.json"])["items"]) == 5
    sitemap = ET.fromstring(buckets.objects["sitemaps/news.xml"])
    assert len(sitemap.findall("{http://www.sitemaps.org/schemas/sitemap/0.9}url")) == 250


def test_the_news_sitemap_leaves_out_articles_older_than_two_days(table, buckets, seed, now):
    seed(3)
    builder = FeedBuilder(table, buckets, SITE, size=5, clock=lambda: now + timedelta(days=3))
    builder.rebuild("all")
    sitemap = ET.fromstring(buckets.objects["sitemaps/news.xml"])
    assert sitemap.findall("{http://www.sitemaps.org/schemas/sitemap/0.9}url") == []


@pytest.mark.parametrize(
    ("filters", "feed"),
    [
        ({}, "all"),
        ({"section": "news"}, "section#news"),
        ({"tag": "Війна"}, "tag#viina"),
        ({"language": "uk"}, "lang#uk"),
    ],
)
def test_each_filter_reads_its_own_feed(filters, feed):
    assert feed_for_filters(**{"section": None, "tag": None, "language": None, **filters}) == feed


def test_filters_do_not_combine():
    with pytest.raises(InvalidInput) as raised:
        feed_for_filters(section="news", tag="Russia", language=None)
    assert raised.value.errors[0].field == "tag"
