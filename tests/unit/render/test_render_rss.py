"""RSS 2.0 renderer (with Media RSS, Dublin Core and atom:link)."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

from shared.render.rss import render_rss

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "dc": "http://purl.org/dc/elements/1.1/",
    "media": "http://search.yahoo.com/mrss/",
}


def _channel(body: bytes) -> ET.Element:
    document = ET.fromstring(body)
    assert document.tag == "rss"
    assert document.get("version") == "2.0"
    channel = document.find("channel")
    assert channel is not None
    return channel


def test_document_is_utf8_xml_with_a_declaration(make_feed, make_card):
    body = render_rss(make_feed(), [make_card()])
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<rss ')
    body.decode("utf-8")


def test_channel_has_required_elements_self_link_and_build_date(make_feed):
    # WHEN an empty feed is rendered
    channel = _channel(render_rss(make_feed(), []))

    # THEN title, link and description (required) are there, with language, lastBuildDate and atom self link
    assert channel.findtext("title") == "Newsroom News Feed"
    assert channel.findtext("link") == "https://news.example.org"
    assert channel.findtext("description") == "Latest news from the newsroom"
    assert channel.findtext("language") == "en"
    assert channel.findtext("lastBuildDate") == "Thu, 03 Jul 2025 10:15:00 GMT"
    self_link = channel.find("atom:link", NS)
    assert self_link is not None
    assert self_link.attrib == {
        "href": "https://news.example.org/feeds/all/rss.xml",
        "rel": "self",
        "type": "application/rss+xml",
    }
    assert channel.findall("item") == []


def test_item_maps_every_card_field(make_feed, make_card):
    # GIVEN a complete card
    item = _channel(render_rss(make_feed(), [make_card()])).find("item")
    assert item is not None

    # THEN the core RSS elements are there
    assert item.findtext("title") == "Ukraine and partners agree on air defence package"
    assert item.findtext("link") == "https://news.example.org/news/ukraine-air-defence-package"
    assert item.findtext("description") == "Ministers meeting in Brussels agreed to send more systems."
    guid = item.find("guid")
    assert guid is not None
    assert (guid.text, guid.get("isPermaLink")) == ("a1b2c3", "false")
    pub_date = item.findtext("pubDate")
    assert pub_date == "Thu, 03 Jul 2025 09:30:00 GMT"
    assert parsedate_to_datetime(pub_date) == make_card().published_at
    assert [c.text for c in item.findall("category")] == ["Ukraine", "Defence"]
    # AND the Dublin Core creators and language
    assert [c.text for c in item.findall("dc:creator", NS)] == ["Olena Kovalenko", "John Smith"]
    assert item.findtext("dc:language", namespaces=NS) == "en"


def test_lead_image_is_media_content_with_caption_and_credits(make_feed, make_card):
    item = _channel(render_rss(make_feed(), [make_card()])).find("item")
    assert item is not None
    content = item.find("media:content", NS)
    assert content is not None
    assert content.attrib == {
        "url": "https://img.example.org/2025/07/kyiv.jpg",
        "medium": "image",
        "type": "image/jpeg",
    }
    description = content.find("media:description", NS)
    assert description is not None
    assert description.get("type") == "plain"
    assert description.text == "Rescuers work at the site of a strike in Kyiv on July 3."
    credits = [(c.get("role"), c.get("scheme"), c.text) for c in content.findall("media:credit", NS)]
    assert credits == [
        ("photographer", "urn:ebu", "Sefa Karacan"),
        (None, None, "Sefa Karacan/Anadolu via Getty Images"),
    ]


def test_card_without_optional_fields_renders_a_minimal_item(make_feed, make_card):
    bare = make_card(summary=None, lead_image=None, tags=[], authors=[])
    item = _channel(render_rss(make_feed(language=None), [bare])).find("item")
    assert item is not None
    assert [child.tag for child in item] == [
        "title",
        "link",
        "guid",
        "pubDate",
        "{http://purl.org/dc/elements/1.1/}language",
    ]


def test_hostile_text_is_escaped_and_round_trips(make_feed, make_card, make_image, hostile):
    # GIVEN hostile text everywhere, including the feed title
    raw, expected = hostile
    hostile_card = make_card(
        headline=raw, summary=raw, authors=[raw], tags=[raw], lead_image=make_image(caption=raw, credit=raw)
    )

    # WHEN rendered
    body = render_rss(make_feed(title=raw, description=raw), [hostile_card])

    # THEN it is well-formed XML with no live markup or CDATA terminator in the bytes
    assert b"<script>" not in body
    assert b"]]>" not in body
    channel = _channel(body)
    item = channel.find("item")
    assert item is not None
    # AND plain-text elements read back exactly (illegal characters dropped)
    assert channel.findtext("title") == item.findtext("title") == expected
    assert item.findtext("dc:creator", namespaces=NS) == expected
    assert item.findtext("category") == expected
    assert item.findtext("media:content/media:description", namespaces=NS) == expected
    # AND the HTML description is entity-encoded so an HTML-rendering reader shows text, not markup
    description = item.findtext("description")
    assert description == html.escape(expected, quote=False)
    assert html.unescape(description) == expected


def test_unsafe_urls_are_left_out(make_feed, make_card, make_image):
    evil = make_card(url="javascript:alert(1)", lead_image=make_image(url="javascript:alert(2)"))
    body = render_rss(make_feed(), [evil])
    assert b"javascript" not in body
    item = _channel(body).find("item")
    assert item is not None
    assert item.find("link") is None
    assert item.find("media:content", NS) is None


def test_ukrainian_feed_keeps_cyrillic_as_utf8(make_feed, make_uk_card):
    body = render_rss(make_feed(title="Стрічка новин", language="uk"), [make_uk_card()])
    assert "Київ отримав нові системи ППО".encode() in body
    item = _channel(body).find("item")
    assert item is not None
    assert item.findtext("title") == "Київ отримав нові системи ППО: що відомо"
    assert item.findtext("description") == "Партнери погодили пакет допомоги «Щит» — деталі."
    assert [c.text for c in item.findall("category")] == ["Україна", "Оборона"]


def test_output_is_deterministic(make_feed, make_card, make_uk_card):
    cards = [make_card(), make_uk_card()]
    assert render_rss(make_feed(), cards) == render_rss(make_feed(), list(reversed(cards)))
