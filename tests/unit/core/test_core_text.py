"""Plain text from HTML, word counts, reading time and excerpts."""

from __future__ import annotations

import pytest

from shared.enrichment.text import excerpt, html_to_text, reading_time_minutes, word_count

# --------------------------------------------------------------------------------- html_to_text


def test_paragraphs_are_separated_by_a_blank_line_and_inline_markup_is_dropped():
    html = "<p>First paragraph.</p><p>Second <b>bold</b> and <a href='x'>linked</a> text.</p>"
    assert html_to_text(html) == "First paragraph.\n\nSecond bold and linked text."


def test_list_items_become_bullets():
    html = "<p>Intro</p><ul><li>One</li><li>Two <em>more</em></li></ul><ol><li>Three</li></ol>"
    assert html_to_text(html) == "Intro\n\n* One\n\n* Two more\n\n* Three"


def test_headings_quotes_and_figures_are_blocks_of_their_own():
    html = (
        "<h2>Heading</h2><p>Text</p><blockquote>Quote</blockquote>"
        "<figure><img src='a.jpg'><figcaption>Caption</figcaption></figure>"
    )
    assert html_to_text(html) == "Heading\n\nText\n\nQuote\n\nCaption"


def test_entities_are_decoded_and_whitespace_collapsed():
    # (the "<" of text that looks like a tag is followed by an invisible word joiner: see inert_text)
    assert html_to_text("<p>Tom &amp; Jerry&nbsp;show\n   at   &lt;noon&gt;</p>") == "Tom & Jerry show at <\u2060noon>"


def test_markup_shown_as_text_stays_inert_and_honest_comparisons_stay_as_written():
    text = html_to_text("<p>&lt;script&gt;alert(1)&lt;/script&gt; costs &lt; 5% &amp; rises &gt; 3%</p>")
    assert text == "<\u2060script>alert(1)<\u2060/script> costs < 5% & rises > 3%"


def test_blank_lines_in_the_source_do_not_split_a_paragraph():
    # GIVEN a CMS that pretty-prints: a blank line inside one <p> is HTML whitespace, not a paragraph break
    html = "<p>The ministers met\n\n    in Brussels.</p>\n\n<p>Next paragraph.</p>"

    # THEN the text has exactly the two paragraphs of the markup
    assert html_to_text(html) == "The ministers met in Brussels.\n\nNext paragraph."


def test_empty_markup_gives_empty_text():
    assert html_to_text("<p> </p><br><ul>\n</ul>") == ""


# ---------------------------------------------------------------------------------- word_count


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Hello world", 2),
        ("", 0),
        ("— … ! ?", 0),
        ("Київ — столиця України", 3),
        ("don't stop", 2),
        ("it’s fine", 2),
        ("a well-known long-term plan", 4),
        ("мʼясо і п'ять", 3),  # U+02BC and ASCII apostrophes inside Ukrainian words
        ("In 2025 there were 3 votes", 6),
        ("* One\n\n* Two", 2),
    ],
)
def test_word_count(text, count):
    assert word_count(text) == count


# ----------------------------------------------------------------------------------- reading time


@pytest.mark.parametrize(
    ("words", "language", "minutes"),
    [
        (300, "en", 2),
        (238, "en", 1),
        (239, "en", 2),
        (476, "en", 2),
        (477, "en", 3),
        (1, "en", 1),
        (0, "en", 1),
        (239, "en-GB", 2),
        (238, "EN", 1),
        (238, "fr", 1),  # unknown languages read at the default (English) rate
        (239, "fr", 2),
    ],
)
def test_reading_time_rounds_up_with_a_minimum_of_one_minute(words, language, minutes):
    assert reading_time_minutes(words, language) == minutes


def test_ukrainian_text_reads_slower_than_english():
    # GIVEN 200 words: under a minute at the English rate
    assert reading_time_minutes(200, "en") == 1

    # THEN Ukrainian (longer words, Cyrillic) takes longer, whatever the region subtag
    assert reading_time_minutes(200, "uk") == 2
    assert reading_time_minutes(200, "uk-UA") == 2


# --------------------------------------------------------------------------------------- excerpt


def test_a_short_lede_is_returned_whole():
    assert excerpt("Short lede.\n\nSecond paragraph.") == "Short lede."


def test_the_lede_skips_leading_bullets():
    assert excerpt("* bullet one\n\n* bullet two\n\nThe real lede.") == "The real lede."


def test_a_long_lede_is_cut_at_a_word_boundary_with_an_ellipsis():
    lede = "Ministers from thirty countries met in Brussels on Thursday to agree a new package"

    # WHEN cut to 40 characters
    cut = excerpt(lede, max_chars=40)

    # THEN it fits, ends with an ellipsis, and what precedes it is whole words of the lede
    assert len(cut) <= 40
    assert cut.endswith("…")
    assert lede.startswith(cut[:-1])
    assert lede[len(cut) - 1] == " "
    assert cut == "Ministers from thirty countries met in…"


def test_the_cut_keeps_every_whole_word_that_fits():
    # GIVEN "Ministers met in Brussels" (25 chars) + "…" = 26 chars, exactly the limit
    cut = excerpt("Ministers met in Brussels today", max_chars=26)

    # THEN the word that fits is not dropped
    assert cut == "Ministers met in Brussels…"


def test_trailing_punctuation_before_the_ellipsis_is_dropped():
    assert excerpt("Hello, world and everyone else", max_chars=10) == "Hello…"


def test_a_single_overlong_word_is_cut_hard():
    cut = excerpt("x" * 300, max_chars=200)
    assert cut == "x" * 199 + "…"
