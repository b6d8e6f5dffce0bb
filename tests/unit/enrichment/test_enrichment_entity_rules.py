"""Entities beyond the gazetteer: people, bodies and places found by context, in both languages.

Each test names a rule family and, where the issue reported one, the failure it must not repeat.
"""

from __future__ import annotations

import pytest

from shared.enrichment.entities import extract_entities
from shared.models.article import Entities


def found(text: str, language: str = "en") -> dict[str, dict[str, int]]:
    entities: Entities = extract_entities(text, language)
    return {
        kind: {e.name: e.mentions for e in getattr(entities, kind)} for kind in ("people", "places", "organizations")
    }


# -- people --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("Viktor Trehubov, spokesperson for the Khortytsia group, said the enemy was regrouping.", "Viktor Trehubov"),
        ("Roksolana Pidlasa, chair of the budget committee, defended the figures.", "Roksolana Pidlasa"),
        ("Iryna Koval, co-chair of the faction, voted against.", "Iryna Koval"),
        ("The work was led by the engineer Taras Hlushko in a small workshop.", "Taras Hlushko"),
        ("Aberdeen striker Kevin Nisbet scored from a corner.", "Kevin Nisbet"),
        ("Shakhtar coach Arda Turan praised the defence.", "Arda Turan"),
        ("The British historian Timothy Garton Ash will speak on Saturday.", "Timothy Garton Ash"),
        ("It was translated by Uilleam Blacker, a lecturer at a London college.", "Uilleam Blacker"),
        ('"We are ready," said Dr. Olha Rudenko, who leads the programme.', "Olha Rudenko"),
    ],
)
def test_english_people_by_title_apposition_and_role(text: str, person: str) -> None:
    # GIVEN a person the gazetteer does not know, introduced by a title, a role or an apposition
    # WHEN entities are extracted
    people = found(text)["people"]
    # THEN the person is found with the full name
    assert person in people


def test_a_name_whose_surname_recurs_alone_is_a_person() -> None:
    # GIVEN a full name with no title, and the surname alone later
    text = "Oksana Levchenko leads a team of sixty. Later, Levchenko pointed to the red markers."
    # WHEN entities are extracted
    people = found(text)["people"]
    # THEN it is one person mentioned twice
    assert people == {"Oksana Levchenko": 2}


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("Як повідомив начальник обласної військової адміністрації Іван Федоров, загиблих двоє.", "Іван Федоров"),
        ("Операцію провів хірург Сергій Риженко.", "Сергій Риженко"),
        ("Політолог Володимир Фесенко вважає, що закон потрібен.", "Володимир Фесенко"),
        ("Після гри головний тренер «гірників» Арда Туран подякував уболівальникам.", "Арда Туран"),
        ("З Діком Схоофом зустрівся президент.", "Дік Схооф"),
        ("Режисером вистави став Ростислав Держипільський.", "Ростислав Держипільський"),
    ],
)
def test_ukrainian_people_by_role_or_given_name_in_the_nominative(text: str, person: str) -> None:
    # GIVEN a Ukrainian person the gazetteer does not know, after a role ("начальник", "хірург",
    # "політолог", "тренер") or with a given name the dictionary knows, in any case
    # WHEN entities are extracted
    people = found(text, "uk")["people"]
    # THEN the person is reported in the nominative
    assert person in people


def test_ukrainian_name_in_several_cases_is_one_person() -> None:
    # GIVEN one person written in the genitive, the nominative and, later, by surname in the instrumental
    text = (
        "Виставу поставив режисер Ростислав Семків. Прем'єру Ростислава Семківа чекали давно. "
        "Із Семківим працювали двадцять акторів."
    )
    # WHEN entities are extracted
    people = found(text, "uk")["people"]
    # THEN there is one person in the nominative, with every mention counted
    assert people == {"Ростислав Семків": 3}


def test_a_dative_given_name_is_not_a_known_persons_surname() -> None:
    # GIVEN "Георгієві" (a dative given name), which shares a stem with the known "Кристаліна Георгієва"
    text = "Речникові МЗС Георгієві Тихому поставили запитання про санкції."
    # WHEN entities are extracted
    people = found(text, "uk")["people"]
    # THEN the person named is Георгій Тихий, and the IMF chief is not there
    assert "Кристаліна Георгієва" not in people
    assert "Георгій Тихий" in people


def test_a_surname_shared_with_a_known_person_goes_to_the_one_named_here() -> None:
    # GIVEN a captain named in full whose surname is also a known politician's alias
    text = "Captain Mykola Matviyenko headed the winner. Matviyenko said the fans deserved it."
    # WHEN entities are extracted
    people = found(text)["people"]
    # THEN both mentions are the captain; the known politician is not there
    assert people == {"Mykola Matviyenko": 2}


@pytest.mark.parametrize(
    ("text", "language", "not_a_person"),
    [
        ("Several players attract interest from clubs in the Premier League.", "en", {"League", "Premier League"}),
        ("Динамо шукає себе після Євро-2024 та зміни поколінь.", "uk", {"Євро", "Євро-2024"}),
        ("Депутати врахують зауваження Головного науково-експертного управління.", "uk", {"Головний"}),
    ],
)
def test_title_rules_do_not_make_people_of_leagues_tournaments_or_bodies(
    text: str, language: str, not_a_person: set[str]
) -> None:
    # GIVEN a title-like word before a capitalized name that is no person's
    # WHEN entities are extracted
    people = found(text, language)["people"]
    # THEN no person is made of it
    assert not set(people) & not_a_person


# -- organizations ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "body"),
    [
        (
            "The European Bank for Reconstruction and Development will lend 250 million euros.",
            "European Bank for Reconstruction and Development",
        ),
        ("The Coordination Headquarters for the Treatment of Prisoners of War said 150 returned.", None),
        ("The Specialized Anti-Corruption Prosecutor's Office filed the case.", None),
        ("He studied at University College London before the war.", "University College London"),
        ("A lecturer at Lviv Polytechnic National University joined the team.", None),
        ("The HALO Trust cleared the field.", "HALO Trust"),
    ],
)
def test_english_bodies_are_named_in_full(text: str, body: str | None) -> None:
    # GIVEN a body whose name runs on with "for", "and", a possessive or a place after its head word
    # WHEN entities are extracted
    organizations = found(text)["organizations"]
    # THEN its whole name is one organization, not cut short
    expected = body or next(n for n in organizations if len(n.split()) >= 3)
    assert expected in organizations
    assert not any(n != expected and expected.startswith(n) for n in organizations)


@pytest.mark.parametrize(
    ("text", "body"),
    [
        # a full name stands on its own; the country stays a place of its own
        ("The case went to Ukraine's High Anti-Corruption Court in June.", "High Anti-Corruption Court"),
        ("Poland's Ministry for Development of Funds signed the grant.", "Ministry for Development of Funds"),
        # a generic name keeps its country: without it, it names no body in particular
        ("Poland's National Bank cut its key rate.", "Poland's National Bank"),
        ("Ukraine's General Staff reported 140 clashes.", "Ukraine's General Staff"),
    ],
)
def test_a_possessive_country_is_kept_only_on_generic_bodies(text: str, body: str) -> None:
    # GIVEN a body named after a country's possessive
    # WHEN entities are extracted
    entities = found(text)
    # THEN the body has the name a reader would look it up by, and the country is a place
    assert body in entities["organizations"]
    assert len(entities["organizations"]) == 1
    assert set(entities["places"]) == {text.split("'", 1)[0].rsplit(maxsplit=1)[-1]}


def test_english_bodies_described_by_their_kind() -> None:
    # GIVEN companies and groups the text describes rather than names by a head word
    text = (
        "Risoil, a grain terminal operator on the Danube, will add storage. Dragon Capital, a Kyiv investment "
        "firm, agreed. Co-chair of the European Solidarity faction spoke. The Khartiia brigade trained recruits."
    )
    # WHEN entities are extracted
    organizations = found(text)["organizations"]
    # THEN each is an organization named as written
    assert {"Risoil", "Dragon Capital", "European Solidarity", "Khartiia"} <= set(organizations)


def test_abbreviations_are_bodies_and_join_their_expansion() -> None:
    # GIVEN a body named in full and then by its abbreviation, and an abbreviation alone
    text = (
        "The European Bank for Reconstruction and Development approved the loan. The EBRD said more would come. "
        "DTEK said its plants were hit."
    )
    # WHEN entities are extracted
    organizations = found(text)["organizations"]
    # THEN the abbreviation counts as a mention of the full name, and the lone one is a body of its own
    assert organizations["European Bank for Reconstruction and Development"] == 2
    assert "DTEK" in organizations and "EBRD" not in organizations


@pytest.mark.parametrize(
    ("text", "body"),
    [
        ("Про це повідомили в Державній службі статистики.", "Державна служба статистики"),
        ("Документи приймає Державна міграційна служба.", "Державна міграційна служба"),
        ("Доцент Київського національного університету імені Тараса Шевченка", None),
        ("Представники Ради Європи приїхали до Києва.", "Рада Європи"),
        ("Головне територіальне управління юстиції у Львівській області повідомило про зміни.", None),
        ("Як зазначили в Угрупованні об'єднаних сил, противник змінив тактику.", "Угруповання об'єднаних сил"),
    ],
)
def test_ukrainian_bodies_by_their_head_noun_in_the_nominative(text: str, body: str | None) -> None:
    # GIVEN a Ukrainian body's name headed by "служба", "міністерство", "університет", "рада", ...
    # WHEN entities are extracted
    organizations = found(text, "uk")["organizations"]
    # THEN it is one organization, in the nominative, with its whole complement
    if body is None:
        assert len(organizations) == 1 and len(next(iter(organizations)).split()) >= 3
    else:
        assert body in organizations


def test_ukrainian_abbreviation_joins_its_expansion_and_region_adjective_stays() -> None:
    # GIVEN "ЄБРР" after the bank's full name, and "Одеської ОВА" before a person
    text = (
        "Європейський банк реконструкції та розвитку виділить кредит. У ЄБРР пояснили умови. "
        "Про це повідомив очільник Одеської ОВА Олег Кіпер."
    )
    # WHEN entities are extracted
    result = found(text, "uk")
    # THEN the abbreviation is a mention of the bank, the administration keeps its region, Kiper is a person
    assert result["organizations"]["Європейський банк реконструкції та розвитку"] == 2
    assert "Одеська ОВА" in result["organizations"]
    assert "Олег Кіпер" in result["people"]


def test_quoted_names_are_bodies_but_titles_of_works_are_not() -> None:
    # GIVEN a party after "фракція", a club quoted twice, and a novel quoted twice
    text = (
        "Проти виступила фракція «Батьківщина». «Шахтар» переміг, а вболівальники «Шахтаря» раділи. "
        "Театр ставить роман «Інтернат»; «Інтернат» уже переклали."
    )
    # WHEN entities are extracted
    organizations = found(text, "uk")["organizations"]
    # THEN the party and the club (in the nominative, mentions counted) are organizations; the novel is not
    assert organizations.get("Шахтар") == 2
    assert "Батьківщина" in organizations
    assert "Інтернат" not in organizations


# -- places and teams ------------------------------------------------------------------------------------------
def test_a_list_of_oblasts_names_oblasts_not_cities() -> None:
    # GIVEN "Kyiv, Chernihiv and Sumy oblasts"
    text = "The Kyiv, Chernihiv and Sumy oblasts were under air raid alerts overnight."
    # WHEN entities are extracted
    places = found(text)["places"]
    # THEN the three oblasts are places and the three cities are not
    assert {"Kyiv Oblast", "Chernihiv Oblast", "Sumy Oblast"} <= set(places)
    assert not {"Kyiv", "Chernihiv", "Sumy"} & set(places)


def test_a_ukrainian_list_of_oblasts_and_a_region_form() -> None:
    # GIVEN a Ukrainian list of oblasts, and "Харківщина" in the locative
    text = "Київська, Чернігівська та Сумська області були під тривогою. На Харківщині тривають бої."
    # WHEN entities are extracted
    places = found(text, "uk")["places"]
    # THEN each is its oblast, named as the gazetteer names it
    assert {"Київська область", "Чернігівська область", "Сумська область", "Харківська область"} <= set(places)


@pytest.mark.parametrize(
    ("text", "language", "place"),
    [
        ("Debris fell in the city's Saltivskyi district.", "en", "Saltivskyi district"),
        ("Troops try to reach the Oskil River.", "en", "Oskil River"),
        ("Бомби влучили в будинки Шевченківського району.", "uk", "Шевченківський район"),
        ("Російські підрозділи рвуться до річки Оскіл з півночі.", "uk", "Оскіл"),
        ("Пожежа охопила ліс у Кінбурнській громаді.", "uk", "Кінбурнська громада"),
    ],
)
def test_districts_rivers_and_communities_are_places(text: str, language: str, place: str) -> None:
    # GIVEN a district, a river or a community the gazetteer does not list
    # WHEN entities are extracted
    places = found(text, language)["places"]
    # THEN it is a place, in the nominative in Ukrainian
    assert place in places


def test_teams_are_organizations_not_their_cities() -> None:
    # GIVEN clubs named with their cities, and a score
    text = (
        "Shakhtar Donetsk beat Aberdeen 3-1 in Krakow. Dynamo Kyiv lost 0-2 to Polissya Zhytomyr. "
        "Shakhtar lead the table."
    )
    # WHEN entities are extracted
    result = found(text)
    # THEN the clubs are organizations (the short "Shakhtar" folds into the full name) and the cities
    # inside their names are not places
    assert {"Shakhtar Donetsk", "Aberdeen", "Dynamo Kyiv", "Polissya Zhytomyr"} <= set(result["organizations"])
    assert result["organizations"]["Shakhtar Donetsk"] == 2
    assert not {"Donetsk", "Kyiv", "Zhytomyr"} & set(result["places"])
    assert "Krakow" in result["places"]
