"""Schedule expressions as EventBridge and EventBridge Scheduler write them: ``at(...)``, ``rate(...)``,
``cron(...)``, and when each one is next due. Pure: no AWS, no clock of its own.

``cron`` has six fields (minutes, hours, day of month, month, day of week, year) with ``*``, ``?``,
lists, ranges, steps, month and day names, ``L`` (last day of the month) and ``nL`` / ``n#k`` in day
of week; ``W`` is not supported. Day of week counts 1 = Sunday to 7 = Saturday, as in EventBridge.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_AT = re.compile(r"^at\(\s*(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\s*\)$")
_CRON = re.compile(r"^cron\((.*)\)$")
_UNITS: Final = {"minute": 60, "hour": 3600, "day": 86400}
_MONTHS: Final = {name: index for index, name in enumerate(calendar.month_abbr) if name}
_DAYS: Final = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
_HORIZON_DAYS: Final = 366 * 5


class ScheduleError(ValueError):
    """A schedule expression this emulation cannot read."""


def zone(name: str | None) -> dt.tzinfo:
    if not name or name.upper() == "UTC":
        return dt.UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ScheduleError(f"unknown time zone {name!r}") from exc


@dataclass(frozen=True)
class At:
    when: dt.datetime  # aware

    def next_after(self, after: dt.datetime) -> dt.datetime | None:
        return self.when if self.when > after else None


@dataclass(frozen=True)
class Rate:
    seconds: float

    def next_after(self, after: dt.datetime, anchor: dt.datetime) -> dt.datetime:
        """The first tick of anchor + k x period that is later than ``after``."""
        if after < anchor:
            return anchor + dt.timedelta(seconds=self.seconds)
        periods = int((after - anchor).total_seconds() // self.seconds) + 1
        return anchor + dt.timedelta(seconds=self.seconds * periods)


@dataclass(frozen=True)
class _Field:
    values: frozenset[int]
    any: bool


@dataclass(frozen=True)
class Cron:
    minutes: frozenset[int]
    hours: frozenset[int]
    days: str  # the raw day-of-month field ("?" / "*" / list...)
    months: frozenset[int]
    weekdays: str  # the raw day-of-week field
    years: _Field
    tz: dt.tzinfo

    def next_after(self, after: dt.datetime) -> dt.datetime | None:
        local = after.astimezone(self.tz).replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
        day = local.date()
        for _ in range(_HORIZON_DAYS):
            if day.month in self.months and (self.years.any or day.year in self.years.values) and self._day_ok(day):
                for hour in sorted(self.hours):
                    for minute in sorted(self.minutes):
                        candidate = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.tz)
                        if candidate >= local:
                            return candidate.astimezone(dt.UTC)
            day += dt.timedelta(days=1)
        return None

    def _day_ok(self, day: dt.date) -> bool:
        if self.days not in ("?", "*") and not _day_of_month_ok(self.days, day):
            return False
        return self.weekdays in ("?", "*") or _day_of_week_ok(self.weekdays, day)


Expression = At | Rate | Cron


def parse(expression: str, timezone: str | None = None) -> Expression:
    text = expression.strip()
    tz = zone(timezone)
    if match := _AT.match(text):
        naive = dt.datetime.fromisoformat(match.group(1))
        return At(naive.replace(tzinfo=tz).astimezone(dt.UTC))
    if match := _RATE.match(text):
        value, unit = int(match.group(1)), match.group(2).rstrip("s")
        if value <= 0:
            raise ScheduleError(f"rate must be positive: {expression!r}")
        return Rate(float(value * _UNITS[unit]))
    if match := _CRON.match(text):
        return _cron(match.group(1), tz, expression)
    raise ScheduleError(f"not a schedule expression: {expression!r}")


def _cron(body: str, tz: dt.tzinfo, expression: str) -> Cron:
    fields = body.split()
    if len(fields) != 6:
        raise ScheduleError(f"cron needs 6 fields (min hour day-of-month month day-of-week year): {expression!r}")
    minutes, hours, days, months, weekdays, years = fields
    if (days == "?") == (weekdays == "?"):
        raise ScheduleError(f"exactly one of day-of-month and day-of-week must be '?': {expression!r}")
    if "W" in days.upper():
        raise ScheduleError(f"'W' (nearest weekday) is not emulated: {expression!r}")
    year_field = _Field(frozenset(), True) if years == "*" else _Field(_values(years, 1970, 2199, {}), False)
    return Cron(
        minutes=_values(minutes, 0, 59, {}),
        hours=_values(hours, 0, 23, {}),
        days=days.upper(),
        months=_values(months, 1, 12, _MONTHS_UPPER),
        weekdays=weekdays.upper(),
        years=year_field,
        tz=tz,
    )


_MONTHS_UPPER: Final = {name.upper(): index for name, index in _MONTHS.items()}


def _values(field: str, low: int, high: int, names: dict[str, int]) -> frozenset[int]:
    result: set[int] = set()
    for item in field.upper().split(","):
        part, _, step_text = item.partition("/")
        step = int(step_text) if step_text else 1
        if part in ("*", "?"):
            start, end = low, high
        elif "-" in part:
            first, last = part.split("-", 1)
            start, end = _value(first, names), _value(last, names)
        else:
            start = _value(part, names)
            end = high if step > 1 else start
        if not (low <= start <= high and low <= end <= high):
            raise ScheduleError(f"cron value out of range {low}-{high}: {field!r}")
        result.update(range(start, end + 1, step))
    return frozenset(result)


def _value(text: str, names: dict[str, int]) -> int:
    if text in names:
        return names[text]
    try:
        return int(text)
    except ValueError as exc:
        raise ScheduleError(f"not a cron value: {text!r}") from exc


def _day_of_month_ok(field: str, day: dt.date) -> bool:
    last = calendar.monthrange(day.year, day.month)[1]
    if field == "L":
        return day.day == last
    return day.day in _values(field, 1, 31, {})


def _weekday(day: dt.date) -> int:
    """EventBridge's day of week: 1 = Sunday ... 7 = Saturday."""
    return (day.isoweekday() % 7) + 1


def _day_of_week_ok(field: str, day: dt.date) -> bool:
    weekday = _weekday(day)
    if field.endswith("L") and len(field) > 1:  # the last <weekday> of the month
        wanted = _value(field[:-1], _DAYS)
        return weekday == wanted and day.day + 7 > calendar.monthrange(day.year, day.month)[1]
    if "#" in field:  # the k-th <weekday> of the month
        name, nth = field.split("#", 1)
        return weekday == _value(name, _DAYS) and (day.day - 1) // 7 + 1 == int(nth)
    return weekday in _values(field, 1, 7, _DAYS)


def next_due(
    expression: Expression,
    after: dt.datetime,
    *,
    anchor: dt.datetime,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    rate_scale: float = 1.0,
) -> dt.datetime | None:
    """When ``expression`` is next due strictly after ``after`` (None: never again).

    ``anchor`` is when a rate schedule started counting (its StartDate, or when it was first seen);
    ``rate_scale`` > 1 runs rates that many times faster (a local option for tests).
    """
    floor = max(after, start - dt.timedelta(microseconds=1)) if start else after
    if isinstance(expression, At):
        due = expression.when if expression.when > after else None
    elif isinstance(expression, Rate):
        due = Rate(expression.seconds / rate_scale).next_after(floor, start or anchor)
    else:
        due = expression.next_after(floor)
    if due is not None and end is not None and due > end:
        return None
    return due
