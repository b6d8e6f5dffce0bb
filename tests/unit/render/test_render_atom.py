"""Atom (RFC 4287) renderer with RFC 6721 tombstones and RFC 5005 next links."""

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
    "media": "http://search.yahoo.com/mrss/",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _feed(body: bytes) -> ET.Element:
    document = ET.fromstring(body)
    assert document.tag == f"{{{ATOM}}}feed"
    return document


def _links(element: ET.Element) -> list[dict[str, str]]:
    return [link.attrib for link in element.findall("a:link", NS)]


def test_feed_metadata_satisfies_rfc_4287(make_feed):
    # WHEN an empty feed is rendered
    document = _feed(render_atom(make_feed(), []))

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
    assert document.findtext("a:author/a:name", namespaces=NS) == "Newsroom News Feed"
    for single in ("id", "title", "updated"):
        assert len(document.findall(f"a:{single}", NS)) == 1


def test_entry_maps_every_card_field(make_feed, make_card):
    entry = _feed(render_atom(make_feed(), [make_card()])).find("a:entry", NS)
    assert entry is not None
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
        }
    ]
    assert entry.findtext("a:published", namespaces=NS) == "2025-07-03T09:30:00Z"
    assert entry.findtext("a:updated", namespaces=NS) == "2025-07-03T10:15:00Z"
    assert [a.text for a in entry.findall("a:author/a:name", NS)] == ["Olena Kovalenko", "John Smith"]
    assert entry.findtext("a:summary", namespaces=NS) == "Ministers meeting in Brussels agreed to send more systems."
    assert [c.get("term") for c in entry.findall("a:category", NS)] == ["Ukraine", "Defence"]
    assert entry.find("a:content", NS) is None
    content = entry.find("media:content", NS)
    assert content is not None
    assert content.get("url") == "https://img.example.org/2025/07/kyiv.jpg"


def test_entry_without_a_safe_link_carries_content_instead(make_feed, make_card):
    # GIVEN a card whose URL is unusable
    entry = _feed(render_atom(make_feed(), [make_card(url="javascript:alert(1)")])).find("a:entry", NS)
    assert entry is not None

    # THEN there is no link, so RFC 4287 requires content: the summary as text
    assert entry.find("a:link", NS) is None
    content = entry.find("a:content", NS)
    assert content is not None
    assert (content.get("type"), content.text) == (
        "text",
        "Ministers meeting in Brussels agreed to send more systems.",
    )


def test_tombstones_are_rfc_6721_deleted_entries_that_match_entry_ids(make_feed, make_card):
    # GIVEN one live card and two tombstones (one repeated)
    removed_at = datetime(2025, 7, 3, 12, 0, tzinfo=UTC)
    tombstones = [
        Tombstone(ref="gone-1", when=removed_at, comment="Removed for legal reasons"),
        Tombstone(ref="gone-2", when=datetime(2025, 7, 3, 11, 0, tzinfo=UTC)),
        Tombstone(ref="gone-1", when=removed_at, comment="Removed for legal reasons"),
    ]

    # WHEN rendered
    body = render_atom(make_feed(), [make_card(id="gone-1")], tombstones)
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


def test_no_tombstone_namespace_without_tombstones(make_feed):
    assert b"tombstones" not in render_atom(make_feed(), [])


def test_next_link_for_paging(make_feed):
    next_url = "https://news.example.org/feeds/all/atom-2.xml"
    document = _feed(render_atom(make_feed(), [], next_url=next_url))
    assert {"rel": "next", "type": "application/atom+xml", "href": next_url} in _links(document)


def test_hostile_text_is_escaped_and_round_trips(make_feed, make_card, hostile):
    raw, expected = hostile
    # (pydantic itself refuses a lone surrogate in a constrained str, so the ref is the cleaned text)
    tombstone = Tombstone(ref=expected, when=datetime(2025, 7, 3, tzinfo=UTC), comment=raw)
    body = render_atom(
        make_feed(title=raw, description=raw),
        [make_card(headline=raw, summary=raw, authors=[raw], tags=[raw])],
        [tombstone],
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


def test_ukrainian_entry(make_feed, make_uk_card):
    document = _feed(render_atom(make_feed(language="uk"), [make_uk_card()]))
    entry = document.find("a:entry", NS)
    assert entry is not None
    assert entry.get(XML_LANG) == "uk"
    assert entry.findtext("a:title", namespaces=NS) == "Київ отримав нові системи ППО: що відомо"
    assert [c.get("term") for c in entry.findall("a:category", NS)] == ["Україна", "Оборона"]


def test_output_is_deterministic(make_feed, make_card, make_uk_card):
    cards = [make_card(), make_uk_card()]
    tombstones = [
        Tombstone(ref="x", when=datetime(2025, 7, 1, tzinfo=UTC)),
        Tombstone(ref="y", when=datetime(2025, 7, 2, tzinfo=UTC)),
    ]
    first = render_atom(make_feed(), cards, tombstones)
    second = render_atom(make_feed(), list(reversed(cards)), list(reversed(tombstones)))
    assert first == second
