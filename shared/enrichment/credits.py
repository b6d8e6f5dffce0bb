"""Photo credit lines split into photographer, agency and distributor.

Newsroom credits follow a few conventions: "Photographer/Agency via Distributor",
"Photographer/Agency", "Agency via Distributor", "Photographer via Distributor", optionally wrapped
in parentheses or prefixed with "Photo:". A credit that fits none of them keeps only its raw text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# "Photo: ", "Photograph by ", "Credit - ", "Фото: ": a label, then a colon or dash, or "by".
_PREFIX = re.compile(r"^(?:photo(?:graph)?|image|credit|фото)\b(?:\s*[:\-–—]\s*|\s+by\s+)", re.IGNORECASE)
_VIA = re.compile(r"\s+via\s+|\s+через\s+", re.IGNORECASE)
# A name part: letters, spaces, dots, apostrophes, hyphens and ampersands; no digits or brackets.
_PART = re.compile(r"^[^\W\d_][\w .'’&\-]{0,79}$")


@dataclass(frozen=True)
class CreditParts:
    photographer: str | None = None
    agency: str | None = None
    distributor: str | None = None


def _part(value: str) -> str | None:
    value = value.strip(" .,;")
    return value if _PART.match(value) else None


def parse_credit(credit: str | None) -> CreditParts:
    """Split a credit; every part is None when it does not parse."""
    if not credit:
        return CreditParts()
    text = credit.strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    text = _PREFIX.sub("", text.strip())
    pieces = _VIA.split(text)
    if len(pieces) > 2:
        return CreditParts()
    source, distributor_raw = (pieces[0], pieces[1]) if len(pieces) == 2 else (pieces[0], None)
    distributor = _part(distributor_raw) if distributor_raw is not None else None
    if distributor_raw is not None and distributor is None:
        return CreditParts()
    names = [n for n in source.split("/")]
    if len(names) > 2:
        return CreditParts()
    parsed = [_part(n) for n in names]
    if any(p is None for p in parsed):
        return CreditParts()
    if len(parsed) == 2:
        return CreditParts(photographer=parsed[0], agency=parsed[1], distributor=distributor)
    single = parsed[0]
    if distributor is None:
        # One name and nothing else: we cannot tell a photographer from an agency.
        return CreditParts()
    # "X via Getty Images": a person's name has at least two words starting with capitals.
    if _looks_like_person(single or ""):
        return CreditParts(photographer=single, distributor=distributor)
    return CreditParts(agency=single, distributor=distributor)


def _looks_like_person(name: str) -> bool:
    words = name.split()
    return 2 <= len(words) <= 4 and all(w[0].isupper() for w in words) and not name.isupper()
