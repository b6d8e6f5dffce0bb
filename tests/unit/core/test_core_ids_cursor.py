"""Article ids (ULIDs) and the opaque feed cursors."""

from __future__ import annotations

import base64
import json
import re

import pytest

from shared.errors import InvalidInput
from shared.ids import is_article_id, new_article_id
from shared.service.cursor import decode_cursor, encode_cursor

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SORT_KEY = "2025-07-03T09:30:00.123456Z#01JZ0000000000000000000042"


def raw_cursor(data: object) -> str:
    """A cursor with any JSON inside, encoded the way the API encodes its own."""
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


# -------------------------------------------------------------------------------------- ids


def test_a_new_id_is_a_26_char_crockford_ulid():
    article_id = new_article_id()
    assert len(article_id) == 26
    assert set(article_id) <= set(CROCKFORD)
    assert is_article_id(article_id)


def test_the_first_ten_characters_encode_the_millisecond_timestamp():
    # GIVEN a known creation time
    now_ms = 1_751_535_000_123

    # WHEN an id is made for it
    article_id = new_article_id(now_ms=now_ms)

    # THEN decoding the 48-bit time part (10 base32 chars) gives it back
    value = 0
    for ch in article_id[:10]:
        value = value * 32 + CROCKFORD.index(ch)
    assert value == now_ms


def test_ids_sort_by_creation_time():
    times = [1_700_000_000_000, 1_700_000_000_001, 1_700_000_001_000, 1_800_000_000_000]
    ids = [new_article_id(now_ms=t) for t in times]
    assert ids == sorted(ids)


def test_ids_made_in_the_same_millisecond_are_distinct():
    assert len({new_article_id(now_ms=1_751_535_000_000) for _ in range(200)}) == 200


@pytest.mark.parametrize(
    "value",
    [
        "",
        "01jz0000000000000000000042",  # lower case
        "01JZ000000000000000000004",  # 25 chars
        "01JZ00000000000000000000420",  # 27 chars
        "01JZ0000000000000000000I42",  # I, L, O and U are not Crockford digits
        "01JZ0000000000000000000L42",
        "01JZ0000000000000000000O42",
        "01JZ0000000000000000000U42",
        "../../../../etc/passwd00000",
        "01JZ0000000000000000000042\n",
    ],
)
def test_is_article_id_rejects_anything_else(value):
    assert not is_article_id(value)


# ----------------------------------------------------------------------------------- cursor


@pytest.mark.parametrize("feed", ["all", "section#news", "lang#uk", "tag#україна"])
def test_a_cursor_round_trips_for_its_feed(feed):
    cursor = encode_cursor(feed, SORT_KEY)
    assert decode_cursor(cursor, feed) == SORT_KEY


def test_a_cursor_is_url_safe_without_padding():
    cursor = encode_cursor("tag#україна", SORT_KEY)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", cursor)


def assert_rejected(cursor: str, feed: str = "all") -> None:
    with pytest.raises(InvalidInput) as caught:
        decode_cursor(cursor, feed)
    (problem,) = caught.value.errors
    assert problem.field == "cursor"
    assert problem.type == "cursor_invalid"
    assert caught.value.status == 422


def test_a_cursor_from_another_feed_is_rejected():
    assert_rejected(encode_cursor("section#news", SORT_KEY), feed="all")


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "!!!!",
        "not-a-cursor",
        "курсор",
        "Zm9v",  # base64 of "foo": not JSON
        raw_cursor([1, 2]),
        raw_cursor("k"),
        raw_cursor(None),
        raw_cursor({"f": "all"}),
        raw_cursor({"k": SORT_KEY}),
    ],
)
def test_garbage_is_rejected_naming_the_cursor(cursor):
    assert_rejected(cursor)


@pytest.mark.parametrize(
    "sort_key",
    [
        "HEAD",
        "",
        42,
        None,
        SORT_KEY.lower(),
        SORT_KEY + "#extra",
        SORT_KEY.replace("#", "|"),
        "2025-07-03T09:30:00Z#01JZ0000000000000000000042",  # no microseconds: not a key we issue
        SORT_KEY + "\n",
    ],
)
def test_a_tampered_sort_key_is_rejected(sort_key):
    assert_rejected(raw_cursor({"f": "all", "k": sort_key}))


def test_a_truncated_cursor_is_rejected():
    cursor = encode_cursor("all", SORT_KEY)
    for cut in (1, 5, len(cursor) // 2):
        assert_rejected(cursor[:-cut])
