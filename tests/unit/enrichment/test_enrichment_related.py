"""Index keys for "Read more" and relatedness scores."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.enrichment.analyze import analyze
from shared.enrichment.related import MAX_KEYS, index_keys, relatedness
from shared.models.article import Analysis, Entities, Entity, Topic
from tests.unit.enrichment.texts import RECOGNITION_EN, RECOGNITION_EN_OTHER, RECOGNITION_UK

PUBLISHED = datetime(2025, 7, 3, tzinfo=UTC)


def run(text: str, language: str, tags: list[str] | None = None) -> Analysis:
    return analyze(text, "", declared_language=language, published_at=PUBLISHED, tags=tags or [], kind="article")


def test_keys_are_normalized_salient_and_bounded() -> None:
    # GIVEN the analysed story and the editor's tags
    analysis = run(RECOGNITION_EN, "en", ["Russia", "Afghanistan"])
    # WHEN its index keys are computed
    keys = index_keys(analysis, ["Russia", "Afghanistan"])
    # THEN editor tags lead, known entities use gazetteer ids, topics their taxonomy ids
    assert keys[:2] == ["entity:russia", "entity:afghanistan"]
    assert "entity:taliban" in keys[:4]
    assert {"entity:vladimir-putin", "entity:foreign-ministry@russia", "topic:diplomacy"} <= set(keys)
    assert len(keys) == len(set(keys)) <= MAX_KEYS


def test_keys_meet_across_languages() -> None:
    # GIVEN the same event reported in English and in Ukrainian
    en = index_keys(run(RECOGNITION_EN, "en"), [])
    uk = index_keys(run(RECOGNITION_UK, "uk"), [])
    # THEN they share language-independent keys
    assert {"entity:russia", "entity:taliban", "entity:foreign-ministry@russia"} <= set(en) & set(uk)


def test_unknown_names_and_tags_get_slugs() -> None:
    analysis = Analysis(
        entities=Entities(organizations=[Entity(name="Carleton University", mentions=2)]),
        topics=[Topic(name="Opinion Pieces", derived=False)],
    )
    assert index_keys(analysis, ["Opinion Pieces"]) == ["topic:opinion-pieces", "entity:carleton-university"]


def test_relatedness_orders_candidates() -> None:
    # GIVEN a story, another on the same event, and one on a different subject
    a = index_keys(run(RECOGNITION_EN, "en"), [])
    b = index_keys(run(RECOGNITION_EN_OTHER, "en"), [])
    c = ["entity:france", "entity:emmanuel-macron", "topic:elections"]
    # THEN the same-event story scores higher than the unrelated one, and identity scores 1
    assert relatedness(a, a) == 1.0
    assert relatedness(a, b) > relatedness(a, c) == 0.0
    assert relatedness(a, b) == relatedness(b, a)
    assert relatedness([], a) == 0.0


def test_earlier_keys_weigh_more() -> None:
    base = ["entity:russia", "entity:iran", "topic:diplomacy", "entity:china"]
    assert relatedness(base, ["entity:russia"]) > relatedness(base, ["entity:china"])
