"""Mapping a stored submission to the article models readers see (light: no enrichment imported)."""

from __future__ import annotations

from shared.enrichment.credits import parse_credit
from shared.models.article import Author, LeadImage
from shared.models.stored import SanitizedSubmission


def lead_image(submission: SanitizedSubmission) -> LeadImage | None:
    image = submission.lead_image
    if image is None:
        return None
    parts = parse_credit(image.credit)
    return LeadImage(
        url=image.url,
        caption=image.caption,
        credit=image.credit,
        alt_text=image.alt_text,
        width=image.width,
        height=image.height,
        photographer=parts.photographer,
        agency=parts.agency,
        distributor=parts.distributor,
    )


def authors(submission: SanitizedSubmission) -> list[Author]:
    return [Author(**a.model_dump()) for a in submission.authors]
