"""Media RSS (``media:content``) for a lead image: shared by the RSS and Atom renderers."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from shared.models.article import LeadImage
from shared.render._common import image_credit_line, image_media_type, optional_text, safe_url
from shared.render._xml import sub


def add_media_content(parent: ET.Element, image: LeadImage | None) -> None:
    """Append ``media:content`` with caption and credits; nothing when there is no usable image URL.

    The photographer gets an EBU-role credit, and the full credit line is repeated as an unqualified
    credit because agency attribution ("Anadolu via Getty Images") is part of the licence terms.
    """
    url = safe_url(image.url) if image else None
    if image is None or url is None:
        return
    content = sub(
        parent,
        "media:content",
        attrs={"url": url, "medium": "image", "type": image_media_type(url)},
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
