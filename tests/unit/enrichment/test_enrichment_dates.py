"""Mentioned dates: forms, year inference around the publication date, Ukrainian, order and dedupe."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.enrichment.dates import infer_year, mentioned_dates
from tests.unit.enrichment.texts import RECOGNITION_EN, RECOGNITION_UK

PUBLISHED = datetime(2025, 7, 3, 9, 30, tzinfo=UTC)


def pairs(text: str, published: datetime = PUBLISHED) -> list[tuple[str, str]]:
    return [(d.text, d.value) for d in mentioned_dates(text, published)]


def test_story_dates_in_order_of_first_mention() -> None:
    assert pairs(RECOGNITION_EN) == [
        ("July 3", "2025-07-03"),
        ("August 2021", "2021-08"),
        ("February 2022", "2022-02"),
        ("December 2024", "2024-12"),
    ]


def test_ukrainian_story_dates() -> None:
    assert pairs(RECOGNITION_UK) == [("3 липня", "2025-07-03"), ("серпні 2021 року", "2021-08")]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("on Oct. 4, 2024, in Moscow", "2024-10-04"),
        ("on October 4 2024", "2024-10-04"),
        ("on 4 October 2024", "2024-10-04"),
        ("the 5th of May, 2023", "2023-05-05"),
        ("Sept. 11, 2001", "2001-09-11"),
        ("in 2014, Russia", "2014"),
        ("published 2025-06-01 at noon", "2025-06-01"),
        ("станом на 3.07.2025", "2025-07-03"),
        ("2 лютого 2024 року", "2024-02-02"),
        ("в лютому 2022 р.", "2022-02"),
        ("серпень 2022", "2022-08"),
        ("у 2021 році", "2021"),
        ("14–15 березня", "2025-03-14"),
    ],
)
def test_forms(text: str, value: str) -> None:
    assert [d.value for d in mentioned_dates(text, PUBLISHED)] == [value]


@pytest.mark.parametrize(
    "text",
    ["in 2000 cases", "the 2024 election", "may 5 people", "March 32", "2,014 troops", "page 12 of 40"],
)
def test_non_dates(text: str) -> None:
    assert mentioned_dates(text, PUBLISHED) == []


def test_missing_year_goes_to_the_nearest_sensible_year() -> None:
    # GIVEN month/day mentions without a year
    # THEN a date far in the future of publication belongs to the previous year, and a January date
    # in a late-December article to the next one
    assert infer_year(7, 3, date(2025, 7, 3)) == 2025
    assert infer_year(12, 20, date(2025, 1, 10)) == 2024
    assert infer_year(1, 5, date(2025, 12, 28)) == 2026
    assert infer_year(8, 1, date(2025, 7, 3)) == 2025  # a month ahead is still this year
    assert infer_year(2, 29, date(2025, 3, 1)) == 2024  # only leap years have Feb 29
    assert pairs("The summit on December 20 ended.", datetime(2025, 1, 10, tzinfo=UTC)) == [
        ("December 20", "2024-12-20")
    ]


def test_unique_by_value() -> None:
    assert pairs("On July 3 and again on 3 July, and on July 3, 2025.") == [("July 3", "2025-07-03")]


# -- relative expressions against the publication date ---------------------------------------------------------
WEDNESDAY = datetime(2026, 11, 18, 9, 30, tzinfo=UTC)  # a Wednesday in ISO week 47


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Russian forces struck Kharkiv on Tuesday evening.", "2026-11-17"),
        ("The city will open heating points this morning.", "2026-11-18"),
        ("Rescuers worked through the night and yesterday.", "2026-11-17"),
        ("The minister arrives tomorrow.", "2026-11-19"),
        ("The council met on Wednesday.", "2026-11-18"),  # the publication's own weekday is that day
        ("Ministers will meet on Friday.", "2026-11-20"),  # future tense: the next Friday
        ("Talks were held last Friday.", "2026-11-13"),
        ("They will decide next Tuesday.", "2026-11-24"),
        ("Frosts will last until Sunday.", "2026-11-22"),
        ("Last week, Russia launched 500 drones.", "2026-W46"),
        ("The group meets in Brussels next week.", "2026-W48"),
        ("Prices rose last month.", "2026-10"),
        ("Output fell last year.", "2025"),
        ("The first deliveries are expected early next year.", "2027"),
        ("Вчора ввечері росіяни вдарили по Запоріжжю.", "2026-11-17"),
        ("Сьогодні уряд ухвалив рішення.", "2026-11-18"),
        ("Минулого тижня письменник приїхав на репетицію.", "2026-W46"),
        ("У понеділок прокуратура відкрила справу.", "2026-11-16"),
        ("Банк уже з понеділка знизить ставки.", "2026-11-23"),
        ("Спека протримається до неділі.", "2026-11-22"),
        ("У ніч на понеділок росіяни атакували підстанції.", "2026-11-16"),
        ("Друге читання може відбутися наступного місяця.", "2026-12"),
        ("Торік громадянство отримали 4 тисячі людей.", "2025"),
        ("The film won at Karlovy Vary three years ago.", "2023"),
        ("Two months ago the plant stopped.", "2026-09"),
        ("The bridge reopened a week ago.", "2026-W46"),
        ("Три роки тому завод закрили.", "2023"),
        ("Тиждень тому почалися роботи.", "2026-W46"),
    ],
)
def test_relative_expressions_resolve_against_publication(text: str, value: str) -> None:
    # GIVEN a relative expression in a Wednesday article
    # WHEN its dates are found
    values = [d.value for d in mentioned_dates(text, WEDNESDAY)]
    # THEN it resolves to the day, week, month or year it means
    assert value in values


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # a past-tense report: "31 березня" in a November article is this year's March
        ("Нагадаємо, що 31 березня фонд завершив перегляд програми.", "2026-03-31"),
        ("Since September, troops have tried to cut the roads.", "2026-09"),
        # the future: the next such month
        ("The turbines would arrive in Poland in March.", "2027-03"),
        ("Найважча ситуація буде в січні.", "2027-01"),
        ("The ban was extended until March.", "2027-03"),
        # reported speech in the past: "said in January that ... would" is the past January
        ("The minister said in January that the state would pay.", "2026-01"),
    ],
)
def test_a_month_or_day_without_a_year_follows_the_tense(text: str, value: str) -> None:
    # GIVEN a month or a day written without its year, in a past or future sentence
    published = datetime(2026, 11, 12, tzinfo=UTC) if "January" not in text else datetime(2026, 3, 12, tzinfo=UTC)
    # WHEN its dates are found
    values = [d.value for d in mentioned_dates(text, published)]
    # THEN the year is the nearest one, forward when the nearest verb speaks of the future
    assert value in values


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("The budget for 2026 was amended three times.", ["2026"]),
        ("Prices have doubled since 2023 and keep rising.", ["2023"]),
        ("We need people. Since 2020 our station has lost half its staff.", ["2020"]),
        ("У 2025 році програма завершилася.", ["2025"]),
        ("Projects in 2022 and 2023 were audited.", ["2022", "2023"]),
        ("У 2022–2023 роках ціни завищили.", ["2022", "2023"]),
        ("Перші покази заплановані на 19 і 20 грудня.", ["2026-12-19", "2026-12-20"]),
    ],
)
def test_bare_years_and_coordinated_dates(text: str, values: list[str]) -> None:
    # GIVEN a year after "for"/"since"/"у ... році", two coordinated years, or two days of one month
    # WHEN its dates are found
    found = [d.value for d in mentioned_dates(text, WEDNESDAY)]
    # THEN each is a date of its own
    assert found == values


def test_expressions_that_are_not_dates() -> None:
    # GIVEN a tournament name, a ranged count and a season without its year
    text = "Динамо шукає себе після Євро-2024. In 2000 cases the May rain helped."
    # WHEN its dates are found
    found = [d.value for d in mentioned_dates(text, WEDNESDAY)]
    # THEN none is taken for a date
    assert found == []
