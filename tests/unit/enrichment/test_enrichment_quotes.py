"""Quotes: marks, attribution, paragraphs, scare quotes, Ukrainian «» with "— сказав"."""

from __future__ import annotations

import pytest

from shared.enrichment.entities import find_entities
from shared.enrichment.quotes import MIN_WORDS, extract_quotes
from shared.models.article import Quote
from tests.unit.enrichment.texts import RECOGNITION_EN, RECOGNITION_UK


def quotes(text: str, language: str = "en") -> list[Quote]:
    return extract_quotes(text, find_entities(text, language))


def test_statement_attributed_to_the_ministry_named_earlier() -> None:
    # GIVEN a ministry statement quoted after the story named "Russia's Foreign Ministry"
    # WHEN quotes are extracted
    found = quotes(RECOGNITION_EN)
    # THEN the statement is one quote, its speaker the fully named ministry
    assert found == [
        Quote(
            text="Official recognition of the government of the Islamic Emirate will open the way to "
            "productive cooperation between our two countries in many fields",
            speaker="Russia's Foreign Ministry",
        )
    ]


def test_scare_quotes_are_not_quotations() -> None:
    # GIVEN a sentence with one- and two-word scare quotes
    text = 'Putin has described the Taliban as "allies," and Lavrov has called its leaders "sane people."'
    # THEN no quotation is extracted (fewer than MIN_WORDS words and not attributed)
    assert MIN_WORDS == 5
    assert quotes(text) == []


def test_attribution_patterns_and_mark_styles() -> None:
    # GIVEN quotes attributed before and after, with straight and curly marks
    text = (
        'Putin said: "Russia will not back down from its goals."\n\n'
        '"We see no reason to change course," said Lavrov.\n\n'
        "“Curly marks carry the same statement as well,” the ministry said.\n\n"
        'According to Dmitry Peskov, "the Kremlin is ready for talks at any level."\n\n'
        '"We will win," he said.'
    )
    # WHEN quotes are extracted
    found = quotes(text)
    # THEN each has its text and resolved speaker: "he" is the one person named in the sentence before,
    # and "the ministry", which names no body in this text, credits nobody
    assert [(q.speaker, q.text) for q in found] == [
        ("Vladimir Putin", "Russia will not back down from its goals."),
        ("Sergey Lavrov", "We see no reason to change course"),
        (None, "Curly marks carry the same statement as well"),
        ("Dmitry Peskov", "the Kremlin is ready for talks at any level."),
        ("Dmitry Peskov", "We will win"),
    ]


def test_single_quote_marks_quote_and_apostrophes_do_not() -> None:
    # GIVEN British-style copy quoting with single marks, next to possessives, contractions and a '90s
    text = (
        "Olena Shcherban, an analyst, said Ukraine's donors were watching. 'Donors who pay for schools are "
        "watching how quickly such cases end,' she said. The soldiers' families don't get the '90s pensions "
        "they were promised. ‘Last year it took three years on average,’ Shcherban added."
    )
    # WHEN its quotes are found  THEN the two quotations, and nothing from the apostrophes
    found = quotes(text)
    assert [(q.text[:24], q.speaker) for q in found] == [
        ("Donors who pay for schoo", "Olena Shcherban"),
        ("Last year it took three ", "Olena Shcherban"),
    ]


def test_quote_spanning_paragraphs_is_one_quote() -> None:
    # GIVEN a quote left open at the end of a paragraph and continued with an opening mark
    text = (
        '"This is the first paragraph of a long statement that goes on.\n\n'
        '"And this is the second paragraph, which closes it," Zelensky told reporters.\n\n'
        "Then the briefing ended."
    )
    # WHEN quotes are extracted
    found = quotes(text)
    # THEN both paragraphs are one quotation with the speaker from the closing one
    assert found == [
        Quote(
            text="This is the first paragraph of a long statement that goes on. "
            "And this is the second paragraph, which closes it",
            speaker="Volodymyr Zelensky",
        )
    ]


def test_unclosed_mark_without_continuation_is_ignored() -> None:
    # GIVEN a stray opening mark whose paragraph never closes and is not continued
    text = 'The screen was 55" wide and showed "a long message that never closes.\n\nNext paragraph here.'
    # THEN nothing is extracted
    assert quotes(text) == []


def test_ukrainian_guillemets_with_dash_attribution() -> None:
    # GIVEN a Ukrainian story with «» quotes attributed by "— йдеться в заяві" and "— сказав"
    found = quotes(RECOGNITION_UK, "uk")
    # THEN speakers are the resolved entities in Ukrainian
    assert [(q.speaker, q.text.split()[0]) for q in found] == [
        ("МЗС Росії", "Офіційне"),
        ("Володимир Зеленський", "Ми"),
    ]


def test_ukrainian_speaker_before_the_quote() -> None:
    # GIVEN Ukrainian quotes introduced by the speaker
    text = (
        "Зеленський заявив: «Україна готова до переговорів на рівні лідерів».\n\n"
        "За словами Сибіги, «тиск на Росію має зростати щодня»."
    )
    # WHEN quotes are extracted
    found = quotes(text, "uk")
    # THEN the speakers are found in the nominative
    assert [q.speaker for q in found] == ["Володимир Зеленський", "Андрій Сибіга"]


def test_short_attributed_quote_is_kept_and_an_unnamed_source_is_no_speaker() -> None:
    # GIVEN a three-word quote from an unnamed source
    text = '"Nothing has changed," a senior official said.'
    # WHEN quotes are extracted
    found = quotes(text)
    # THEN it is a quotation (attributed, so three words suffice) and the phrase is not a speaker
    assert found == [Quote(text="Nothing has changed", speaker=None)]


def test_quotes_without_entity_index_have_no_speaker() -> None:
    # GIVEN no entity index, so nothing can name the speaker
    text = '"We will keep fighting for every village," said the commander.'
    # WHEN quotes are extracted
    found = extract_quotes(text)
    # THEN the quote is found and credited to nobody rather than to the phrase "the commander"
    assert found == [Quote(text="We will keep fighting for every village", speaker=None)]


def test_second_quote_in_a_paragraph_continues_the_first_speaker() -> None:
    # GIVEN an attributed quote followed by an unattributed one in the same paragraph
    text = (
        '"Every interceptor built in Europe saves lives," Defense Minister Denys Shmyhal told reporters. '
        '"We need them by winter, not by spring."\n\n'
        '"A separate paragraph with enough words here."'
    )
    # THEN the second takes the first one's speaker, and the next paragraph's quote does not
    assert [q.speaker for q in quotes(text)] == ["Denys Shmyhal", "Denys Shmyhal", None]


def test_unclosed_nested_guillemets_across_paragraphs_terminate() -> None:
    # GIVEN unbalanced «« marks with continuation paragraphs (once looped forever)
    text = "Вступ « « без кінця, — сказав він\n\n« продовження » і ще « одна\n\n« і тут » кінець « « «"
    # THEN extraction finishes and returns only well-delimited quotations
    assert all(q.text for q in quotes(text, "uk"))


# -- speakers only with evidence ---------------------------------------------------------------------------------
def test_he_said_needs_a_single_person_in_the_sentence_before() -> None:
    # GIVEN "he said" after a sentence that names two people
    text = (
        "Taras Bondar met Petro Savchuk, a spokesperson for the agency, in Kyiv.\n\n"
        '"The talks went well and will continue next week," he said.'
    )
    # WHEN quotes are extracted
    found = quotes(text)
    # THEN the quote has no speaker rather than a guessed one
    assert [q.speaker for q in found] == [None]


def test_he_said_does_not_reach_past_the_adjacent_sentence() -> None:
    # GIVEN an interview: the interviewer named in the introduction, then a quote two sentences later
    text = (
        "Our correspondent Daniel Brooks spoke to the commander. The weather was cold. The guns were quiet.\n\n"
        '"We will hold this line whatever it takes," he said.'
    )
    # WHEN quotes are extracted
    found = quotes(text)
    # THEN the interviewer named three sentences earlier is not credited
    assert [q.speaker for q in found] == [None]


def test_a_feminine_verb_picks_the_woman_among_two_people() -> None:
    # GIVEN a Ukrainian quote attributed by "сказала вона" after a sentence naming a man and a woman
    text = (
        "Міністр Олег Коваль зустрівся з волонтеркою Іриною Мельник.\n\n"
        "«Нам потрібні генератори для шкіл і лікарень», — сказала вона."
    )
    # WHEN quotes are extracted
    found = quotes(text, "uk")
    # THEN the woman named in the adjacent sentence is the speaker
    assert [q.speaker for q in found] == ["Ірина Мельник"]


def test_a_role_speaks_only_when_one_person_was_given_it() -> None:
    # GIVEN "сказав міністр" after the text introduced one minister, and "сказав тренер" with no coach named
    text = (
        "Міністр закордонних справ Андрій Сибіга зустрівся з послом Франції Гаель Веїссьєр.\n\n"
        "«Нам потрібні не обіцянки, а батареї», — сказав міністр.\n\n"
        "«Ми готові до важкої гри в Кракові», — сказав тренер."
    )
    # WHEN quotes are extracted
    found = quotes(text, "uk")
    # THEN the minister's quote is his, and the coach's has no speaker
    assert [q.speaker for q in found] == ["Андрій Сибіга", None]


@pytest.mark.parametrize(
    "text",
    [
        "«Ми виграли, бо були сильнішими сьогодні», — сказав після гри тренер команди.",
        '"We were the better side for most of the game," the Romanian coach said.',
        '"It was a fair result in the end," said a man in the crowd.',
    ],
)
def test_leftover_phrases_never_become_speakers(text: str) -> None:
    # GIVEN a quote attributed by a phrase that names nobody ("після гри", "the Romanian coach")
    language = "uk" if "«" in text else "en"
    # WHEN quotes are extracted
    found = quotes(text, language)
    # THEN the quote is kept without a speaker
    assert len(found) == 1 and found[0].speaker is None


def test_a_named_speaker_after_the_verb_with_a_title_abbreviation() -> None:
    # GIVEN "said Dr. Olha Rudenko" (the period of "Dr." does not end the sentence)
    text = '"A man who lost his hand cannot wait six months," said Dr. Olha Rudenko, the surgeon.'
    # WHEN quotes are extracted
    found = quotes(text)
    # THEN she is the speaker
    assert [q.speaker for q in found] == ["Olha Rudenko"]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Театр ставить роман Сергія Жадана «Інтернат про війну і дітей Донбасу» цієї зими.", "uk"),
        ('The most talked-about book is "The Sky Over Izium," a diary by a writer.', "en"),
        ('His novel "The Orphanage and the Long Road Home" sold out in a week.', "en"),
    ],
)
def test_titles_of_works_are_not_quotations(text: str, language: str) -> None:
    # GIVEN a title of a work in quote marks, after "роман", "book", "novel", or written in Title Case
    # WHEN quotes are extracted
    found = quotes(text, language)
    # THEN it is not a quotation
    assert found == []
