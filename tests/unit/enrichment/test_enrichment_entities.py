"""Entities: gazetteer matches, folding, heuristics for unseen names, and no fragments in any list."""

from __future__ import annotations

from shared.enrichment.entities import DetectedEntity, extract_entities, find_entities
from shared.models.article import Entities
from tests.unit.enrichment.texts import RECOGNITION_EN, RECOGNITION_UK

# Words that must never appear as (or start) an entity name: function words and sentence openers.
COMMON_WORDS = {
    "the",
    "a",
    "an",
    "in",
    "on",
    "at",
    "despite",
    "key",
    "as",
    "however",
    "while",
    "after",
    "since",
    "this",
    "that",
    "it",
    "he",
    "she",
    "they",
    "we",
    "but",
    "and",
    "read",
    "more",
    "news",
    "july",
    "august",
    "december",
    "february",
    "western",
    "official",
    "senior",
    "deputy",
    "recent",
}


def names(entities: Entities) -> dict[str, dict[str, int]]:
    return {
        kind: {e.name: e.mentions for e in getattr(entities, kind)} for kind in ("people", "places", "organizations")
    }


def assert_no_fragments(entities: Entities) -> None:
    allowed_lower = {"of", "the", "for", "von", "der", "de", "bin", "al"}
    for kind in ("people", "places", "organizations"):
        for entity in getattr(entities, kind):
            words = entity.name.replace("-", " ").split()
            assert 1 <= len(words) <= 6, entity.name
            assert entity.name.casefold() not in COMMON_WORDS, entity.name
            assert words[0].casefold() not in COMMON_WORDS, entity.name
            assert words[0][0].isupper(), entity.name
            for word in words[1:]:
                assert word[0].isupper() or word in allowed_lower, entity.name


def test_seed_style_article_people_places_and_organizations() -> None:
    # GIVEN an English wire story in the newsroom's style (Russia recognizes the Taliban)
    # WHEN its entities are extracted
    found = names(extract_entities(RECOGNITION_EN, "en"))
    # THEN the people, places and organizations it names are there, once each
    assert {"Vladimir Putin", "Sergey Lavrov"} <= found["people"].keys()
    assert {"Russia", "Afghanistan", "Moscow", "Ukraine", "North Korea", "Iran"} <= found["places"].keys()
    assert {"Taliban", "TASS", "State Duma", "Kremlin", "NATO"} <= found["organizations"].keys()
    assert "Russia's Supreme Court" in found["organizations"]
    # AND surname-only mentions fold into the full name
    assert found["people"]["Vladimir Putin"] == 3
    assert found["people"]["Sergey Lavrov"] == 2
    assert "Putin" not in found["people"] and "Lavrov" not in found["people"]


def test_seed_style_article_lists_hold_no_fragments_or_common_words() -> None:
    # GIVEN the seed-style story, full of sentence-initial capitals ("Despite", "In", "Key", "The")
    # WHEN its entities are extracted
    entities = extract_entities(RECOGNITION_EN, "en")
    # THEN every name is a proper name, not a fragment or a common word
    assert_no_fragments(entities)
    every = {e.name for kind in ("people", "places", "organizations") for e in getattr(entities, kind)}
    assert not every & {"Despite", "Key", "In", "The", "Since", "Islamist", "Russian", "Afghan"}


def test_possessives_fold_into_the_entity() -> None:
    # GIVEN a place written plain, with a straight and with a curly possessive
    text = "Russia's army advanced. Russia’s navy withdrew. Russia denied it."
    # WHEN entities are extracted
    found = names(extract_entities(text))
    # THEN it is one place with three mentions
    assert found["places"] == {"Russia": 3}


def test_generic_body_takes_the_country_and_folds_bare_mentions() -> None:
    # GIVEN "Russia's Foreign Ministry" named first, then "the Foreign Ministry" alone
    text = (
        "Russia's Foreign Ministry announced the move on Thursday. Later, the Foreign Ministry "
        "published a statement. The Russian Foreign Ministry did not elaborate."
    )
    # WHEN entities are extracted
    found = names(extract_entities(text))
    # THEN the three mentions are one organization named as first written
    assert found["organizations"] == {"Russia's Foreign Ministry": 3}
    assert found["places"] == {"Russia": 1}


def test_initials_and_dotted_abbreviations() -> None:
    # GIVEN a name with initials and "U.S." / "US" spellings of one country
    text = "U.S. Vice President J.D. Vance met JD Vance's staff. The US embassy and the U.K. agreed."
    # WHEN entities are extracted
    found = names(extract_entities(text))
    # THEN the initials match the known person and both spellings are one country
    assert found["people"] == {"JD Vance": 2}
    assert found["places"]["United States"] == 2
    assert found["places"]["United Kingdom"] == 1


def test_people_after_titles_and_surname_folding_for_unknown_names() -> None:
    # GIVEN people the gazetteer does not know, introduced by titles, then by surname alone
    text = (
        "Turkish Foreign Minister Hakan Fidan arrived in Ankara. Senior News Editor Oksana Melnyk "
        "wrote the report. Fidan said talks would continue, and Melnyk added details."
    )
    # WHEN entities are extracted
    found = names(extract_entities(text))
    # THEN each is one person with the surname-only mention folded in
    assert found["people"] == {"Hakan Fidan": 2, "Oksana Melnyk": 2}
    assert "Ankara" in found["places"]


def test_organizations_by_their_head_word_and_places_by_pattern() -> None:
    # GIVEN bodies and settlements the gazetteer does not list
    text = (
        "She studied at Carleton University and later advised the Kyiv City Council. "
        "Shelling hit the village of Novodarivka in Zaporizhzhia Oblast. A Member of Parliament spoke. "
        "The Lutsk Regional Philharmonic and the Desna Wetlands Research Station hosted the Volyn Frame Festival."
    )
    # WHEN entities are extracted
    found = names(extract_entities(text))
    # THEN they are named whole, without a bare "Parliament"
    assert {"Carleton University", "Kyiv City Council"} <= found["organizations"].keys()
    assert {"Lutsk Regional Philharmonic", "Desna Wetlands Research Station", "Volyn Frame Festival"} <= found[
        "organizations"
    ].keys()
    assert "Parliament" not in found["organizations"]
    assert "Member of Parliament" not in found["organizations"]
    assert {"Novodarivka", "Zaporizhzhia Oblast"} <= found["places"].keys()


def test_speech_verbs_and_appositions_name_people() -> None:
    # GIVEN unknown people attributed by speech verbs and described by a role
    text = (
        '"We are ready," said Taras Bondar. Iryna Koval told reporters nothing. '
        "Petro Savchuk, a spokesperson for the agency, declined to comment."
    )
    # WHEN entities are extracted
    found = names(extract_entities(text))
    # THEN all three are people
    assert {"Taras Bondar", "Iryna Koval", "Petro Savchuk"} <= found["people"].keys()


def test_ukrainian_inflected_forms_are_one_entity() -> None:
    # GIVEN Ukrainian text with Росія and Зеленський in several grammatical cases
    text = (
        "Росія атакувала. Росії байдуже. Керована Росією армія. Санкції проти Росію не зупинили. "
        "Зеленський виступив. Делегація Зеленського прибула. Зеленському відповіли."
    )
    # WHEN entities are extracted for a Ukrainian article
    found = names(extract_entities(text, "uk"))
    # THEN each is one entity in its Ukrainian nominative form
    assert found["places"] == {"Росія": 4}
    assert found["people"] == {"Володимир Зеленський": 3}


def test_ukrainian_article_entities() -> None:
    # GIVEN a Ukrainian story with titles, genitive qualifiers and oblique cases
    found = names(extract_entities(RECOGNITION_UK, "uk"))
    # THEN known and unknown names are found in Ukrainian display form
    assert {"Володимир Зеленський", "Дмитро Пєсков", "Сергій Лавров", "Марія Захарова"} <= found["people"].keys()
    assert found["people"]["Хакан Фідан"] == 2  # "Хакан Фідан" and "Фідана"
    assert {"Росія", "Афганістан", "Київ", "Харківська область", "Піщане"} <= found["places"].keys()
    # AND "МЗС Росії" and the later bare "МЗС" are the same ministry
    assert found["organizations"]["МЗС Росії"] == 3
    assert {"Кремль", "Верховна Рада", "ООН", "НАТО", "Талібан"} <= found["organizations"].keys()


def test_display_language_follows_the_article() -> None:
    # GIVEN the same English text read for an English and for a Ukrainian page
    text = "Zelensky met Putin in Istanbul."
    # THEN gazetteer names are shown in the requested language
    assert names(extract_entities(text, "en"))["people"].keys() == {"Volodymyr Zelensky", "Vladimir Putin"}
    assert names(extract_entities(text, "uk"))["people"].keys() == {"Володимир Зеленський", "Володимир Путін"}


def test_mentions_rank_entities_and_index_keeps_offsets() -> None:
    # GIVEN a text mentioning Kyiv twice and Lviv once
    text = "Kyiv woke to sirens. Lviv was quiet. Kyiv later reported damage."
    # WHEN the index is built
    index = find_entities(text)
    # THEN the most mentioned comes first and every mention points at its words
    assert [e.name for e in index.to_model().places] == ["Kyiv", "Lviv"]
    assert [text[m.start : m.end] for m in index.mentions] == ["Kyiv", "Lviv", "Kyiv"]


def test_sentence_initial_words_are_not_names() -> None:
    # GIVEN sentences starting with capitalised common words and title-case fragments
    text = (
        "Despite the warnings, nothing changed. In recent months, Key Figures emerged. "
        "However, Western Officials Said nothing. Following the talks, Moscow responded."
    )
    # WHEN entities are extracted
    entities = extract_entities(text)
    # THEN only Moscow is found
    assert names(entities) == {"people": {}, "places": {"Moscow": 1}, "organizations": {}}


class FakeDetector:
    """Stands in for Amazon Comprehend: returns fixed spans."""

    def __init__(self, found: list[DetectedEntity]) -> None:
        self.found = found
        self.calls: list[tuple[str, str]] = []

    def detect(self, text: str, language: str) -> list[DetectedEntity]:
        self.calls.append((text, language))
        return self.found


def test_detector_port_adds_what_rules_miss_but_never_overrides_them() -> None:
    # GIVEN a detector that finds an unknown company and (wrongly) re-types a known place
    text = "Swift Beat signed a deal in Kyiv."
    detector = FakeDetector(
        [
            DetectedEntity("Swift Beat", "organization", 0, 10),
            DetectedEntity("Kyiv", "person", 29, 33),
        ]
    )
    # WHEN entities are extracted with it
    found = names(extract_entities(text, "en", detector=detector))
    # THEN the company is added and the gazetteer keeps Kyiv a place
    assert found["organizations"] == {"Swift Beat": 1}
    assert found["places"] == {"Kyiv": 1}
    assert found["people"] == {}
    assert detector.calls == [(text, "en")]


def test_empty_text_has_no_entities() -> None:
    assert extract_entities("") == Entities()


def test_unknown_ukrainian_person_in_two_cases_is_one_person_in_the_nominative() -> None:
    # GIVEN a person the gazetteer does not know, named after titles in the genitive and nominative
    text = "Заява речника Сергія Петренка з'явилася вранці. Пізніше речник Сергій Петренко уточнив деталі."
    # WHEN entities are extracted
    found = names(extract_entities(text, "uk"))
    # THEN both forms are one person, shown in the nominative
    assert found["people"] == {"Сергій Петренко": 2}
