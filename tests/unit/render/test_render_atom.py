"""Atom (RFC 4287) renderer with RFC 6721 tombstones and RFC 5005 archive links.

What a feed reader makes of these documents is in test_render_readers.py; here is the XML itself.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from shared.render.atom import Tombstone, render_atom

ATOM = "http://www.w3.org/2005/Atom"
NS = {
    "a": ATOM,
    "at": "http://purl.org/atompub/tombstones/1.0",
    "fh": "http://purl.org/syndication/history/1.0",
    "media": "http://search.yahoo.com/mrss/",
}
SUMMARY = "Ministers meeting in Brussels agreed to send more systems."
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _feed(body: bytes) -> ET.Element:
    document = ET.fromstring(body)
    assert document.tag == f"{{{ATOM}}}feed"
    return document


def _links(element: ET.Element) -> list[dict[str, str]]:
    return [link.attrib for link in element.findall("a:link", NS)]


def test_feed_metadata_satisfies_rfc_4287(make_feed, make_site):
    # WHEN an empty feed is rendered
    document = _feed(render_atom(make_feed(), [], make_site()))

    # THEN it has exactly one id, title and updated, a self link, and a feed-level author
    assert document.findtext("a:id", namespaces=NS) == "tag:news.example.org,2025:feed:all"
    assert document.findtext("a:title", namespaces=NS) == "Newsroom News Feed"
    assert document.findtext("a:subtitle", namespaces=NS) == "Latest news from the newsroom"
    assert document.findtext("a:updated", namespaces=NS) == "2025-07-03T10:15:00Z"
    assert document.get(XML_LANG) == "en"
    assert _links(document) == [
        {
            "rel": "self",
            "type": "application/atom+xml",
            "href": "https://news.example.org/feeds/all/atom.xml",
        },
        {"rel": "alternate", "type": "text/html", "href": "https://news.example.org"},
        {
            "rel": "alternate",
            "type": "application/feed+json",
            "href": "https://news.example.org/feeds/all/feed.json",
        },
        {
            "rel": "alternate",
            "type": "application/rss+xml",
            "href": "https://news.example.org/feeds/all/rss.xml",
        },
    ]
    for single in ("id", "title", "updated"):
        assert len(document.findall(f"a:{single}", NS)) == 1
    # AND the site's identity: the publisher as author (with its website) and its logo
    assert document.findtext("a:author/a:name", namespaces=NS) == "Newsroom"
    assert document.findtext("a:author/a:uri", namespaces=NS) == "https://news.example.org"
    assert document.findtext("a:logo", namespaces=NS) == "https://news.example.org/static/logo.png"
    assert document.find("fh:archive", NS) is None


def test_entry_maps_every_card_field(make_feed, make_card, make_image, make_site):
    # GIVEN a complete card, with an author whose page was submitted and one that has none
    card = make_card(
        lead_image=make_image(width=1200, height=800),
        authors=[{"name": "Olena Kovalenko", "url": "https://people.example.org/ok"}, "John Smith"],
    )

    # WHEN rendered
    entry = _feed(render_atom(make_feed(), [card], make_site())).find("a:entry", NS)
    assert entry is not None

    # THEN every field maps to its Atom element
    assert entry.get(XML_LANG) == "en"
    assert entry.findtext("a:id", namespaces=NS) == "tag:news.example.org,2025:article:a1b2c3"
    title = entry.find("a:title", NS)
    assert title is not None
    assert (title.get("type"), title.text) == ("text", "Ukraine and partners agree on air defence package")
    assert _links(entry) == [
        {
            "rel": "alternate",
            "type": "text/html",
            "href": "https://news.example.org/news/ukraine-air-defence-package",
        },
        {"rel": "enclosure", "type": "image/jpeg", "href": "https://img.example.org/2025/07/kyiv.jpg"},
    ]
    assert entry.findtext("a:published", namespaces=NS) == "2025-07-03T09:30:00Z"
    assert entry.findtext("a:updated", namespaces=NS) == "2025-07-03T10:15:00Z"
    # AND authors link their page: the submitted one, else the site's pattern
    authors = [
        (a.findtext("a:name", namespaces=NS), a.findtext("a:uri", namespaces=NS)) for a in entry.findall("a:author", NS)
    ]
    assert authors == [
        ("Olena Kovalenko", "https://people.example.org/ok"),
        ("John Smith", "https://news.example.org/authors/john-smith"),
    ]
    summary = entry.find("a:summary", NS)
    assert summary is not None
    assert (summary.get("type"), summary.text) == ("text", SUMMARY)
    content = entry.find("a:content", NS)
    assert content is not None
    assert (content.get("type"), content.text) == ("html", f"<p>{SUMMARY}</p>")
    assert [c.get("term") for c in entry.findall("a:category", NS)] == ["Ukraine", "Defence"]
    # AND the image is also a Media RSS thumbnail and content with its size and caption
    thumbnail = entry.find("media:thumbnail", NS)
    assert thumbnail is not None
    assert thumbnail.attrib == {"url": "https://img.example.org/2025/07/kyiv.jpg", "width": "1200", "height": "800"}
    media = entry.find("media:content", NS)
    assert media is not None
    assert media.get("url") == "https://img.example.org/2025/07/kyiv.jpg"
    assert (
        media.findtext("media:description", namespaces=NS) == "Rescuers work at the site of a strike in Kyiv on July 3."
    )


def test_entry_without_a_safe_link_still_carries_content(make_feed, make_card, make_site):
    # GIVEN a card whose URL is unusable
    entry = _feed(render_atom(make_feed(), [make_card(url="javascript:alert(1)")], make_site())).find("a:entry", NS)
    assert entry is not None

    # THEN there is no alternate link, and the content RFC 4287 then requires is there
    assert [link["rel"] for link in _links(entry)] == ["enclosure"]
    content = entry.find("a:content", NS)
    assert content is not None
    assert (content.get("type"), content.text) == ("html", f"<p>{SUMMARY}</p>")


def test_entry_without_summary_or_authors_or_image(make_feed, make_card, make_site):
    bare = make_card(summary=None, authors=[], lead_image=None, tags=[])
    entry = _feed(render_atom(make_feed(), [bare], make_site())).find("a:entry", NS)
    assert entry is not None
    assert entry.findtext("a:summary", namespaces=NS) == bare.headline
    assert entry.findtext("a:content", namespaces=NS) == f"<p>{bare.headline}</p>"
    assert entry.find("a:author", NS) is None  # the feed-level author covers it
    assert [link.get("rel") for link in entry.findall("a:link", NS)] == ["alternate"]
    assert entry.find("media:thumbnail", NS) is None


def test_corrections_are_appended_to_the_html_content(make_feed, make_card, make_correction, make_site):
    card = make_card(corrections=[make_correction(text="The vote was on <Tuesday> & not Monday.")])
    entry = _feed(render_atom(make_feed(), [card], make_site())).find("a:entry", NS)
    assert entry is not None
    assert entry.findtext("a:content", namespaces=NS) == (
        f"<p>{SUMMARY}</p>"
        '<p class="correction"><strong>Correction</strong> (<time datetime="2025-07-03T11:00:00Z">2025-07-03</time>): '
        "The vote was on &lt;\u2060Tuesday&gt; &amp; not Monday.</p>"
    )
    # AND the plain-text summary stays the summary
    assert entry.findtext("a:summary", namespaces=NS) == SUMMARY


def test_tombstones_are_rfc_6721_deleted_entries_that_match_entry_ids(make_feed, make_card, make_site):
    # GIVEN one live card and two tombstones (one repeated)
    removed_at = datetime(2025, 7, 3, 12, 0, tzinfo=UTC)
    tombstones = [
        Tombstone(ref="gone-1", when=removed_at, comment="Removed for legal reasons"),
        Tombstone(ref="gone-2", when=datetime(2025, 7, 3, 11, 0, tzinfo=UTC)),
        Tombstone(ref="gone-1", when=removed_at, comment="Removed for legal reasons"),
    ]

    # WHEN rendered
    body = render_atom(make_feed(), [make_card(id="gone-1")], make_site(), tombstones=tombstones)
    document = _feed(body)

    # THEN each (ref, when) appears once, newest first, with the at: namespace declared
    deleted = document.findall("at:deleted-entry", NS)
    assert [(d.get("ref"), d.get("when")) for d in deleted] == [
        ("tag:news.example.org,2025:article:gone-1", "2025-07-03T12:00:00Z"),
        ("tag:news.example.org,2025:article:gone-2", "2025-07-03T11:00:00Z"),
    ]
    assert deleted[0].findtext("at:comment", namespaces=NS) == "Removed for legal reasons"
    assert deleted[1].find("at:comment", NS) is None
    # AND a ref is exactly the atom:id the entry had
    assert document.findtext("a:entry/a:id", namespaces=NS) == deleted[0].get("ref")


def test_tombstone_needs_a_ref():
    with pytest.raises(ValidationError):
        Tombstone(ref="", when=datetime(2025, 7, 3, tzinfo=UTC))


def test_no_tombstone_namespace_without_tombstones(make_feed, make_site):
    assert b"tombstones" not in render_atom(make_feed(), [], make_site())


def test_subscription_document_links_the_newest_archive_page(make_feed, make_archive_links, make_site):
    feed = make_feed(prev_archive=make_archive_links("2025-07-03T08"))
    document = _feed(render_atom(feed, [], make_site()))
    assert _links(document)[-1] == {
        "rel": "prev-archive",
        "type": "application/atom+xml",
        "href": "https://cdn.example.org/feeds/all/archive/2025-07-03T08/atom.xml",
    }
    assert document.find("fh:archive", NS) is None


def test_archive_page_is_marked_and_links_current_and_both_neighbours(make_feed, make_archive_links, make_site):
    # GIVEN the 09:00 archive page of the main feed, between 08:00 and 10:00
    own = make_archive_links("2025-07-03T09")
    feed = make_feed(
        json_feed_url=own.json_feed,
        rss_url=own.rss,
        atom_url=own.atom,
        archive=True,
        current=make_archive_links(None),
        prev_archive=make_archive_links("2025-07-03T08"),
        next_archive=make_archive_links("2025-07-03T10"),
    )

    # WHEN rendered
    document = _feed(render_atom(feed, [], make_site()))

    # THEN RFC 5005: fh:archive, current, prev-archive and next-archive; the same atom:id as the feed
    assert document.find("fh:archive", NS) is not None
    rels = {link["rel"]: link["href"] for link in _links(document) if link["rel"] != "alternate"}
    assert rels == {
        "self": own.atom,
        "current": "https://cdn.example.org/feeds/all/atom.xml",
        "prev-archive": "https://cdn.example.org/feeds/all/archive/2025-07-03T08/atom.xml",
        "next-archive": "https://cdn.example.org/feeds/all/archive/2025-07-03T10/atom.xml",
    }
    assert document.findtext("a:id", namespaces=NS) == "tag:news.example.org,2025:feed:all"


def test_the_oldest_archive_page_has_no_prev_archive(make_feed, make_archive_links, make_site):
    feed = make_feed(archive=True, current=make_archive_links(None), next_archive=make_archive_links("2025-07-03T10"))
    rels = [link["rel"] for link in _links(_feed(render_atom(feed, [], make_site())))]
    assert "prev-archive" not in rels
    assert "next-archive" in rels


def test_hostile_text_is_escaped_and_round_trips(make_feed, make_card, make_site, hostile):
    raw, expected = hostile
    # (pydantic itself refuses a lone surrogate in a constrained str, so the ref is the cleaned text)
    tombstone = Tombstone(ref=expected, when=datetime(2025, 7, 3, tzinfo=UTC), comment=raw)
    body = render_atom(
        make_feed(title=raw, description=raw),
        [make_card(headline=raw, summary=raw, authors=[raw], tags=[raw])],
        make_site(),
        tombstones=[tombstone],
    )
    assert b"<script>" not in body
    assert b"]]>" not in body
    document = _feed(body)
    entry = document.find("a:entry", NS)
    assert entry is not None
    assert document.findtext("a:title", namespaces=NS) == expected
    assert entry.findtext("a:title", namespaces=NS) == expected
    assert entry.findtext("a:summary", namespaces=NS) == expected
    assert entry.findtext("a:author/a:name", namespaces=NS) == expected
    assert [c.get("term") for c in entry.findall("a:category", NS)] == [expected]
    assert document.findtext("at:deleted-entry/at:comment", namespaces=NS) == expected
    ref = document.find("at:deleted-entry", NS)
    assert ref is not None
    assert " " not in ref.get("ref", " ")  # the id is percent-encoded into a valid IRI


def test_ukrainian_entry(make_feed, make_uk_card, make_site):
    document = _feed(render_atom(make_feed(language="uk"), [make_uk_card()], make_site()))
    entry = document.find("a:entry", NS)
    assert entry is not None
    assert entry.get(XML_LANG) == "uk"
    assert entry.findtext("a:title", namespaces=NS) == "Київ отримав нові системи ППО: що відомо"
    assert [c.get("term") for c in entry.findall("a:category", NS)] == ["Україна", "Оборона"]
    assert entry.findtext("a:author/a:uri", namespaces=NS) == "https://news.example.org/authors/olena-kovalenko"


def test_output_is_deterministic(make_feed, make_card, make_uk_card, make_site):
    cards = [make_card(), make_uk_card()]
    tombstones = [
        Tombstone(ref="x", when=datetime(2025, 7, 1, tzinfo=UTC)),
        Tombstone(ref="y", when=datetime(2025, 7, 2, tzinfo=UTC)),
    ]
    first = render_atom(make_feed(), cards, make_site(), tombstones=tombstones)
    second = render_atom(make_feed(), list(reversed(cards)), make_site(), tombstones=list(reversed(tombstones)))
    assert first == second
