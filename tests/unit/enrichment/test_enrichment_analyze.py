"""The analyze() entry point over whole articles."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.enrichment.analyze import analyze, detect_language
from shared.enrichment.text import html_to_text
from shared.models.article import Analysis, Quote
from shared.models.common import ArticleKind
from tests.unit.enrichment.texts import RECOGNITION_EN, RECOGNITION_UK

PUBLISHED = datetime(2025, 7, 3, 8, 0, tzinfo=UTC)


def as_html(text: str) -> str:
    return "".join(f"<p>{p}</p>" for p in text.split("\n\n"))


def run(text: str, **overrides: object) -> Analysis:
    options: dict = {
        "declared_language": "en",
        "published_at": PUBLISHED,
        "tags": [],
        "kind": "article",
    }
    options.update(overrides)
    html = as_html(text)
    return analyze(html_to_text(html), html, **options)


def test_full_english_article() -> None:
    # GIVEN the seed-style story as HTML, with editor tags
    result = run(RECOGNITION_EN, tags=["Russia", "Taliban"])
    # THEN every extractor contributed
    assert {"Vladimir Putin", "Sergey Lavrov"} <= {p.name for p in result.entities.people}
    assert [t.name for t in result.topics[:2]] == ["Russia", "Taliban"]
    assert not any(t.derived for t in result.topics[:2])
    assert all(t.derived for t in result.topics[2:])
    assert result.quotes[0].speaker == "Russia's Foreign Ministry"
    assert len(result.key_developments) == 3
    assert [d.value for d in result.dates][:2] == ["2025-07-03", "2021-08"]
    assert result.detected_language == "en"
    assert result.warnings == []


def test_full_ukrainian_article() -> None:
    result = run(RECOGNITION_UK, declared_language="uk", kind=ArticleKind.ARTICLE)
    assert result.detected_language == "uk"
    assert "Володимир Зеленський" in {p.name for p in result.entities.people}
    assert (
        Quote(
            text="Ми не визнаємо жодних змін кордонів силою і не визнаватимемо їх ніколи",
            speaker="Володимир Зеленський",
        )
        in result.quotes
    )
    assert result.warnings == []


def test_wrong_declared_language_is_flagged_not_overridden() -> None:
    # GIVEN Ukrainian copy declared as English
    result = run(RECOGNITION_UK, declared_language="en")
    # THEN a warning says so, the detected language is reported, names read in Ukrainian
    assert result.warnings == ["language: declared 'en' but the text reads as 'uk'"]
    assert result.detected_language == "uk"
    assert "Росія" in {p.name for p in result.entities.places}


def test_missing_declared_language_is_detected() -> None:
    result = run(RECOGNITION_EN, declared_language=None)
    assert result.detected_language == "en" and result.warnings == []


def test_deterministic() -> None:
    assert run(RECOGNITION_EN) == run(RECOGNITION_EN)


def test_empty_article() -> None:
    result = analyze("", "", declared_language="en", published_at=PUBLISHED, tags=["Kyiv"], kind="article")
    assert result.entities.people == [] and result.quotes == [] and result.dates == []
    assert [t.name for t in result.topics] == ["Kyiv"]
    assert result.detected_language == "und"


def test_detect_language_is_exposed() -> None:
    assert detect_language(RECOGNITION_UK)[0] == "uk"
