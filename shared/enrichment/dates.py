"""Dates an article mentions, normalized to ISO 8601 against its publication date.

Why: "July 3" means nothing to a search index or a timeline until it has a year. Dates without a
year take the one that puts them nearest the publication date, with dates in the future counting
double (news mostly reports what happened): "July 3" in an article of 2025-07-03 is 2025-07-03,
"December 20" in an article of 2025-01-10 is 2024-12-20 (a date more than about four months ahead
goes to the previous year), and "Jan. 5" in an article of 2025-12-28 is 2026-01-05.

Recognised: "Oct. 4, 2024", "October 4", "4 October 2024", "August 2021", "in 2014" (a bare year
only after a preposition, and not before a lower-case word, so "in 2000 cases" is not a year),
"budget for 2026", "in 2022 and 2023", ISO "2025-07-03", "3.07.2025", and Ukrainian "3 липня",
"3 липня 2025 року", "19 і 20 грудня", "у серпні 2021 року", "серпень 2021", "у 2021 році",
"2022–2023 роках".

Relative expressions are resolved against the publication time (its own calendar date, in the
time zone it was given in): "yesterday", "today", "this morning", "tomorrow", "вчора", "сьогодні",
"вранці", "завтра" (a date); "on Monday", "last Friday", "until Sunday", "у понеділок", "в ніч на
понеділок", "до неділі" (a date: the latest such day, or the next one when the sentence speaks of
the future or the word says so: "next", "until", "до"); "last/this/next week", "минулого тижня"
(an ISO week, "2026-W46"); "last/this/next month", "in January", "since September", "у
вересні", "до березня" (a month); "last/this/next year", "торік", "цьогоріч" (a year). A month or a
day without a year takes the nearest year, the future counting double, unless the sentence is in the
future tense ("will", "would", a Ukrainian future verb), which takes the next one.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta
from functools import cache

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
            rf"(?P<ukd>\b(?P<ukd_d>0?[1-9]|[12]\d|3[01])(?:\s*[-–]\s*\d{{1,2}}|\s+(?:і|та|й)\s+(?P<ukd_d2>\d{{1,2}}))?"
            rf"\s+(?i:(?P<ukd_m>{_UK_GEN}))\b"
            rf"(?:\s+(?P<ukd_y>{_YEAR})(?:\s+(?:року|р\.))?)?)",
            rf"(?P<ukm>(?i:(?P<ukm_m>{_UK_LOC}|{_UK_NOM}))\s+(?P<ukm_y>{_YEAR})(?:\s+(?:року|р\.))?)",
            rf"(?P<ukr>\b(?P<ukr_a>{_YEAR})\s*[-–]\s*(?P<ukr_b>{_YEAR})\s+(?:роках|роки|років|рр\.))",
            rf"(?P<uky>\b(?P<uky_y>{_YEAR})\s+(?:року|році|рік)\b)",
            rf"(?P<year>\b(?i:in|by|of|for|since|until|after|before|during|from)\s+(?P<year_y>{_YEAR})\b"
            rf"(?:\s+(?:and|or)\s+(?P<year_z>{_YEAR})\b)?"
            r"(?!\s*[-–]\s*\d|\s+(?!(?:and|or|but|when|after|before|in|at|on|with|to|as|until|because|was|were|is|are"
            r"|has|have|had|will|would|could|should|can|may|might|must|did|does|do|saw|began|ended|remains?"
            r"|the|our|their|his|her|its|we|they|he|she|it|this|that|these|those|there|i|you)\b)[a-z\d%]"
            r"|[.,]\d))",
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


def _values(match: re.Match[str], published: date, future: bool | None) -> list[str]:
    """The ISO values one match stands for (two for "19 і 20 грудня" or "in 2022 and 2023")."""
    kind = match.lastgroup or ""
    g = match.group
    if kind == "ukr":
        return [g("ukr_a"), g("ukr_b")]
    if kind == "year":
        return [g("year_y")] + ([g("year_z")] if g("year_z") else [])
    if kind == "ukd" and g("ukd_d2"):
        month = _month(g("ukd_m"))
        out = []
        for day_text in (g("ukd_d"), g("ukd_d2")):
            day = _day(day_text)
            year = int(g("ukd_y")) if g("ukd_y") else _year_for(month, day, published, future)
            if 1 <= day <= calendar.monthrange(year, month)[1]:
                out.append(f"{year:04d}-{month:02d}-{day:02d}")
        return out
    value = _value(match, published, future)
    return [value] if value else []


def _value(match: re.Match[str], published: date, future: bool | None = None) -> str | None:
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
        year = int(raw_year) if raw_year else _year_for(month, day, published, future)
    elif kind in ("my", "ukm"):
        return f"{int(g(f'{kind}_y')):04d}-{_month(g(f'{kind}_m')):02d}"
    elif kind in ("uky", "year"):
        return g(f"{kind}_y")
    else:
        return None
    if not 1 <= month <= 12 or day > calendar.monthrange(year, month)[1]:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _year_for(month: int, day: int, published: date, future: bool | None) -> int:
    """The year of a day and month written without one: forward in a future sentence, else the nearest."""
    if future:
        year = published.year
        if day <= calendar.monthrange(year, month)[1] and date(year, month, day) >= published:
            return year
        return year + 1
    return infer_year(month, day, published)


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
    found: list[tuple[int, str, str]] = []  # (position, as written, value)
    taken: list[tuple[int, int]] = []
    for start, end in _windows(text):
        for match in _DATE_RE.finditer(text[start:end]):
            position = start + match.start()
            needs_tense = match.lastgroup in ("mdy", "dmy", "ukd") and not match.group(f"{match.lastgroup}_y")
            future = _future(text, position) if needs_tense else None
            written = match.group("year_y") if match.lastgroup == "year" else match.group()
            for value in _values(match, published, future):
                found.append((position, " ".join(written.split()), value))
            taken.append((position, start + match.end()))
    for position, written, value in relative_dates(text, published):
        if not any(a <= position < b for a, b in taken):
            found.append((position, written, value))
    seen: set[str] = set()
    out: list[MentionedDate] = []
    for _position, written, value in sorted(found, key=lambda f: f[0]):
        if value not in seen:
            seen.add(value)
            out.append(MentionedDate(text=written, value=value))
    return out


# -- relative expressions --------------------------------------------------------------------------
_WEEKDAYS_EN = {
    name: index
    for index, names in enumerate(
        (("monday",), ("tuesday",), ("wednesday",), ("thursday",), ("friday",), ("saturday",), ("sunday",))
    )
    for name in names
}
# Ukrainian weekday forms: accusative ("у понеділок", "у середу"), genitive ("до неділі", "з понеділка").
_WEEKDAYS_UK = {
    **dict.fromkeys(("понеділок", "понеділка"), 0),
    **dict.fromkeys(("вівторок", "вівторка"), 1),
    **dict.fromkeys(("середу", "середа", "середи"), 2),
    **dict.fromkeys(("четвер", "четверга"), 3),
    **dict.fromkeys(("п'ятницю", "п'ятниця", "п'ятниці", "пʼятницю", "п’ятницю"), 4),
    **dict.fromkeys(("суботу", "субота", "суботи"), 5),
    **dict.fromkeys(("неділю", "неділя", "неділі"), 6),
}
_EN_MONTH_NAMES = "January|February|March|April|May|June|July|August|September|October|November|December"
_UK_MONTH_ANY = "|".join((*_UK_GENITIVE, *_UK_LOCATIVE, *_UK_NOMINATIVE, "травень", "березень"))
_UNIT_EN = {"week": "week", "month": "month", "year": "year"}
_UNIT_UK = {"тижня": "week", "тиждень": "week", "місяця": "month", "місяць": "month", "року": "year", "рік": "year"}
_OFFSET_EN = {"last": -1, "past": -1, "previous": -1, "this": 0, "current": 0, "next": 1, "coming": 1}
_OFFSET_UK = {
    "минулого": -1,
    "минулий": -1,
    "попереднього": -1,
    "цього": 0,
    "поточного": 0,
    "цей": 0,
    "наступного": 1,
    "наступний": 1,
}
_DAY_WORDS = {
    "yesterday": -1,
    "today": 0,
    "tonight": 0,
    "tomorrow": 1,
    "вчора": -1,
    "учора": -1,
    "позавчора": -2,
    "сьогодні": 0,
    "завтра": 1,
    "післязавтра": 2,
}
_YEAR_WORDS = {"торік": -1, "цьогоріч": 0, "цього року": 0, "этого": 0}
_RELATIVE_PARTS = (
    r"(?P<dayword>\b(?i:yesterday|today|tonight|tomorrow)\b|(?<![\w'’ʼ])(?i:позавчора|вчора|учора|сьогодні"
    r"|післязавтра|завтра)(?![\w'’ʼ]))",
    r"(?P<morning>\b(?i:this)\s+(?:morning|afternoon|evening)\b|(?<![\w'’ʼ])(?i:вранці|зранку|уранці)"
    r"(?![\w'’ʼ]))",
    r"(?P<en_wd>\b(?:(?P<en_wd_mod>on|last|next|this|since|until|till|by|from|before|coming)\s+)?"
    r"(?P<en_wd_day>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)",
    r"(?P<uk_wd>(?<![\w'’ʼ])(?P<uk_wd_mod>(?i:в\s+ніч\s+на|у\s+ніч\s+на|у|в|до|з|із|минулої|минулого"
    r"|наступної|наступного|цієї|цього))\s+(?P<uk_wd_day>(?i:понеділок|понеділка|вівторок|вівторка|середу"
    r"|середи|четвер|четверга|п['’ʼ]ятницю|п['’ʼ]ятниці|суботу|суботи|неділю|неділі))(?![\w'’ʼ]))",
    r"(?P<en_unit>\b(?P<en_unit_mod>(?i:last|past|previous|this|current|next|coming|earlier\s+this"
    r"|later\s+this|early\s+next|late\s+next|later\s+next|early\s+this|late\s+last))\s+"
    r"(?P<en_unit_u>week|month|year)\b)",
    r"(?P<uk_unit>(?<![\w'’ʼ])(?P<uk_unit_mod>(?i:минулого|минулий|попереднього|цього|поточного|наступного"
    r"|наступний))\s+(?P<uk_unit_u>тижня|тиждень|місяця|місяць|року|рік)(?![\w'’ʼ]))",
    r"(?P<uk_year>(?<![\w'’ʼ])(?i:торік|цьогоріч)(?![\w'’ʼ]))",
    r"(?P<en_ago>\b(?P<en_ago_n>(?i:a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2}))\s+"
    r"(?P<en_ago_u>(?i:years?|months?|weeks?|days?))\s+ago\b)",
    r"(?P<uk_ago>(?<![\w'’ʼ])(?:(?P<uk_ago_n>(?i:один|одну|два|дві|три|чотири|п['’ʼ]ять|шість|сім|вісім|дев['’ʼ]ять"
    r"|десять|\d{1,2}))\s+)?(?P<uk_ago_u>(?i:рік|роки|років|місяць|місяці|місяців|тиждень|тижні|тижнів|день|дні|днів))"
    r"\s+тому(?![\w'’ʼ]))",
    rf"(?P<en_month>\b(?P<en_month_mod>(?i:in|since|by|until|till|before|after|from|during|through|last|next"
    rf"|this|early|late|mid|of|on|in\s+early|in\s+late|in\s+mid|from\s+early))\s+"
    rf"(?P<en_month_m>{_EN_MONTH_NAMES})\b(?!\s+\d|,\s*\d))",
    rf"(?P<uk_month>(?<![\w'’ʼ])(?P<uk_month_mod>(?i:у|в|з|із|до|на|від|минулого|наступного|цього|у\s+середині"
    rf"|на\s+початку|наприкінці|в\s+кінці|у\s+кінці))\s+(?P<uk_month_m>(?i:{_UK_MONTH_ANY}))(?![\w'’ʼ])"
    rf"(?!\s+\d))",
)
_RELATIVE_RE = re.compile("|".join(_RELATIVE_PARTS))
# Each kind of expression on its own, so a window is searched only with the kinds its anchor word can end.
_KIND_RE = {re.match(r"\(\?P<(\w+)>", part).group(1): re.compile(part) for part in _RELATIVE_PARTS}  # type: ignore[union-attr]

_FUTURE_EN_RE = re.compile(
    r"\b(?:will|won't|shall|'ll|would|is\s+(?:due|expected|set|scheduled|planned|going)|are\s+(?:due|expected|set"
    r"|scheduled|planned|going)|plans?\s+to|planning\s+to|aims?\s+to|intends?\s+to|upcoming|next)\b",
    re.IGNORECASE,
)
_UK_FUTURE_WORDS = frozenset(
    [
        "буде",
        "будуть",
        "має",
        "мають",
        "планує",
        "планують",
        "планується",
        "заплановано",
        "запланований",
        "запланована",
        "запланували",
        "обіцяє",
        "обіцяють",
        "обіцяв",
        "пообіцяв",
        "пообіцяла",
        "збирається",
        "збираються",
        "наступного",
        "наступної",
    ]
)
_SENTENCE_RE = re.compile(r"[.!?…]\s|\n")


def _sentence(text: str, position: int) -> str:
    starts = [m.end() for m in _SENTENCE_RE.finditer(text, max(0, position - 300), position)]
    start = starts[-1] if starts else max(0, position - 300)
    end_match = _SENTENCE_RE.search(text, position)
    end = end_match.start() + 1 if end_match else len(text)
    return text[start:end]


_WORD_RE = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*")
# Endings of Ukrainian past and future finite verbs ("завершив", "відбудеться", "проведе", "знизить").
_UK_VERB_ENDINGS = ("в", "ла", "ло", "ли", "ть", "ме", "ся", "е", "є", "уть", "ють", "муть")
_PAST_EN = frozenset(["said", "says", "told", "was", "were", "had", "has", "have", "did", "ago", "earlier"])
_FUTURE_EN = frozenset(
    ["will", "won't", "shall", "would", "due", "expected", "scheduled", "planned", "plans", "plan", "upcoming", "next"]
)


def _future(text: str, position: int) -> bool:
    """Is the verb nearest ``position`` in its sentence a future one? "would transfer ... in January" is;
    "said in January that the state would pay" is not (the past "said" is nearer)."""
    sentence_start = max(0, position - 300)
    starts = [m.end() for m in _SENTENCE_RE.finditer(text, sentence_start, position)]
    low = starts[-1] if starts else sentence_start
    end_match = _SENTENCE_RE.search(text, position)
    high = end_match.start() if end_match else len(text)
    best: tuple[int, bool] | None = None
    for match in _WORD_RE.finditer(text, low, high):
        cue = _tense_cue(match.group())
        if cue is None:
            continue
        distance = abs(match.start() - position)
        if best is None or distance < best[0]:
            best = (distance, cue)
    return bool(best and best[1])


@cache
def _tense_cue(word: str) -> bool | None:
    """True for a future cue, False for a past one, None for neither."""
    folded = word.casefold().replace("’", "'").replace("ʼ", "'")
    if folded.isascii():
        if folded in _FUTURE_EN or folded.endswith("'ll"):
            return True
        if folded in _PAST_EN or (len(folded) > 4 and folded.endswith("ed")):
            return False
        return None
    if folded in _UK_FUTURE_WORDS:
        return True
    if len(folded) < 4 or not folded.endswith(_UK_VERB_ENDINGS):
        return None  # only words that can be a finite verb are read by morphology
    from shared.enrichment import morphology  # noqa: PLC0415 - Ukrainian text only: the dictionary is loaded

    verbs = [r.parse.tag.grammemes for r in morphology.readings(folded) if r.pos == "VERB"]
    # Third person only: "Нагадаємо" ("let us recall") is a future form that speaks of nothing ahead.
    future = any("futr" in g and "3per" in g for g in verbs)
    past = any("past" in g for g in verbs)
    if future != past:
        return future
    return None


def _weekday(published: date, weekday: int, forward: bool) -> date:
    """The latest such weekday on or before publication, or the next one on or after it."""
    delta = (weekday - published.weekday()) % 7
    if forward:
        return published + timedelta(days=delta)
    return published - timedelta(days=(published.weekday() - weekday) % 7)


def _week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _shift_month(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def _month_value(month: int, published: date, future: bool | None, modifier: str) -> str:
    modifier = " ".join(modifier.casefold().split())
    if modifier in ("last", "минулого"):
        year = published.year if month < published.month else published.year - 1
    elif modifier in ("next", "наступного"):
        year = published.year if month > published.month else published.year + 1
    elif modifier in ("this", "цього"):
        year = published.year
    elif future or modifier in ("until", "till", "до", "before", "by"):
        year = published.year if month >= published.month else published.year + 1
    elif modifier in ("since", "з", "із", "from", "від"):
        year = published.year if month <= published.month else published.year - 1
    else:
        year = infer_year(month, 15, published) if month != published.month else published.year
    return f"{year:04d}-{month:02d}"


# The words every relative expression ends with. A plain word scan finds them; the full pattern (slow, with
# its modifiers and look-behinds) then runs only on the few characters before each.
_ANCHOR_WORDS = frozenset(
    (
        *["yesterday", "today", "tonight", "tomorrow", "morning", "afternoon", "evening", "week", "month", "year"],
        *(name.casefold() for name in _EN_MONTH_NAMES.split("|")),
        *_WEEKDAYS_EN,
        *(w.replace("’", "'").replace("ʼ", "'") for w in _WEEKDAYS_UK),
        *[
            "позавчора",
            "вчора",
            "учора",
            "сьогодні",
            "післязавтра",
            "завтра",
            "вранці",
            "зранку",
            "уранці",
            "торік",
            "цьогоріч",
        ],
        *_UNIT_UK,
        *_UK_MONTHS,
        "ago",
        "тому",
    )
)
_ANCHOR_KINDS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("yesterday", "today", "tonight", "tomorrow"), ("dayword",)),
    **dict.fromkeys(("позавчора", "вчора", "учора", "сьогодні", "післязавтра", "завтра"), ("dayword",)),
    **dict.fromkeys(("morning", "afternoon", "evening", "вранці", "зранку", "уранці"), ("morning",)),
    **dict.fromkeys(_WEEKDAYS_EN, ("en_wd",)),
    **dict.fromkeys((w.replace("’", "'").replace("ʼ", "'") for w in _WEEKDAYS_UK), ("uk_wd",)),
    **dict.fromkeys(("week", "month", "year"), ("en_unit",)),
    **dict.fromkeys(_UNIT_UK, ("uk_unit",)),
    **dict.fromkeys(("торік", "цьогоріч"), ("uk_year",)),
    **dict.fromkeys((name.casefold() for name in _EN_MONTH_NAMES.split("|")), ("en_month",)),
    **dict.fromkeys(_UK_MONTHS, ("uk_month",)),
    "ago": ("en_ago",),
    "тому": ("uk_ago",),
}
_ANCHOR_BACK = 40  # enough for "in the night to", "у середині", "earlier this"
_ANCHOR_AHEAD = 12  # room for the look-aheads that tell "on July" from "on July 3"


def relative_dates(text: str, published: date) -> list[tuple[int, str, str]]:
    """(position, as written, ISO value) of every relative expression in ``text``."""
    out: list[tuple[int, str, str]] = []
    for match in _relative_matches(text):
        kind = match.lastgroup or ""
        g = match.group
        written = " ".join(match.group().split())
        value: str | None = None
        if kind == "dayword":
            value = (published + timedelta(days=_DAY_WORDS[g("dayword").casefold()])).isoformat()
        elif kind == "morning":
            value = published.isoformat()
        elif kind == "en_wd":
            modifier = (g("en_wd_mod") or "").casefold()
            weekday = _WEEKDAYS_EN[g("en_wd_day").casefold()]
            value = _weekday_value(text, match.start(), published, weekday, modifier).isoformat()
        elif kind == "uk_wd":
            modifier = " ".join(g("uk_wd_mod").casefold().split())
            word = g("uk_wd_day").casefold().replace("’", "'").replace("ʼ", "'")
            value = _weekday_value(text, match.start(), published, _WEEKDAYS_UK[word], modifier).isoformat()
        elif kind == "en_unit":
            value = _unit_value(g("en_unit_u").casefold(), g("en_unit_mod"), published)
        elif kind == "uk_unit":
            value = _unit_value(_UNIT_UK[g("uk_unit_u").casefold()], g("uk_unit_mod"), published)
        elif kind == "uk_year":
            value = str(published.year + _YEAR_WORDS[g("uk_year").casefold()])
        elif kind in ("en_ago", "uk_ago"):
            value = _ago(g(f"{kind}_n"), g(f"{kind}_u"), published)
        elif kind == "en_month":
            month = _EN_MONTHS[g("en_month_m")[:3].casefold()]
            modifier = g("en_month_mod")
            value = _month_value(month, published, _future(text, match.start()), modifier)
        elif kind == "uk_month":
            month = _UK_MONTHS.get(g("uk_month_m").casefold(), 0)
            if month:
                modifier = g("uk_month_mod")
                value = _month_value(month, published, _future(text, match.start()), modifier)
        if value is not None:
            out.append((match.start(), written, value))
    return out


def _anchors(text: str) -> list[tuple[int, int, str]]:
    """(start, end) of the anchor words in ``text``: one ``str.find`` per anchor word (C speed) instead of a
    Python step per word of the text; each hit must stand as a whole word."""
    low = text.lower().replace("’", "'").replace("ʼ", "'")
    if len(low) != len(text):  # a character whose lower case is longer: walk the words instead
        words = ((m.start(), m.end(), m.group().casefold()) for m in _WORD_RE.finditer(text))
        return [w for w in words if w[2] in _ANCHOR_WORDS]
    found = []
    for word in _ANCHOR_WORDS:
        position = low.find(word)
        while position >= 0:
            end = position + len(word)
            before = low[position - 1] if position else " "
            after = low[end] if end < len(low) else " "
            if not (before.isalpha() or before == "'") and not (after.isalpha() or after == "'"):
                found.append((position, end, word))
            position = low.find(word, end)
    return sorted(found)


_QUOTED_RE = re.compile(r"«[^«»]*»|“[^“”]*”|\"[^\"\n]*\"")


def _relative_matches(text: str) -> list[re.Match[str]]:
    """Matches of the full relative pattern, found around the anchor words only.

    "Tomorrow" and "in the morning" inside a quotation belong to the speaker's own time or to no time at
    all ("promises for tomorrow", "a farmer sees it in the morning"), so they are not dates there.
    """
    found: list[re.Match[str]] = []
    last_end = 0
    anchors = _anchors(text)
    quoted = [m.span() for m in _QUOTED_RE.finditer(text)] if anchors else []
    for start, end, word in anchors:
        if end <= last_end:
            continue
        if _ANCHOR_KINDS.get(word, ("",))[0] in ("dayword", "morning") and any(a < start < b for a, b in quoted):
            continue
        window = max(last_end, start - _ANCHOR_BACK)
        limit = min(len(text), end + _ANCHOR_AHEAD)
        for kind in _ANCHOR_KINDS.get(word, ()):
            pattern = _KIND_RE[kind]
            match = pattern.search(text, window, limit)
            while match is not None and match.end() < end:
                match = pattern.search(text, match.end(), limit)
            if match is not None and match.end() == end:
                found.append(match)
                last_end = match.end()
                break
    return found


def _weekday_value(text: str, position: int, published: date, weekday: int, modifier: str) -> date:
    if modifier in ("last", "минулої", "минулого"):
        day = _weekday(published - timedelta(days=1), weekday, forward=False)
    elif modifier in ("next", "наступної", "наступного", "coming"):
        day = _weekday(published + timedelta(days=1), weekday, forward=True)
    elif modifier in ("since", "з", "із", "from") and not _future(text, position):
        day = _weekday(published, weekday, forward=False)
    elif modifier in ("until", "till", "до") or _future(text, position):
        day = _weekday(published, weekday, forward=True)
    else:
        day = _weekday(published, weekday, forward=False)
    return day


_EN_COUNTS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_UK_COUNTS = ("один", "два", "три", "чотири", "п'ять", "шість", "сім", "вісім", "дев'ять", "десять")
_COUNTS = {
    **{word: n for n, word in enumerate(_EN_COUNTS, 1)},
    **{word: n for n, word in enumerate(_UK_COUNTS, 1)},
    **{"a": 1, "an": 1, "одну": 1, "дві": 2},
}


def _ago(count: str | None, unit: str, published: date) -> str | None:
    """ "three years ago" -> the year; "two months ago" -> the month; weeks -> the ISO week; days -> the day."""
    word = (count or "one").casefold().replace("’", "'").replace("ʼ", "'")
    n = int(word) if word.isdigit() else _COUNTS.get(word)
    if n is None:
        return None
    stem = unit.casefold()
    if stem.startswith(("year", "рік", "рок")):
        return str(published.year - n)
    if stem.startswith(("month", "місяц")):
        year, month = _shift_month(published, -n)
        return f"{year:04d}-{month:02d}"
    if stem.startswith(("week", "тиж")):
        return _week(published - timedelta(weeks=n))
    return (published - timedelta(days=n)).isoformat()


def _unit_value(unit: str, modifier: str, published: date) -> str:
    words = modifier.casefold().split()
    offset = _OFFSET_EN.get(words[-1]) if words[-1] in _OFFSET_EN else _OFFSET_UK.get(words[-1], 0)
    if words[-1] == "last" or (len(words) > 1 and words[-1] == "last"):
        offset = -1
    if unit == "week":
        return _week(published + timedelta(weeks=offset or 0))
    if unit == "month":
        year, month = _shift_month(published, offset or 0)
        return f"{year:04d}-{month:02d}"
    return str(published.year + (offset or 0))
