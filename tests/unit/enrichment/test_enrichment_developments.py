"""Key developments: HTML lists and text bullets after a lead-in, English and Ukrainian."""

from __future__ import annotations

from shared.enrichment.developments import key_developments
from shared.enrichment.text import html_to_text
from tests.unit.enrichment.texts import RECOGNITION_EN


def test_bullets_run_together_on_one_line() -> None:
    # GIVEN a teaser whose bullets were flattened onto the lead-in's line
    # WHEN key developments are read from the text
    items = key_developments(RECOGNITION_EN)
    # THEN each bullet is a separate clean string
    assert items == [
        "Putin tells Trump that Russia will not give up its war aims in Ukraine",
        "Senior Russian Navy officer killed in Ukrainian strike on Kursk Oblast",
        "Ukraine agrees drone co-production deal with a U.S. company, Zelensky says",
    ]


def test_html_list_after_lead_in_top_level_items_only() -> None:
    # GIVEN HTML with a lead-in heading, a list with a nested list, and an unrelated list later
    html = (
        "<p>Intro.</p><h3>Key developments on July 3:</h3>"
        "<ul><li>Putin <b>tells</b> Trump</li><li>Navy officer killed<ul><li>detail</li></ul></li>"
        "<li>Drones &amp; deals</li></ul><p>Body text.</p><ul><li>Unrelated</li></ul>"
    )
    # WHEN key developments are read
    items = key_developments(html_to_text(html), html)
    # THEN only the top-level items of the announced list come back, entities decoded
    assert items == ["Putin tells Trump", "Navy officer killed", "Drones & deals"]


def test_ordered_list_and_lead_in_inside_a_paragraph() -> None:
    html = "<p><strong>Key updates:</strong></p><ol><li>First</li><li>Second</li></ol>"
    assert key_developments(html_to_text(html), html) == ["First", "Second"]


def test_text_bullets_one_per_paragraph() -> None:
    text = "Latest developments:\n\n* One thing\n\n* Another thing\n\nThe story continues here."
    assert key_developments(text) == ["One thing", "Another thing"]


def test_ukrainian_lead_ins() -> None:
    # GIVEN Ukrainian lead-ins with text bullets and an HTML list
    text = "Головне за 3 липня:\n\n* Перша подія\n\n* Друга подія\n\nДалі звичайний текст."
    html = "<p>Ключові події:</p><ul><li>Перше</li><li>Друге</li></ul>"
    # THEN both lists are read
    assert key_developments(text) == ["Перша подія", "Друга подія"]
    assert key_developments(html_to_text(html), html) == ["Перше", "Друге"]


def test_no_lead_in_no_list() -> None:
    # GIVEN an ordinary article with a list but no lead-in
    html = "<p>Ingredients of the deal:</p><ul><li>Gas</li><li>Grain</li></ul>"
    # THEN nothing is a key development
    assert key_developments(html_to_text(html), html) == []


def test_live_blog_opening_list_counts_without_lead_in() -> None:
    # GIVEN a list that opens the body
    html = "<ul><li>Live one</li><li>Live two</li></ul><p>Body</p>"
    # THEN it is the summary for a live blog, not for an article
    assert key_developments(html_to_text(html), html, "live_blog") == ["Live one", "Live two"]
    assert key_developments(html_to_text(html), html, "article") == []
