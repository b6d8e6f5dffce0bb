"""Dates an article mentions, normalized to ISO 8601 against its publication date.

Why: "July 3" means nothing to a search index or a timeline until it has a year. Dates without a
year take the one that puts them nearest the publication date, with dates in the future counting
double (news mostly reports what happened): "July 3" in an article of 2025-07-03 is 2025-07-03,
"December 20" in an article of 2025-01-10 is 2024-12-20 (a date more than about four months ahead
goes to the previous year), and "Jan. 5" in an article of 2025-12-28 is 2026-01-05.

Recognised: "Oct. 4, 2024", "October 4", "4 October 2024", "August 2021", "in 2014" (a bare year
only after a preposition, and not before a lower-case word, so "in 2000 cases" is not a year),
ISO "2025-07-03", "3.07.2025", and Ukrainian "3 липня", "3 липня 2025 року", "у серпні 2021 року",
"серпень 2021", "у 2021 році". Weekday names ("on Monday") are not resolved: too ambiguous.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

from shared.models.article import MentionedDate

_EN_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
# Ukrainian month names by case: genitive ("3 липня"), locative ("у липні"), nominative ("липень").
_UK_GENITIVE = [
    "січня",
    "лютого",
    "березня",
    "квітня",
    "травня",
    "червня",
    "липня",
    "серпня",
    "вересня",
    "жовтня",
    "листопада",
    "грудня",
]
_UK_LOCATIVE = [
    "січні",
    "лютому",
    "березні",
    "квітні",
    "травні",
    "червні",
    "липні",
    "серпні",
    "вересні",
    "жовтні",
    "листопаді",
    "грудні",
]
_UK_NOMINATIVE = [
    "січень",
    "лютий",
    "березень",
    "квітень",
    "травень",
    "червень",
    "липень",
    "серпень",
    "вересень",
    "жовтень",
    "листопад",
    "грудень",
]
_UK_MONTHS = {name: i + 1 for names in (_UK_GENITIVE, _UK_LOCATIVE, _UK_NOMINATIVE) for i, name in enumerate(names)}

# English month names must be capitalised: "may" and "march" are also verbs.
_EN_MONTH = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|Jun\.|June?|Jul\.|July?"
    r"|Aug(?:ust|\.)?|Sep(?:tember|t\.|\.|t)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
_YEAR = r"(?:19|20)\d{2}"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_UK_GEN = "|".join(_UK_GENITIVE)
_UK_LOC = "|".join(_UK_LOCATIVE)
_UK_NOM = "|".join(_UK_NOMINATIVE)

_DATE_RE = re.compile(
    "|".join(
        (
            rf"(?P<iso>\b(?P<iso_y>{_YEAR})-(?P<iso_m>0[1-9]|1[0-2])-(?P<iso_d>0[1-9]|[12]\d|3[01])\b)",
            rf"(?P<dotted>\b(?P<dot_d>0?[1-9]|[12]\d|3[01])\.(?P<dot_m>0?[1-9]|1[0-2])\.(?P<dot_y>{_YEAR})\b)",
            rf"(?P<mdy>\b(?P<mdy_m>{_EN_MONTH})\s+(?P<mdy_d>{_DAY})\b(?:\s*[-–]\s*\d{{1,2}}\b)?"
            rf"(?:,?\s+(?P<mdy_y>{_YEAR})\b)?)",
            rf"(?P<dmy>\b(?P<dmy_d>{_DAY})\s+(?:of\s+)?(?P<dmy_m>{_EN_MONTH})(?:,?\s+(?P<dmy_y>{_YEAR})\b)?)",
            rf"(?P<my>\b(?P<my_m>{_EN_MONTH}),?\s+(?P<my_y>{_YEAR})\b)",
            rf"(?P<ukd>\b(?P<ukd_d>0?[1-9]|[12]\d|3[01])(?:\s*[-–]\s*\d{{1,2}})?\s+(?i:(?P<ukd_m>{_UK_GEN}))\b"
            rf"(?:\s+(?P<ukd_y>{_YEAR})(?:\s+(?:року|р\.))?)?)",
            rf"(?P<ukm>(?i:(?P<ukm_m>{_UK_LOC}|{_UK_NOM}))\s+(?P<ukm_y>{_YEAR})(?:\s+(?:року|р\.))?)",
            rf"(?P<uky>\b(?P<uky_y>{_YEAR})\s+(?:року|році|рік)\b)",
            rf"(?P<year>\b(?i:in|by|of|since|until|after|before|during|from)\s+(?P<year_y>{_YEAR})\b"
            r"(?!\s*[-–]\s*\d|\s+[a-z\d%]|[.,]\d))",
        )
    )
)
_DIGITS_RE = re.compile(r"\d+")
_WINDOW_BEFORE = 24  # "у листопаді 2024", "September 11"
_WINDOW_AFTER = 24  # "4 of September, 2024"
# Future dates weigh double when choosing the year of a date written without one.
_FUTURE_WEIGHT = 2


def _month(name: str) -> int:
    return _EN_MONTHS.get(name[:3].casefold()) or _UK_MONTHS.get(name.casefold(), 0)


def _day(value: str) -> int:
    return int(value.rstrip("stndrh"))


def infer_year(month: int, day: int, published: date) -> int:
    """The year that puts month/day nearest ``published``, counting the future double."""
    best_year, best_cost = published.year, None
    for year in (published.year - 1, published.year, published.year + 1):
        if day > calendar.monthrange(year, month)[1]:
            continue
        delta = (date(year, month, day) - published).days
        cost = delta * _FUTURE_WEIGHT if delta > 0 else -delta
        if best_cost is None or cost < best_cost:
            best_year, best_cost = year, cost
    return best_year


def _value(match: re.Match[str], published: date) -> str | None:
    kind = match.lastgroup or ""
    g = match.group
    if kind == "iso":
        year, month, day = int(g("iso_y")), int(g("iso_m")), int(g("iso_d"))
    elif kind == "dotted":
        year, month, day = int(g("dot_y")), int(g("dot_m")), int(g("dot_d"))
    elif kind in ("mdy", "dmy", "ukd"):
        month = _month(g(f"{kind}_m"))
        day = _day(g(f"{kind}_d"))
        raw_year = g(f"{kind}_y")
        year = int(raw_year) if raw_year else infer_year(month, day, published)
    elif kind in ("my", "ukm"):
        return f"{int(g(f'{kind}_y')):04d}-{_month(g(f'{kind}_m')):02d}"
    elif kind in ("uky", "year"):
        return g(f"{kind}_y")
    else:
        return None
    if not 1 <= month <= 12 or day > calendar.monthrange(year, month)[1]:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _windows(text: str) -> list[tuple[int, int]]:
    """Stretches of text around digits, merged. Every date form has a digit, so the (slow) full
    pattern only runs where one is: a few short windows instead of the whole article."""
    windows: list[tuple[int, int]] = []
    for digits in _DIGITS_RE.finditer(text):
        start = max(0, digits.start() - _WINDOW_BEFORE)
        end = min(len(text), digits.end() + _WINDOW_AFTER)
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        while end < len(text) and not text[end].isspace():
            end += 1
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


def mentioned_dates(text: str, published_at: datetime) -> list[MentionedDate]:
    """Dates in ``text`` as ``{text, value}``, unique by value, in order of first mention."""
    published = published_at.date()
    seen: set[str] = set()
    found: list[MentionedDate] = []
    for start, end in _windows(text):
        for match in _DATE_RE.finditer(text[start:end]):
            value = _value(match, published)
            if value is None or value in seen:
                continue
            seen.add(value)
            written = match.group("year_y") if match.lastgroup == "year" else match.group()
            found.append(MentionedDate(text=" ".join(written.split()), value=value))
    return found
