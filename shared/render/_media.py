"""A lead image in the places feed readers look for one: shared by the RSS and Atom renderers.

Readers differ: podcast-era clients read the RSS ``enclosure`` (Atom ``link rel="enclosure"``), most
news readers read Media RSS ``media:thumbnail``, and a few read ``media:content`` with its caption and
credits. All three are written, pointing at the same image.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from shared.models.article import LeadImage
from shared.render._common import image_credit_line, image_media_type, image_size, optional_text, safe_url
from shared.render._xml import sub

# Our image records carry pixel sizes but no byte length. The RSS Best Practices Profile says to write
# length="0" when the size cannot be determined; the W3C validator accepts any integer >= 0 and
# feedparser passes the value through. Atom's length is optional, so Atom omits it instead.
UNKNOWN_LENGTH = "0"
DEFAULT_IMAGE_TYPE = "image/jpeg"


def image_url(image: LeadImage | None) -> str | None:
    """The lead image's URL when it is safe to publish, else None."""
    return safe_url(image.url) if image is not None else None


def image_type(url: str) -> str:
    """The image's media type from its extension, JPEG when unknown (enclosure ``type`` is required)."""
    return image_media_type(url) or DEFAULT_IMAGE_TYPE


def add_rss_enclosure(item: ET.Element, image: LeadImage | None) -> None:
    """``<enclosure url length type>``: all three attributes are required by RSS 2.0."""
    url = image_url(image)
    if url:
        sub(item, "enclosure", attrs={"url": url, "length": UNKNOWN_LENGTH, "type": image_type(url)})


def add_atom_enclosure(entry: ET.Element, image: LeadImage | None) -> None:
    """``<link rel="enclosure" type href>`` (RFC 4287 4.2.7); ``length`` is left out when unknown."""
    url = image_url(image)
    if url:
        sub(entry, "link", attrs={"rel": "enclosure", "type": image_type(url), "href": url})


def add_media(parent: ET.Element, image: LeadImage | None) -> None:
    """``media:thumbnail`` and ``media:content`` with caption and credits; nothing without a usable URL.

    Written after the item's own text: feedparser treats ``media:description`` like an item
    description, and only an item that already has its summary and content keeps the caption out of
    them. The photographer gets an EBU-role credit, and the full credit line is repeated as an
    unqualified credit because agency attribution ("Anadolu via Getty Images") is part of the licence.
    """
    url = image_url(image)
    if image is None or url is None:
        return
    size = image_size(image)
    sub(parent, "media:thumbnail", attrs={"url": url, **size})
    content = sub(
        parent,
        "media:content",
        attrs={"url": url, "medium": "image", "type": image_media_type(url), **size},
    )
    caption = optional_text(image.caption)
    if caption:
        sub(content, "media:description", caption, {"type": "plain"})
    photographer = optional_text(image.photographer)
    if photographer:
        sub(content, "media:credit", photographer, {"role": "photographer", "scheme": "urn:ebu"})
    credit = image_credit_line(image)
    if credit and credit != photographer:
        sub(content, "media:credit", credit)
