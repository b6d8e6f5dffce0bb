"""Plain text from sanitized HTML, word counts, reading time and excerpts."""

from __future__ import annotations

import math
import re
from html.parser import HTMLParser

from shared.models.common import inert_text

# Elements that end a block of text: their boundaries become paragraph breaks.
_BLOCKS = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "figure",
        "figcaption",
        "table",
        "tr",
        "td",
        "th",
        "pre",
        "section",
        "article",
        "hr",
    }
)
# A word: letters or digits (any script, so Cyrillic counts), joined by apostrophes or hyphens.
_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")

# Words per minute by primary language subtag. English is the common newsroom figure of ~238 wpm;
# Ukrainian words are longer on average, and silent reading of Cyrillic text runs near 184 wpm.
READING_RATES = {"en": 238, "uk": 184, "ru": 184}
DEFAULT_READING_RATE = 238


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n\n")
        if tag == "li":
            self.parts.append("* ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        # Line breaks in HTML source are just white space; only block elements end a paragraph.
        self.parts.append(data.replace("\r", " ").replace("\n", " "))


def html_to_text(html: str) -> str:
    """Readable plain text: paragraphs separated by a blank line, list items as '* ' bullets.

    A body may show markup as text ("&lt;script&gt;" reads "<script>"); in the plain text every such
    "<" is followed by an invisible word joiner (``inert_text``), so that excerpts, quotes and key
    developments derived from it stay text even where a consumer renders them as HTML.
    """
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    paragraphs = ("".join(parser.parts)).split("\n\n")
    cleaned = (" ".join(p.split()) for p in paragraphs)
    return inert_text("\n\n".join(p for p in cleaned if p))


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p]


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def word_count(text: str) -> int:
    return len(words(text))


def reading_rate(language: str) -> int:
    return READING_RATES.get(language.split("-", maxsplit=1)[0].lower(), DEFAULT_READING_RATE)


def reading_time_minutes(count: int, language: str = "en") -> int:
    """Whole minutes, rounded up, never less than one: ~300 English words read in 2 min."""
    return max(1, math.ceil(count / reading_rate(language)))


def excerpt(text: str, max_chars: int = 200) -> str:
    """The lede (first paragraph), cut at a word boundary with an ellipsis when too long."""
    lede = next((p for p in paragraphs(text) if not p.startswith("* ")), text).strip()
    if len(lede) <= max_chars:
        return lede
    cut = lede[:max_chars]  # one character more than fits, to see whether a word ends there
    cut = cut[: cut.rfind(" ")] if " " in cut else cut[: max_chars - 1]
    return cut.rstrip(" ,;:—-") + "…"
