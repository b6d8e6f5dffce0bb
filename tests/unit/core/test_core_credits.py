"""parse_credit: photo credit lines split into photographer, agency and distributor."""

from __future__ import annotations

import pytest

from shared.enrichment.credits import CreditParts, parse_credit


@pytest.mark.parametrize(
    ("credit", "photographer", "agency", "distributor"),
    [
        ("Sefa Karacan/Anadolu via Getty Images", "Sefa Karacan", "Anadolu", "Getty Images"),
        ("(Sefa Karacan/Anadolu via Getty Images)", "Sefa Karacan", "Anadolu", "Getty Images"),
        ("Sefa Karacan / Anadolu via Getty Images", "Sefa Karacan", "Anadolu", "Getty Images"),
        ("Thomas Trutschel/Photothek via Getty Images", "Thomas Trutschel", "Photothek", "Getty Images"),
        ("John Smith/Reuters", "John Smith", "Reuters", None),
        ("(John Smith/Reuters)", "John Smith", "Reuters", None),
        ("Photo: John Smith/Reuters", "John Smith", "Reuters", None),
        ("Photo by Jane Doe/AP", "Jane Doe", "AP", None),
        ("Credit: Jane Doe/AP", "Jane Doe", "AP", None),
        ("Photograph: John Smith/Reuters", "John Smith", "Reuters", None),
        ("Фото: Олена Коваленко/Укрінформ", "Олена Коваленко", "Укрінформ", None),
        ("AFP via Getty Images", None, "AFP", "Getty Images"),
        ("Photothek via Getty Images", None, "Photothek", "Getty Images"),
        ("John Smith via Reuters", "John Smith", None, "Reuters"),
        ("Jean-Luc O'Neil via Reuters", "Jean-Luc O'Neil", None, "Reuters"),
    ],
)
def test_conventional_credits_are_split(credit, photographer, agency, distributor):
    assert parse_credit(credit) == CreditParts(photographer, agency, distributor)


@pytest.mark.parametrize(
    "credit",
    [
        None,
        "",
        "   ",
        "Reuters",  # one name alone: photographer or agency? unknown
        "Getty Images",
        "© 2025 Reuters",
        "Staff/AFP/Getty",
        "John Smith via Reuters via Getty Images",
        "John Smith/Reuters via 123",
        "Pool photo [handout]",
        "/Reuters",
    ],
)
def test_unparseable_credits_give_no_parts(credit):
    assert parse_credit(credit) == CreditParts(None, None, None)
