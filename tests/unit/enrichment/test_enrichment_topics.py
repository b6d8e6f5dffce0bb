"""Topics: editor tags kept first, derived ones from entities and the taxonomy, deduplicated."""

from __future__ import annotations

from shared.enrichment.entities import find_entities
from shared.enrichment.topics import derive_topics, merge_topics, taxonomy_topics
from shared.models.article import Topic
from tests.unit.enrichment.texts import RECOGNITION_EN, RECOGNITION_UK


def test_editor_tags_first_then_derived_without_case_duplicates() -> None:
    # GIVEN editor tags that overlap derived ones in a different case
    tags = ["afghanistan", "Breaking", "Breaking"]
    # WHEN topics are derived for the story
    topics = derive_topics(RECOGNITION_EN, find_entities(RECOGNITION_EN), tags, "en")
    # THEN editor tags come first as given, derived ones follow, none repeated
    assert topics[:2] == [Topic(name="afghanistan", derived=False), Topic(name="Breaking", derived=False)]
    names = [t.name.casefold() for t in topics]
    assert len(names) == len(set(names))
    assert "afghanistan" in names and names.count("afghanistan") == 1
    derived = [t.name for t in topics if t.derived]
    assert {"Taliban", "Russia", "Vladimir Putin"} <= set(derived)
    assert {"Diplomacy", "War in Ukraine", "Human rights"} <= set(derived)


def test_taxonomy_needs_enough_distinct_keywords() -> None:
    assert [r.id for r in taxonomy_topics("The sanctions package was discussed.")] == []
    ids = [r.id for r in taxonomy_topics("New sanctions and an oil embargo were agreed.")]
    assert ids == ["sanctions"]
    # Whole-word keywords do not match inside other words ("мзс=" is not "мзсх").
    assert [r.id for r in taxonomy_topics("Human rights groups protested.")] == ["human-rights"]


def test_ukrainian_topics_are_in_ukrainian() -> None:
    topics = derive_topics(RECOGNITION_UK, find_entities(RECOGNITION_UK, "uk"), [], "uk")
    names = {t.name for t in topics}
    assert {"Росія", "Дипломатія"} <= names
    assert all(t.derived for t in topics)


def test_merge_keeps_editor_spelling_and_drops_blank_tags() -> None:
    assert merge_topics(["  Kyiv  ", "", "kyiv"], ["KYIV", "Lviv"]) == [
        Topic(name="Kyiv", derived=False),
        Topic(name="Lviv", derived=True),
    ]
