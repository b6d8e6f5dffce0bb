"""The "Key developments" list of a live blog or teaser, as separate clean strings.

A list counts when a lead-in announces it: "Key developments on July 3:", "Key updates:",
"Latest developments:", "Головне за 3 липня:", "Ключові події:". The items are read from the HTML
when the lead-in is followed by a <ul>/<ol> (top-level <li> only: a nested list stays inside its
item), and otherwise from the text: "* " (or "•", "-", "1.") bullets one per line or paragraph, or
run together on the lead-in's own line ("Key developments on July 3: * A * B * C"), as feeds and
CMS exports often flatten them.

For ``kind="live_blog"`` only, a list that opens the body (nothing but whitespace before the first
<ul>/<ol>) is taken as the summary even without a lead-in: live blogs commonly start with one.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_LEAD_IN = (
    r"(?:(?i:key|main|latest|top)\s+(?i:developments|updates|events)"
    r"|Головне|Головні події|Ключові події|Основні події|Основне)"
    r"(?:\s+(?:on|for|from|as of|за|на|станом на)\s+[^:\n*•]{1,40})?\s*:"
)
_LEAD_IN_RE = re.compile(_LEAD_IN)
_LEAD_IN_AT_END_RE = re.compile(_LEAD_IN + r"\s*$")
_INLINE_BULLET_RE = re.compile(r"(?:^|\s)[*•▪‣●]\s+")
_LINE_BULLET_RE = re.compile(r"^\s*(?:[*•▪‣●]|[-–]|\d{1,2}[.)])\s+")
_MAX_ITEMS = 30
_MAX_ITEM_CHARS = 500


def _clean(item: str) -> str:
    return " ".join(item.split()).strip(" ;")


class _ListAfterLeadIn(HTMLParser):
    """Collects the top-level items of each <ul>/<ol> that directly follows a lead-in."""

    def __init__(self, live_blog: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.live_blog = live_blog
        self.recent = ""  # text since the last list closed
        self.depth = 0  # list nesting while capturing
        self.capturing = False
        self.current: list[str] | None = None
        self.items: list[str] = []
        self.seen_text = False  # any text yet (a live blog's opening list has none before it)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("ul", "ol"):
            if self.capturing:
                self.depth += 1
            elif _LEAD_IN_AT_END_RE.search(self.recent[-300:]) or (
                self.live_blog and not self.items and not self.recent.strip() and not self.seen_text
            ):
                self.capturing, self.depth = True, 1
        elif tag == "li" and self.capturing and self.depth == 1:
            self._flush()
            self.current = []
        elif tag == "br" and self.current is not None:
            self.current.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol") and self.capturing:
            self.depth -= 1
            if self.depth == 0:
                self._flush()
                self.capturing = False
                self.recent = ""
        elif tag == "li" and self.capturing and self.depth == 1:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.capturing:
            if self.current is not None and self.depth == 1:
                self.current.append(data)
            return
        self.recent += data
        if data.strip():
            self.seen_text = True

    def _flush(self) -> None:
        if self.current is not None:
            item = _clean("".join(self.current))
            if item:
                self.items.append(item)
            self.current = None


def _from_html(html: str, live_blog: bool) -> list[str]:
    parser = _ListAfterLeadIn(live_blog)
    parser.feed(html)
    parser.close()
    return parser.items


def _from_text(text: str) -> list[str]:
    items: list[str] = []
    for lead_in in _LEAD_IN_RE.finditer(text):
        rest = text[lead_in.end() :]
        started = False
        for line in rest.split("\n"):
            stripped = line.strip()
            if not stripped:
                continue
            if not started and _INLINE_BULLET_RE.match(" " + stripped):
                # Bullets run together on one line: "* A * B * C".
                parts = _INLINE_BULLET_RE.split(" " + stripped)
                items.extend(_clean(p) for p in parts if _clean(p))
                started = True
                continue
            bullet = _LINE_BULLET_RE.match(stripped)
            if bullet:
                items.append(_clean(stripped[bullet.end() :]))
                started = True
                continue
            if stripped in ("*", "•"):
                continue
            break
    return [i for i in items if i]


def key_developments(text: str, html: str = "", kind: str = "article") -> list[str]:
    """Items of the key-developments list(s), in order, without duplicates."""
    live_blog = kind == "live_blog"
    items: list[str] = []
    if html and "<li" in html.lower() and (live_blog or _LEAD_IN_RE.search(text or html)):
        items = _from_html(html, live_blog)
    if not items and _LEAD_IN_RE.search(text):
        items = _from_text(text)
    unique: list[str] = []
    for item in items:
        clipped = item[:_MAX_ITEM_CHARS]
        if clipped not in unique:
            unique.append(clipped)
    return unique[:_MAX_ITEMS]
