"""Names of feeds: which feeds an article belongs to, and the key-safe form of a section, tag or language."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from shared.enrichment.slug import transliterate
from shared.models.feed import MAIN_FEED

_SAFE = re.compile(r"[^a-z0-9-]+")


def feed_key_part(value: str) -> str:
    """Lower-case, URL- and key-safe form of a section, tag or language for a feed name.

    Cyrillic is romanized like slugs ("Війна" -> "viina"), so Ukrainian tags get feeds of their own;
    a name with no Latin or Cyrillic letters keeps a stable hash of itself rather than colliding.
    """
    latin = unicodedata.normalize("NFKD", transliterate(value.casefold())).encode("ascii", "ignore").decode()
    return _SAFE.sub("-", latin).strip("-") or "h" + hashlib.sha256(value.encode()).hexdigest()[:12]


def section_feed(section: str) -> str:
    return f"section#{feed_key_part(section)}"


def tag_feed(tag: str) -> str:
    return f"tag#{feed_key_part(tag)}"


def language_feed(language: str) -> str:
    return f"lang#{feed_key_part(language)}"


def feeds_for(section: str, language: str, tags: list[str]) -> list[str]:
    """Every feed index an article belongs to, main feed first."""
    names = [MAIN_FEED, section_feed(section), language_feed(language)]
    names += [tag_feed(t) for t in tags]
    return list(dict.fromkeys(names))
