"""Opaque, stable "Show More" cursors.

A cursor names the feed and the sort key of the last item served. Feed entries are keyed by
``{published_at}#{id}``, so articles published after the first page sort above the cursor and never
shift the pages that follow: no repeats, no gaps.
"""

from __future__ import annotations

import base64
import binascii
import json
import re

from shared.errors import InvalidInput

_SORT_KEY = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z#[0-9A-Z]{26}$")


def encode_cursor(feed: str, sort_key: str) -> str:
    raw = json.dumps({"f": feed, "k": sort_key}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, feed: str) -> str:
    """The sort key to continue after.

    A cursor that is malformed or belongs to another feed is an InvalidInput (422) naming ``cursor``.
    """
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        sort_key = data["k"]
        cursor_feed = data["f"]
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeError):
        raise InvalidInput("cursor", "is not a cursor this API issued", "cursor_invalid") from None
    if not isinstance(sort_key, str) or not _SORT_KEY.fullmatch(sort_key) or cursor_feed != feed:
        raise InvalidInput("cursor", "does not belong to this feed", "cursor_invalid")
    return sort_key
