"""Language detection and the declared-language warning."""

from __future__ import annotations

import pytest

from shared.enrichment.language import detect_language, language_warning
from tests.unit.enrichment.texts import RECOGNITION_EN, RECOGNITION_UK

RUSSIAN = (
    "Россия стала первой страной, которая официально признала правительство талибов. Об этом "
    "сообщило министерство иностранных дел, отметив, что это решение откроет путь к сотрудничеству "
    "в экономике, энергетике и сельском хозяйстве."
)


def test_english_and_ukrainian_articles() -> None:
    assert detect_language(RECOGNITION_EN) == ("en", 1.0)
    assert detect_language(RECOGNITION_UK) == ("uk", 1.0)


def test_russian_is_told_from_ukrainian_by_its_letters() -> None:
    language, confidence = detect_language(RUSSIAN)
    assert language == "ru"
    assert confidence >= 0.8


def test_other_latin_languages_by_function_words() -> None:
    german = "Die Regierung hat am Donnerstag mitgeteilt, dass sie die Entscheidung nicht unterstützt."
    assert detect_language(german)[0] == "de"


@pytest.mark.parametrize("text", ["", "123 456", "—"])
def test_no_letters_is_undetermined(text: str) -> None:
    assert detect_language(text) == ("und", 0.0)


def test_short_text_is_less_certain() -> None:
    assert detect_language("Привіт, світе")[1] < detect_language(RECOGNITION_UK)[1]


def test_declared_language_that_disagrees_is_flagged() -> None:
    # GIVEN Ukrainian text declared as English
    detected, confidence = detect_language(RECOGNITION_UK)
    # THEN a warning names both, and agreeing or unsure detections raise none
    assert language_warning("en", detected, confidence) == "language: declared 'en' but the text reads as 'uk'"
    assert language_warning("uk-UA", detected, confidence) is None
    assert language_warning("en", "uk", 0.5) is None
    assert language_warning(None, detected, confidence) is None
