"""JSON Feed 1.1 renderer."""

from __future__ import annotations

import json
from datetime import timedelta

from shared.render.jsonfeed import JSON_FEED_VERSION, render_json_feed


def test_feed_has_the_required_and_recommended_top_level_fields(make_feed, make_card):
    # GIVEN a feed descriptor and one card
    feed = make_feed()

    # WHEN rendered
    document = json.loads(render_json_feed(feed, [make_card()]))

    # THEN version, title and items are there (required), and the recommended URLs too
    assert document["version"] == JSON_FEED_VERSION == "https://jsonfeed.org/version/1.1"
    assert document["title"] == "Newsroom News Feed"
    assert document["home_page_url"] == "https://news.example.org"
    assert document["feed_url"] == "https://news.example.org/feeds/all/feed.json"
    assert document["description"] == "Latest news from the newsroom"
    assert document["language"] == "en"
    assert isinstance(document["items"], list)
    assert "next_url" not in document


def test_item_maps_every_card_field(make_feed, make_card):
    # GIVEN a complete card
    item = json.loads(render_json_feed(make_feed(), [make_card()]))["items"][0]

    # THEN each item has a string id and content_text (one of content_text/content_html is required)
    assert item["id"] == "a1b2c3"
    assert item["url"] == "https://news.example.org/news/ukraine-air-defence-package"
    assert item["title"] == "Ukraine and partners agree on air defence package"
    assert item["summary"] == item["content_text"] == "Ministers meeting in Brussels agreed to send more systems."
    assert "content_html" not in item
    assert item["image"] == "https://img.example.org/2025/07/kyiv.jpg"
    assert item["date_published"] == "2025-07-03T09:30:00Z"
    assert item["date_modified"] == "2025-07-03T10:15:00Z"
    assert item["authors"] == [{"name": "Olena Kovalenko"}, {"name": "John Smith"}]
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
        },
    }


def test_item_without_summary_or_image_still_has_content_and_no_nulls(make_feed, make_card):
    # GIVEN a bare card
    bare = make_card(summary=None, lead_image=None, tags=[], authors=[])

    # WHEN rendered
    item = json.loads(render_json_feed(make_feed(language=None), [bare]))["items"][0]

    # THEN content_text falls back to the headline and absent fields are omitted, never null
    assert item["content_text"] == bare.headline
    for absent in ("summary", "image", "authors", "tags"):
        assert absent not in item
    assert None not in item.values()
    assert "image" not in item["_newsroom"]


def test_empty_feed_is_valid_with_an_empty_items_list(make_feed):
    document = json.loads(render_json_feed(make_feed(), []))
    assert document["items"] == []


def test_next_url_links_the_following_page(make_feed):
    next_url = "https://news.example.org/feeds/all/feed-2.json"
    document = json.loads(render_json_feed(make_feed(), [], next_url=next_url))
    assert document["next_url"] == next_url


def test_hostile_text_round_trips_as_data(make_feed, make_card, make_image, hostile):
    # GIVEN hostile text in every free-text field
    raw, expected = hostile
    hostile_card = make_card(
        headline=raw, summary=raw, authors=[raw], tags=[raw], lead_image=make_image(caption=raw, credit=raw)
    )

    # WHEN rendered and parsed back
    body = render_json_feed(make_feed(title=raw), [hostile_card])
    document = json.loads(body.decode("utf-8"))
    item = document["items"][0]

    # THEN the text is intact apart from the illegal characters, and non-ASCII is not \\u-escaped
    assert document["title"] == item["title"] == item["summary"] == expected
    assert item["authors"] == [{"name": expected}]
    assert item["tags"] == [expected]
    assert item["_newsroom"]["image"]["caption"] == expected
    assert "Київ".encode() in body


def test_unsafe_urls_are_left_out(make_feed, make_card, make_image):
    evil = make_card(url="javascript:alert(1)", lead_image=make_image(url="data:image/png;base64,AAAA"))
    item = json.loads(render_json_feed(make_feed(), [evil]))["items"][0]
    assert "url" not in item
    assert "image" not in item
    assert b"javascript" not in render_json_feed(make_feed(), [evil])


def test_ukrainian_feed(make_feed, make_uk_card):
    feed = make_feed(name="lang#uk", title="Стрічка новин", language="uk")
    document = json.loads(render_json_feed(feed, [make_uk_card()]))
    assert document["title"] == "Стрічка новин"
    assert document["items"][0]["title"] == "Київ отримав нові системи ППО: що відомо"
    assert document["items"][0]["language"] == "uk"
    assert document["items"][0]["tags"] == ["Україна", "Оборона"]


def test_output_is_deterministic_whatever_the_card_order(make_feed, make_card):
    # GIVEN the same cards in two orders
    cards = [make_card(id=f"id-{n}", published_at=make_card().published_at - timedelta(minutes=n)) for n in range(5)]

    # WHEN rendered twice
    first = render_json_feed(make_feed(), cards)
    second = render_json_feed(make_feed(), list(reversed(cards)))

    # THEN the bytes are identical and items are newest first
    assert first == second
    assert [i["id"] for i in json.loads(first)["items"]] == [f"id-{n}" for n in range(5)]
