"""A small, careful XML writer on top of ``xml.etree.ElementTree``.

ElementTree does the escaping (``&``, ``<``, ``>`` and quotes in attributes), so untrusted text never
becomes markup. Namespaced names are written with their prefix (``media:content``) and the ``xmlns:``
declarations go on the root element: that keeps prefixes fixed without
``ElementTree.register_namespace``, which would change process-wide state.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping

from shared.render._common import clean_text

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'

ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
HISTORY_NS = "http://purl.org/syndication/history/1.0"
MEDIA_NS = "http://search.yahoo.com/mrss/"
TOMBSTONES_NS = "http://purl.org/atompub/tombstones/1.0"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_SITEMAP_NS = "http://www.google.com/schemas/sitemap-news/0.9"

Attrs = Mapping[str, str | None]


def _attrs(attrs: Attrs | None) -> dict[str, str]:
    return {name: clean_text(value) for name, value in (attrs or {}).items() if value is not None}


def root(tag: str, attrs: Attrs | None = None) -> ET.Element:
    """The document element, with its namespace declarations among ``attrs``."""
    return ET.Element(tag, _attrs(attrs))


def sub(parent: ET.Element, tag: str, text: str | None = None, attrs: Attrs | None = None) -> ET.Element:
    """Append a child element; its text and attribute values are cleaned of characters XML forbids."""
    element = ET.SubElement(parent, tag, _attrs(attrs))
    if text is not None:
        element.text = clean_text(text)
    return element


def to_bytes(document: ET.Element) -> bytes:
    """UTF-8 bytes with a declaration, indented two spaces: stable across runs and Python versions."""
    ET.indent(document, space="  ")
    return XML_DECLARATION + ET.tostring(document, encoding="unicode").encode("utf-8") + b"\n"
