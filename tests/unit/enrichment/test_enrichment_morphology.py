"""Ukrainian morphology: names and bodies in the nominative, forms of a word, and who pays for the dictionary."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from shared.enrichment import morphology

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("written", "nominative"),
    [
        (["Діком", "Схоофом"], ("Дік", "Схооф")),  # instrumental, a foreign surname the dictionary guesses
        (["Ростислава", "Семківа"], ("Ростислав", "Семків")),  # genitive, not the feminine "Ростислава"
        (["Георгієві", "Тихому"], ("Георгій", "Тихий")),  # dative given name, adjective-like surname
        (["Оксани", "Лисенко"], ("Оксана", "Лисенко")),  # an indeclinable surname keeps its form
        (["Ользі", "Базилевській"], ("Ольга", "Базилевська")),  # a feminine surname stays feminine
        (["Олександрові", "Мережку"], ("Олександр", "Мережко")),
        (["Кая", "Каллас"], ("Кая", "Каллас")),  # already nominative
    ],
)
def test_person_names_are_put_in_the_nominative(written: list[str], nominative: tuple[str, ...]) -> None:
    # GIVEN a person's name as a Ukrainian text writes it, in some case
    # WHEN it is put in the nominative
    result = morphology.person_nominative(written)
    # THEN every word is the dictionary form the case and gender of the whole name agree on
    assert result == nominative


def test_an_unknown_name_that_reads_as_nominative_is_left_as_written() -> None:
    # GIVEN a foreign given name the dictionary does not know, in the nominative
    # WHEN it is put in the nominative
    result = morphology.person_nominative(["Арда", "Туран"])
    # THEN it is not turned into a different name guessed from its ending ("Ард")
    assert result == ("Арда", "Туран")


@pytest.mark.parametrize(
    ("words", "head", "nominative"),
    [
        ("Запорізької обласної військової адміністрації", 3, "Запорізька обласна військова адміністрація"),
        ("Державної служби статистики", 1, "Державна служба статистики"),
        ("Європейського банку реконструкції та розвитку", 1, "Європейський банк реконструкції та розвитку"),
        ("Медичного університету Інсбрука", 1, "Медичний університет Інсбрука"),
        ("Повітряних сил", 1, "Повітряні сили"),  # a plural body stays plural
        ("Лабораторії законодавчих ініціатив", 0, "Лабораторія законодавчих ініціатив"),
    ],
)
def test_bodies_put_their_head_in_the_nominative_and_keep_the_complement(
    words: str, head: int, nominative: str
) -> None:
    # GIVEN a body's name in an oblique case, with its head noun's position
    # WHEN the phrase is put in the nominative
    result = morphology.phrase_nominative(words.split(), head)
    # THEN the head and its adjectives change case, the genitive complement does not
    assert " ".join(result) == nominative


def test_a_lexeme_holds_every_form_of_a_word_and_nothing_else() -> None:
    # GIVEN the dictionary form of "elections"
    # WHEN its forms are listed
    forms = morphology.lexeme("вибори")
    # THEN its cases are there, and "вибору" (of "choice") is not
    assert {"виборів", "виборах", "виборами"} <= forms
    assert "вибору" not in forms


def test_importing_what_the_api_uses_does_not_load_the_dictionary() -> None:
    # GIVEN a fresh interpreter
    probe = (
        "import sys\n"
        "import shared.enrichment.text, shared.enrichment.slug, shared.enrichment.fingerprint\n"
        "import shared.enrichment.analyze\n"
        "print('pymorphy3' in sys.modules, 'pymorphy3_dicts_uk' in sys.modules)\n"
    )
    # WHEN the modules the API and the enrich handler import are imported
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    # THEN neither pymorphy3 nor its dictionary is loaded: only the first Ukrainian article pays for them
    assert out.stdout.split() == ["False", "False"]


def test_an_english_article_never_loads_the_dictionary() -> None:
    # GIVEN a fresh interpreter that analyzes an English article
    probe = (
        "import sys\n"
        "from datetime import UTC, datetime\n"
        "from shared.enrichment.analyze import analyze\n"
        "text = 'Foreign Minister Andrii Sybiha met Kaja Kallas in Brussels on Monday, the ministry said.'\n"
        "analyze(text, '<p>' + text + '</p>', declared_language='en', published_at=datetime(2026, 11, 18, tzinfo=UTC),"
        " tags=[], kind='article')\n"
        "print('pymorphy3' in sys.modules)\n"
    )
    # WHEN it runs
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    # THEN the Ukrainian dictionary was never imported
    assert out.stdout.strip() == "False"
