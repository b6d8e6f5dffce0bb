"""JSON Feed 1.1 renderer.

What a JSON Feed reader makes of these documents is in test_render_readers.py; here is the JSON itself.
"""

from __future__ import annotations

import json
from datetime import timedelta

from shared.render.jsonfeed import JSON_FEED_VERSION, render_json_feed

SUMMARY = "Ministers meeting in Brussels agreed to send more systems."


def test_feed_has_the_required_and_recommended_top_level_fields(make_feed, make_card, make_site):
    # GIVEN a feed descriptor and one card
    feed = make_feed()

    # WHEN rendered
    document = json.loads(render_json_feed(feed, [make_card()], make_site()))

    # THEN version, title and items are there (required), and the recommended URLs too
    assert document["version"] == JSON_FEED_VERSION == "https://jsonfeed.org/version/1.1"
    assert document["title"] == "Newsroom News Feed"
    assert document["home_page_url"] == "https://news.example.org"
    assert document["feed_url"] == "https://news.example.org/feeds/all/feed.json"
    assert document["description"] == "Latest news from the newsroom"
    assert document["language"] == "en"
    assert isinstance(document["items"], list)
    assert "next_url" not in document
    # AND the publisher is the feed's author
    assert document["authors"] == [{"name": "Newsroom", "url": "https://news.example.org"}]


def test_item_maps_every_card_field(make_feed, make_card, make_image, make_site):
    # GIVEN a complete card, one author with a submitted page and one without
    card = make_card(
        lead_image=make_image(width=1200, height=800),
        authors=[{"name": "Olena Kovalenko", "url": "https://people.example.org/ok"}, "John Smith"],
    )

    # WHEN rendered
    item = json.loads(render_json_feed(make_feed(), [card], make_site()))["items"][0]

    # THEN each item has a string id, content as HTML and text, and the image
    assert item["id"] == "a1b2c3"
    assert item["url"] == "https://news.example.org/news/ukraine-air-defence-package"
    assert item["title"] == "Ukraine and partners agree on air defence package"
    assert item["summary"] == item["content_text"] == SUMMARY
    assert item["content_html"] == f"<p>{SUMMARY}</p>"
    assert item["image"] == "https://img.example.org/2025/07/kyiv.jpg"
    assert item["date_published"] == "2025-07-03T09:30:00Z"
    assert item["date_modified"] == "2025-07-03T10:15:00Z"
    assert item["authors"] == [
        {"name": "Olena Kovalenko", "url": "https://people.example.org/ok"},
        {"name": "John Smith", "url": "https://news.example.org/authors/john-smith"},
    ]
    assert item["tags"] == ["Ukraine", "Defence"]
    assert item["language"] == "en"
    assert item["_newsroom"] == {
        "section": "news",
        "kind": "article",
        "revision": 1,
        "reading_time_minutes": 2,
        "word_count": 410,
        "image": {
            "caption": "Rescuers work at the site of a strike in Kyiv on July 3.",
            "credit": "Sefa Karacan/Anadolu via Getty Images",
            "alt_text": "Rescuers among rubble",
            "width": 1200,
            "height": 800,
        },
    }


def test_corrections_are_in_the_html_the_text_and_the_extension(make_feed, make_card, make_correction, make_site):
    # GIVEN a corrected card whose note contains characters that are markup in HTML
    card = make_card(corrections=[make_correction(text='Fixed the quote "<b>" & the date.')])

    # WHEN rendered
    item = json.loads(render_json_feed(make_feed(), [card], make_site()))["items"][0]

    # THEN the HTML carries the note escaped, the text carries it as text, the extension as data
    assert item["content_html"] == (
        f"<p>{SUMMARY}</p>"
        '<p class="correction"><strong>Correction</strong> (<time datetime="2025-07-03T11:00:00Z">2025-07-03</time>): '
        "Fixed the quote &quot;&lt;\u2060b&gt;&quot; &amp; the date.</p>"
    )
    assert item["content_text"] == f'{SUMMARY}\n\nCorrection (2025-07-03): Fixed the quote "<\u2060b>" & the date.'
    assert item["summary"] == SUMMARY
    assert item["_newsroom"]["corrections"] == [
        {
            "kind": "correction",
            "text": 'Fixed the quote "<\u2060b>" & the date.',
            "date_published": "2025-07-03T11:00:00Z",
            "revision": 2,
        }
    ]


def test_item_without_summary_or_image_still_has_content_and_no_nulls(make_feed, make_card, make_site):
    # GIVEN a bare card
    bare = make_card(summary=None, lead_image=None, tags=[], authors=[])

    # WHEN rendered
    item = json.loads(render_json_feed(make_feed(language=None), [bare], make_site()))["items"][0]

    # THEN the content falls back to the headline and absent fields are omitted, never null
    assert item["content_text"] == bare.headline
    assert item["content_html"] == f"<p>{bare.headline}</p>"
    for absent in ("summary", "image", "authors", "tags"):
        assert absent not in item
    assert None not in item.values()
    assert "image" not in item["_newsroom"]


def test_empty_feed_is_valid_with_an_empty_items_list(make_feed, make_site):
    document = json.loads(render_json_feed(make_feed(), [], make_site()))
    assert document["items"] == []


def test_next_url_is_the_newest_archive_page(make_feed, make_archive_links, make_site):
    feed = make_feed(prev_archive=make_archive_links("2025-07-03T08"))
    document = json.loads(render_json_feed(feed, [], make_site()))
    assert document["next_url"] == "https://cdn.example.org/feeds/all/archive/2025-07-03T08/feed.json"
    assert document["feed_url"] == "https://news.example.org/feeds/all/feed.json"


def test_archive_page_names_the_subscription_feed_and_pages_further_back(make_feed, make_archive_links, make_site):
    # GIVEN the 09:00 archive page
    own = make_archive_links("2025-07-03T09")
    feed = make_feed(
        json_feed_url=own.json_feed,
        archive=True,
        current=make_archive_links(None),
        prev_archive=make_archive_links("2025-07-03T08"),
        next_archive=make_archive_links("2025-07-03T10"),
    )

    # WHEN rendered
    document = json.loads(render_json_feed(feed, [], make_site()))

    # THEN feed_url still identifies the feed, and next_url goes to older items (not to newer ones)
    assert document["feed_url"] == "https://cdn.example.org/feeds/all/feed.json"
    assert document["next_url"] == "https://cdn.example.org/feeds/all/archive/2025-07-03T08/feed.json"
    assert "expired" not in document


def test_hostile_text_round_trips_as_data(make_feed, make_card, make_image, make_site, hostile):
    # GIVEN hostile text in every free-text field
    raw, expected = hostile
    hostile_card = make_card(
        headline=raw, summary=raw, authors=[raw], tags=[raw], lead_image=make_image(caption=raw, credit=raw)
    )

    # WHEN rendered and parsed back
    body = render_json_feed(make_feed(title=raw), [hostile_card], make_site())
    document = json.loads(body.decode("utf-8"))
    item = document["items"][0]

    # THEN the text is intact apart from the illegal characters, and non-ASCII is not \\u-escaped
    assert document["title"] == item["title"] == item["summary"] == expected
    assert [a["name"] for a in item["authors"]] == [expected]
    assert item["tags"] == [expected]
    assert item["_newsroom"]["image"]["caption"] == expected
    assert "Київ".encode() in body


def test_unsafe_urls_are_left_out(make_feed, make_card, make_image, make_site):
    evil = make_card(
        url="javascript:alert(1)",
        lead_image=make_image(url="data:image/png;base64,AAAA"),
        authors=[{"name": "A", "url": "javascript:alert(3)"}],
    )
    body = render_json_feed(make_feed(), [evil], make_site(author_url_pattern=None))
    item = json.loads(body)["items"][0]
    assert "url" not in item
    assert "image" not in item
    assert item["authors"] == [{"name": "A"}]
    assert b"javascript" not in body


def test_ukrainian_feed(make_feed, make_uk_card, make_site):
    feed = make_feed(name="lang#uk", title="Стрічка новин", language="uk")
    document = json.loads(render_json_feed(feed, [make_uk_card()], make_site()))
    assert document["title"] == "Стрічка новин"
    assert document["items"][0]["title"] == "Київ отримав нові системи ППО: що відомо"
    assert document["items"][0]["language"] == "uk"
    assert document["items"][0]["tags"] == ["Україна", "Оборона"]
    # AND a Cyrillic name gets a romanized author page
    assert document["items"][0]["authors"][0]["url"] == "https://news.example.org/authors/olena-kovalenko"


def test_output_is_deterministic_whatever_the_card_order(make_feed, make_card, make_site):
    # GIVEN the same cards in two orders
    cards = [make_card(id=f"id-{n}", published_at=make_card().published_at - timedelta(minutes=n)) for n in range(5)]

    # WHEN rendered twice
    first = render_json_feed(make_feed(), cards, make_site())
    second = render_json_feed(make_feed(), list(reversed(cards)), make_site())

    # THEN the bytes are identical and items are newest first
    assert first == second
    assert [i["id"] for i in json.loads(first)["items"]] == [f"id-{n}" for n in range(5)]
