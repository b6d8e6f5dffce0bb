"""What real feed readers see: every feed format parsed by a client library, as an aggregator would.

RSS and Atom go through feedparser (the library most Python readers and many services build on);
JSON Feed through feedparser-rs, since released feedparser versions read only XML feeds. The tests
assert what a reader shows: title, link, date, authors, image and content (the summary, never the
photo caption), correction notes, and paging back through the archive to the first article.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser
import feedparser_rs
import html5lib
import pytest

from shared.models.article import ArticleCard
from shared.models.feed import FeedDescriptor
from shared.render.atom import render_atom
from shared.render.jsonfeed import render_json_feed
from shared.render.rss import render_rss
from tests.unit.render.conftest import (
    CORRECTED,
    archive_links,
    card,
    correction,
    feed,
    lead_image,
    site,
    ukrainian_card,
)

CAPTION = "Rescuers work at the site of a strike in Kyiv on July 3."


def _text(fragment: str) -> str:
    """What a browser shows for an HTML fragment: its text, one space between blocks, whitespace collapsed."""
    tree = html5lib.parseFragment(fragment, namespaceHTMLElements=False)
    blocks = [tree.text or "", *("".join(child.itertext()) + (child.tail or "") for child in tree)]
    return " ".join(" ".join(blocks).split())


def _epoch(value: Any) -> int:
    return calendar.timegm(value)


def _cards() -> list[ArticleCard]:
    """Every shape of item a feed carries: image with size, corrected, Ukrainian, no summary, no image."""
    return [
        card(id="with-image", lead_image=lead_image(width=1200, height=800)),
        card(
            id="corrected",
            url="https://news.example.org/news/corrected",
            published_at=datetime(2025, 7, 3, 9, 0, tzinfo=UTC),
            corrections=[correction()],
        ),
        ukrainian_card(published_at=datetime(2025, 7, 3, 8, 30, tzinfo=UTC)),
        card(
            id="no-summary",
            url="https://news.example.org/news/no-summary",
            summary=None,
            published_at=datetime(2025, 7, 3, 8, 0, tzinfo=UTC),
        ),
        card(
            id="no-image",
            url="https://news.example.org/news/no-image",
            lead_image=None,
            published_at=datetime(2025, 7, 3, 7, 0, tzinfo=UTC),
        ),
    ]


def _by_link(entries: list[Any]) -> dict[str, Any]:
    return {entry.link: entry for entry in entries}


XML_FORMATS: dict[str, Callable[..., bytes]] = {"rss": render_rss, "atom": render_atom}


@pytest.mark.parametrize("fmt", sorted(XML_FORMATS))
def test_feedparser_sees_title_link_date_authors_and_content_not_the_caption(fmt):
    # GIVEN a feed of every shape of card
    cards = _cards()

    # WHEN feedparser reads it
    parsed = feedparser.parse(XML_FORMATS[fmt](feed(), cards, site()))

    # THEN it is well-formed, in order, and each entry shows what the card says
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert [entry.link for entry in parsed.entries] == [c.url for c in cards]
    for entry, source in zip(parsed.entries, cards, strict=True):
        assert entry.title == source.headline
        assert _epoch(entry.published_parsed) == int(source.published_at.timestamp())
        assert [a["name"] for a in entry.authors] == [a.name for a in source.authors]
        # the content is the summary (the headline when there is none), never the caption
        expected = source.summary or source.headline
        content = _text(entry.content[0].value)
        assert content.startswith(expected)
        assert _text(entry.summary).startswith(expected)
        assert CAPTION not in content
        assert CAPTION not in entry.summary


@pytest.mark.parametrize("fmt", sorted(XML_FORMATS))
def test_feedparser_finds_the_lead_image_as_enclosure_and_thumbnail(fmt):
    parsed = feedparser.parse(XML_FORMATS[fmt](feed(), _cards(), site()))
    for source in _cards():
        entry = _by_link(parsed.entries)[source.url]
        if source.lead_image is None:
            assert entry.get("enclosures", []) == []
            assert "media_thumbnail" not in entry
            continue
        assert [e["href"] for e in entry.enclosures] == [source.lead_image.url]
        assert entry.enclosures[0]["type"] == "image/jpeg"
        assert [t["url"] for t in entry.media_thumbnail] == [source.lead_image.url]
        # the caption's photographer is credited
        assert {"role": "photographer", "scheme": "urn:ebu", "content": "Sefa Karacan"} in entry.media_credit
    sized = _by_link(parsed.entries)["https://news.example.org/news/ukraine-air-defence-package"]
    assert (sized.media_thumbnail[0]["width"], sized.media_thumbnail[0]["height"]) == ("1200", "800")


def test_feedparser_sees_rss_enclosure_length_zero_as_unknown():
    parsed = feedparser.parse(render_rss(feed(), _cards()[:1], site()))
    assert parsed.entries[0].enclosures[0]["length"] == "0"


def test_feedparser_sees_atom_author_pages_and_the_publisher():
    parsed = feedparser.parse(render_atom(feed(), _cards()[:1], site()))
    assert [a.get("href") for a in parsed.entries[0].authors] == [
        "https://news.example.org/authors/olena-kovalenko",
        "https://news.example.org/authors/john-smith",
    ]
    assert parsed.feed.author_detail == {"name": "Newsroom", "href": "https://news.example.org"}
    assert parsed.feed.logo == "https://news.example.org/static/logo.png"


def test_feedparser_sees_the_rss_channel_logo():
    parsed = feedparser.parse(render_rss(feed(), [], site()))
    assert parsed.feed.image["href"] == "https://news.example.org/static/logo.png"


@pytest.mark.parametrize("fmt", sorted(XML_FORMATS))
def test_corrections_show_in_the_content_a_reader_displays(fmt):
    parsed = feedparser.parse(XML_FORMATS[fmt](feed(), _cards(), site()))
    entry = _by_link(parsed.entries)["https://news.example.org/news/corrected"]
    assert _text(entry.content[0].value) == (
        "Ministers meeting in Brussels agreed to send more systems. "
        "Correction (2025-07-03): An earlier version misnamed the Dutch defence minister."
    )
    assert CORRECTED.date().isoformat() in entry.content[0].value


def test_json_feed_reader_sees_title_link_date_authors_image_and_content():
    # GIVEN the same cards as JSON Feed
    cards = _cards()

    # WHEN a JSON Feed reader parses it
    parsed = feedparser_rs.parse(render_json_feed(feed(), cards, site()))

    # THEN it recognises JSON Feed 1.1 and each item reads like the card
    assert parsed.version == "json11"
    assert not parsed.bozo
    assert [entry.link for entry in parsed.entries] == [c.url for c in cards]
    for entry, source in zip(parsed.entries, cards, strict=True):
        assert entry.title == source.headline
        assert _epoch(entry.published_parsed) == int(source.published_at.timestamp())
        assert [a.name for a in entry.authors] == [a.name for a in source.authors]
        assert all(a.href and a.href.startswith("https://news.example.org/authors/") for a in entry.authors)
        html = next(c.value for c in entry.content if c.type == "text/html")
        expected = source.summary or source.headline
        assert _text(html).startswith(expected)
        assert CAPTION not in html
        # the reader exposes the item image as the entry's enclosure link
        images = [link.href for link in entry.links if link.rel == "enclosure"]
        assert images == ([source.lead_image.url] if source.lead_image else [])


def test_json_feed_reader_sees_the_correction_in_the_html_content():
    parsed = feedparser_rs.parse(render_json_feed(feed(), _cards(), site()))
    entry = next(e for e in parsed.entries if e.link == "https://news.example.org/news/corrected")
    html = next(c.value for c in entry.content if c.type == "text/html")
    assert "Correction (2025-07-03): An earlier version misnamed the Dutch defence minister." in _text(html)


# --------------------------------------------------------------------------------------- paging

HOURS = [datetime(2025, 7, 3, hour, tzinfo=UTC) for hour in range(8, 13)]  # 08:00 .. 12:00, 12 is current


def _hour_key(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H")


def _archive_site() -> tuple[dict[str, bytes], dict[str, str], list[ArticleCard]]:
    """A small server of feed documents the way the API pages them: the subscription document holds
    the current hour, one archive page per earlier UTC hour; returns (url -> body, entry url per
    format, every card)."""
    cards = [
        card(
            id=f"a{hour.hour:02d}{minute:02d}",
            url=f"https://news.example.org/news/a{hour.hour:02d}{minute:02d}",
            published_at=hour + timedelta(minutes=minute),
            updated_at=hour + timedelta(minutes=minute),
        )
        for hour in HOURS
        for minute in (5, 25, 45)
    ]
    pages: dict[str, bytes] = {}
    current = archive_links(None)
    archived = HOURS[:-1]
    for index, hour in enumerate([*archived, HOURS[-1]]):
        is_archive = hour != HOURS[-1]
        own = archive_links(_hour_key(hour)) if is_archive else current
        older = archive_links(_hour_key(archived[index - 1])) if index > 0 else None
        newer = archive_links(_hour_key(archived[index + 1])) if is_archive and index + 1 < len(archived) else None
        in_hour = [c for c in cards if hour <= c.published_at < hour + timedelta(hours=1)]
        descriptor: FeedDescriptor = feed(
            json_feed_url=own.json_feed,
            rss_url=own.rss,
            atom_url=own.atom,
            updated_at=max(c.updated_at for c in in_hour),
            archive=is_archive,
            current=current if is_archive else None,
            prev_archive=older,
            next_archive=newer,
        )
        pages[own.json_feed] = render_json_feed(descriptor, in_hour, site())
        pages[own.rss] = render_rss(descriptor, in_hour, site())
        pages[own.atom] = render_atom(descriptor, in_hour, site())
    entry = {"json": current.json_feed, "rss": current.rss, "atom": current.atom}
    return pages, entry, cards


def _older(parsed: Any, fmt: str) -> str | None:
    if fmt == "json":
        return parsed.feed.next_url
    links = parsed.feed.get("links", [])
    return next((link["href"] for link in links if link.get("rel") == "prev-archive"), None)


@pytest.mark.parametrize("fmt", ["json", "rss", "atom"])
def test_a_reader_pages_from_the_newest_page_back_to_the_first_article(fmt):
    # GIVEN the subscription document and four hourly archive pages
    pages, entry, cards = _archive_site()

    # WHEN a reader starts at the subscription document and follows the "older" link until there is none
    seen: list[str] = []
    visited: list[str] = []
    url: str | None = entry[fmt]
    while url is not None:
        assert url not in visited, "paging must not loop"
        visited.append(url)
        parsed = feedparser_rs.parse(pages[url]) if fmt == "json" else feedparser.parse(pages[url])
        assert not parsed.bozo
        seen += [e.link for e in parsed.entries]
        url = _older(parsed, fmt)

    # THEN it has read every article exactly once, newest first, ending with the very first one
    assert seen == [c.url for c in sorted(cards, key=lambda c: c.published_at, reverse=True)]
    assert seen[-1] == "https://news.example.org/news/a0805"
    assert len(visited) == len(HOURS)


def test_atom_archive_pages_carry_the_rfc_5005_markers_a_reader_checks():
    # GIVEN the oldest and a middle archive page
    pages, _, _ = _archive_site()
    oldest = feedparser.parse(pages[archive_links("2025-07-03T08").atom])
    middle = feedparser.parse(pages[archive_links("2025-07-03T10").atom])

    # THEN both point back at the subscription document; only the middle one has an older page
    def rels(parsed: Any) -> dict[str, str]:
        return {link["rel"]: link["href"] for link in parsed.feed.links if link["rel"] != "alternate"}

    assert rels(oldest)["current"] == rels(middle)["current"] == "https://cdn.example.org/feeds/all/atom.xml"
    assert "prev-archive" not in rels(oldest)
    assert rels(middle)["prev-archive"] == archive_links("2025-07-03T09").atom
    assert rels(middle)["next-archive"] == archive_links("2025-07-03T11").atom
    assert b"<fh:archive />" in pages[archive_links("2025-07-03T10").atom]


def test_every_page_renders_the_same_bytes_twice():
    first, _, _ = _archive_site()
    second, _, _ = _archive_site()
    assert first == second
