"""RSS 2.0 renderer (with Media RSS, Dublin Core, content, atom:link and RFC 5005 archive links).

What a feed reader makes of these documents is in test_render_readers.py; here is the XML itself.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

from shared.render.rss import render_rss

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "fh": "http://purl.org/syndication/history/1.0",
    "media": "http://search.yahoo.com/mrss/",
}
SUMMARY = "Ministers meeting in Brussels agreed to send more systems."


def _channel(body: bytes) -> ET.Element:
    document = ET.fromstring(body)
    assert document.tag == "rss"
    assert document.get("version") == "2.0"
    channel = document.find("channel")
    assert channel is not None
    return channel


def _item(body: bytes) -> ET.Element:
    item = _channel(body).find("item")
    assert item is not None
    return item


def test_document_is_utf8_xml_with_a_declaration(make_feed, make_card, make_site):
    body = render_rss(make_feed(), [make_card()], make_site())
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<rss ')
    body.decode("utf-8")


def test_channel_has_required_elements_self_link_build_date_and_logo(make_feed, make_site):
    # WHEN an empty feed is rendered for a site with a logo
    channel = _channel(render_rss(make_feed(), [], make_site()))

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
    # AND the publisher's logo is the channel image, titled and linked like the channel
    assert channel.findtext("image/url") == "https://news.example.org/static/logo.png"
    assert channel.findtext("image/title") == channel.findtext("title")
    assert channel.findtext("image/link") == channel.findtext("link")
    assert channel.findall("item") == []


def test_channel_has_no_image_without_a_logo(make_feed, make_site):
    assert _channel(render_rss(make_feed(), [], make_site(publisher_logo_url=None))).find("image") is None


def test_item_maps_every_card_field(make_feed, make_card, make_site):
    # GIVEN a complete card
    item = _item(render_rss(make_feed(), [make_card()], make_site()))

    # THEN the core RSS elements are there; description and content:encoded carry the summary as HTML
    assert item.findtext("title") == "Ukraine and partners agree on air defence package"
    assert item.findtext("link") == "https://news.example.org/news/ukraine-air-defence-package"
    assert item.findtext("description") == f"<p>{SUMMARY}</p>"
    assert item.findtext("content:encoded", namespaces=NS) == f"<p>{SUMMARY}</p>"
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


def test_lead_image_is_an_enclosure_a_thumbnail_and_media_content(make_feed, make_card, make_image, make_site):
    # GIVEN a lead image whose pixel size is known but whose byte length is not
    card = make_card(lead_image=make_image(width=1200, height=800))

    # WHEN rendered
    item = _item(render_rss(make_feed(), [card], make_site()))

    # THEN the enclosure has all three required attributes, with length 0 for "unknown"
    enclosures = item.findall("enclosure")
    assert [e.attrib for e in enclosures] == [
        {"url": "https://img.example.org/2025/07/kyiv.jpg", "length": "0", "type": "image/jpeg"}
    ]
    # AND a Media RSS thumbnail and content with the size, caption and credits
    thumbnail = item.find("media:thumbnail", NS)
    assert thumbnail is not None
    assert thumbnail.attrib == {"url": "https://img.example.org/2025/07/kyiv.jpg", "width": "1200", "height": "800"}
    content = item.find("media:content", NS)
    assert content is not None
    assert content.attrib == {
        "url": "https://img.example.org/2025/07/kyiv.jpg",
        "medium": "image",
        "type": "image/jpeg",
        "width": "1200",
        "height": "800",
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
    # AND the media elements come after the item's own text (feedparser would take a caption it
    # meets first for the description)
    tags = [child.tag for child in item]
    assert tags.index("description") < tags.index(f"{{{NS['media']}}}content")


def test_image_type_falls_back_to_jpeg_and_size_needs_both_sides(make_feed, make_card, make_image, make_site):
    card = make_card(lead_image=make_image(url="https://img.example.org/photo?id=7", width=1200))
    item = _item(render_rss(make_feed(), [card], make_site()))
    enclosure = item.find("enclosure")
    assert enclosure is not None
    assert enclosure.get("type") == "image/jpeg"
    thumbnail = item.find("media:thumbnail", NS)
    assert thumbnail is not None
    assert "width" not in thumbnail.attrib


def test_corrections_are_appended_to_the_item_html_escaped(make_feed, make_card, make_correction, make_site):
    # GIVEN two correction notes, stored newest first, one with text that looks like markup
    notes = [
        make_correction(
            kind="clarification", text="Fees are <5% & falling", revision=3, published_at="2025-07-04T08:00:00Z"
        ),
        make_correction(),
    ]

    # WHEN rendered
    item = _item(render_rss(make_feed(), [make_card(corrections=notes)], make_site()))

    # THEN both item HTML fields end with the notes, oldest first, dated, labelled and escaped
    expected = (
        f"<p>{SUMMARY}</p>"
        '<p class="correction"><strong>Correction</strong> (<time datetime="2025-07-03T11:00:00Z">2025-07-03</time>): '
        "An earlier version misnamed the Dutch defence minister.</p>"
        '<p class="correction"><strong>Clarification</strong> '
        '(<time datetime="2025-07-04T08:00:00Z">2025-07-04</time>): '
        "Fees are &lt;5% &amp; falling</p>"
    )
    assert item.findtext("description") == expected
    assert item.findtext("content:encoded", namespaces=NS) == expected


def test_ukrainian_item_labels_its_corrections_in_ukrainian(make_feed, make_uk_card, make_correction, make_site):
    item = _item(
        render_rss(make_feed(language="uk"), [make_uk_card(corrections=[make_correction(kind="update")])], make_site())
    )
    assert "<strong>Оновлення</strong>" in (item.findtext("description") or "")


def test_card_without_optional_fields_renders_a_minimal_item(make_feed, make_card, make_site):
    # GIVEN a card without summary, image, tags or authors
    bare = make_card(summary=None, lead_image=None, tags=[], authors=[])

    # WHEN rendered
    item = _item(render_rss(make_feed(language=None), [bare], make_site()))

    # THEN the headline stands in for the summary, and nothing else is invented
    assert [child.tag for child in item] == [
        "title",
        "link",
        "description",
        f"{{{NS['content']}}}encoded",
        "guid",
        "pubDate",
        f"{{{NS['dc']}}}language",
    ]
    assert item.findtext("description") == f"<p>{bare.headline}</p>"


def test_hostile_text_is_escaped_and_round_trips(make_feed, make_card, make_image, make_site, hostile):
    # GIVEN hostile text everywhere, including the feed title
    raw, expected = hostile
    hostile_card = make_card(
        headline=raw, summary=raw, authors=[raw], tags=[raw], lead_image=make_image(caption=raw, credit=raw)
    )

    # WHEN rendered
    body = render_rss(make_feed(title=raw, description=raw), [hostile_card], make_site())

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
    assert description == f"<p>{html.escape(expected)}</p>"


def test_unsafe_urls_are_left_out(make_feed, make_card, make_image, make_site):
    evil = make_card(url="javascript:alert(1)", lead_image=make_image(url="javascript:alert(2)"))
    body = render_rss(make_feed(), [evil], make_site())
    assert b"javascript" not in body
    item = _channel(body).find("item")
    assert item is not None
    for absent in ("link", "enclosure", "media:thumbnail", "media:content"):
        assert item.find(absent, NS) is None


def test_subscription_document_links_the_newest_archive_page(make_feed, make_archive_links, make_site):
    # GIVEN the subscription document, whose older items live in the 08:00 archive page
    feed = make_feed(prev_archive=make_archive_links("2025-07-03T08"))

    # WHEN rendered
    body = render_rss(feed, [], make_site())
    channel = _channel(body)

    # THEN it links that page's RSS with rel prev-archive, and is not itself an archive
    links = [link.attrib for link in channel.findall("atom:link", NS)]
    assert links[1:] == [
        {
            "href": "https://cdn.example.org/feeds/all/archive/2025-07-03T08/rss.xml",
            "rel": "prev-archive",
            "type": "application/rss+xml",
        }
    ]
    assert channel.find("fh:archive", NS) is None
    assert b"history/1.0" not in body


def test_archive_page_links_current_and_both_neighbours(make_feed, make_archive_links, make_site):
    # GIVEN the 09:00 archive page between 08:00 and 10:00
    own = make_archive_links("2025-07-03T09")
    feed = make_feed(
        json_feed_url=own.json_feed,
        rss_url=own.rss,
        atom_url=own.atom,
        archive=True,
        current=make_archive_links("x").model_copy(update={"rss": "https://cdn.example.org/feeds/all/rss.xml"}),
        prev_archive=make_archive_links("2025-07-03T08"),
        next_archive=make_archive_links("2025-07-03T10"),
    )

    # WHEN rendered
    channel = _channel(render_rss(feed, [], make_site()))

    # THEN it is marked fh:archive and links self, current, prev-archive and next-archive
    assert channel.find("fh:archive", NS) is not None
    assert [(link.get("rel"), link.get("href")) for link in channel.findall("atom:link", NS)] == [
        ("self", own.rss),
        ("current", "https://cdn.example.org/feeds/all/rss.xml"),
        ("prev-archive", "https://cdn.example.org/feeds/all/archive/2025-07-03T08/rss.xml"),
        ("next-archive", "https://cdn.example.org/feeds/all/archive/2025-07-03T10/rss.xml"),
    ]


def test_ukrainian_feed_keeps_cyrillic_as_utf8(make_feed, make_uk_card, make_site):
    body = render_rss(make_feed(title="Стрічка новин", language="uk"), [make_uk_card()], make_site())
    assert "Київ отримав нові системи ППО".encode() in body
    item = _channel(body).find("item")
    assert item is not None
    assert item.findtext("title") == "Київ отримав нові системи ППО: що відомо"
    assert item.findtext("description") == "<p>Партнери погодили пакет допомоги «Щит» — деталі.</p>"
    assert [c.text for c in item.findall("category")] == ["Україна", "Оборона"]


def test_output_is_deterministic(make_feed, make_card, make_uk_card, make_correction, make_site):
    cards = [make_card(corrections=[make_correction(), make_correction(revision=3)]), make_uk_card()]
    reordered = [make_card(corrections=[make_correction(revision=3), make_correction()]), make_uk_card()]
    assert render_rss(make_feed(), cards, make_site()) == render_rss(
        make_feed(), list(reversed(reordered)), make_site()
    )
