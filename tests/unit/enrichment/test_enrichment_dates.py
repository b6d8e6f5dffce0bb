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
