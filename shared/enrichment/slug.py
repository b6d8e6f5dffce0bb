"""URL slugs from headlines, with Ukrainian transliterated to Latin.

Ukrainian follows the official national romanization (Cabinet of Ministers resolution 55, 2010):
some letters romanize differently at the start of a word (є -> ye, ї -> yi, й -> y, ю -> yu,
я -> ya), and "зг" becomes "zgh" so it does not read as "zh". Russian-only letters are mapped too, so
a quoted Russian name still gives a readable slug.
"""

from __future__ import annotations

import re
import unicodedata

_UK = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh",
    "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu", "я": "ia",
    # Russian letters absent from Ukrainian
    "ы": "y", "э": "e", "ъ": "", "ё": "io",
}  # fmt: skip
_UK_WORD_START = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
_APOSTROPHES = "'’ʼ`"
_NON_SLUG = re.compile(r"[^a-z0-9]+")
MAX_SLUG_LENGTH = 80


def transliterate(text: str) -> str:
    """Romanize Cyrillic letters; anything else is returned unchanged."""
    out: list[str] = []
    previous = ""
    for ch in text:
        lower = ch.lower()
        if ch in _APOSTROPHES:
            continue  # the Ukrainian apostrophe is not romanized
        if lower in _UK:
            at_word_start = not previous.isalpha()
            if lower == "г" and previous.lower() == "з":
                latin = "gh"
            elif at_word_start and lower in _UK_WORD_START:
                latin = _UK_WORD_START[lower]
            else:
                latin = _UK[lower]
            out.append(latin.capitalize() if ch.isupper() else latin)
        else:
            out.append(ch)
        previous = ch
    return "".join(out)


def slugify(text: str, max_length: int = MAX_SLUG_LENGTH) -> str:
    """Lower-case ASCII words joined by hyphens, cut at a word boundary: never empty."""
    latin = unicodedata.normalize("NFKD", transliterate(text)).encode("ascii", "ignore").decode()
    slug = _NON_SLUG.sub("-", latin.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[: max_length + 1]
        slug = slug[: slug.rfind("-")] if "-" in slug else slug[:max_length]
    return slug or "article"


def numbered(slug: str, attempt: int) -> str:
    """The slug to try on the given attempt: ``slug``, then ``slug-2``, ``slug-3``..."""
    return slug if attempt <= 1 else f"{slug}-{attempt}"
