"""Topics: editor tags kept first, derived ones from entities and the taxonomy, deduplicated."""

from __future__ import annotations

import re

import pytest

from shared.enrichment.entities import find_entities
from shared.enrichment.gazetteer import gazetteer
from shared.enrichment.tokens import is_cyrillic
from shared.enrichment.topics import _pattern, derive_topics, merge_topics, taxonomy_topics
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


# Ukrainian copy written for these tests: one short story per taxonomy topic, in running, inflected text.
UK_TOPIC_TEXTS = {
    "war-in-ukraine": "Уночі росіяни випустили по Україні 120 ударних безпілотників і вісім балістичних ракет. "
    "Протиповітряна оборона знешкодила більшість цілей. На Запоріжжі внаслідок обстрілу загинули двоє людей. "
    "Ситуація на лінії фронту залишається складною.",
    "diplomacy": "Міністр закордонних справ України зустрівся в Брюсселі з послом Німеччини. Сторони обговорили "
    "підготовку до саміту НАТО та мирний план, запропонований Вашингтоном.",
    "human-rights": "Правозахисники зафіксували нові випадки катувань цивільних в окупованому Мелітополі.",
    "sanctions": "Євросоюз ухвалив двадцятий пакет санкцій проти Росії. Обмеження стосуються тіньового флоту, "
    "банків і постачальників мікроелектроніки.",
    "terrorism": "Влада Франції посилила заходи безпеки після теракту в Ніцці. Слідство встановило, що нападник "
    "мав зв'язки з ісламістами.",
    "economy": "Національний банк знизив облікову ставку до 14,5%, оскільки інфляція сповільнюється. Уряд очікує, "
    "що дефіцит державного бюджету скоротиться.",
    "energy": "Після атаки на енергетику в кількох областях запровадили графіки відключень світла. Пошкоджено дві "
    "теплоелектростанції, а імпорт електроенергії з Польщі досяг максимуму.",
    "elections": "Центральна виборча комісія оголосила попередні результати виборів до парламенту Молдови. "
    "Підрахунок бюлетенів триває.",
    "corruption": "НАБУ повідомило про підозру заступнику міністра, якого затримали під час отримання хабаря "
    "у 500 тисяч доларів.",
    "military-aid": "Німеччина передасть Україні дві системи ППО IRIS-T і партію боєприпасів у межах нового пакета "
    "військової допомоги.",
    "war-crimes": "Прокурори зафіксували понад 150 тисяч воєнних злочинів, скоєних російськими військами.",
    "humanitarian-aid": "З прифронтових громад Донеччини триває евакуація мешканців. Переселенців розміщують у "
    "Дніпрі та Полтаві, де волонтери роздають гуманітарну допомогу.",
}

UK_UNRELATED = {
    # Words the stems must not catch: "фронтмен", "визначила", "вибору", "бюджетний", "атмосферний фронт",
    # "атака холодного повітря", "війнуло", "атакувальна", "обстріл воріт", "виборола".
    "theatre": "У Національному театрі імені Івана Франка відбулася прем'єра вистави «Лісова пісня». Режисерка "
    "визначила головною темою кохання і свободу вибору, а фронтмен гурту написав музику до постановки. Глядачі "
    "аплодували стоячи, критики назвали роботу подією сезону, а бюджетний варіант квитків розкупили за день. "
    "Наступні покази — 14 і 15 березня.",
    "weather": "Завтра в Україну прийде холодний атмосферний фронт: синоптики прогнозують грози, град і шквали до "
    "20 метрів за секунду. Увечері війнуло прохолодою, а вночі температура знизиться до +3. Атака холодного "
    "повітря триватиме до вихідних, після чого фронт зміститься на схід.",
    "sport": "«Динамо» обіграло «Шахтар» у київському дербі. Атакувальна лінія господарів провела чудовий матч, "
    "гості відповіли обстрілом воріт, але воротар упорався. Команда виборола право зіграти у фіналі.",
}

UK_LIVE_BLOG = (
    "Зеленський провів переговори з прем'єр-міністром Польщі. Сили оборони збили 40 дронів над Харківщиною. "
    "Верховна Рада ухвалила бюджет на 2027 рік."
)


def test_ukrainian_live_blog_gets_taxonomy_topics_in_ukrainian() -> None:
    # GIVEN a Ukrainian live-blog entry with inflected war vocabulary ("Сили оборони", "дронів")
    topics = derive_topics(UK_LIVE_BLOG, find_entities(UK_LIVE_BLOG, "uk"), [], "uk")
    # THEN it gets the taxonomy topic, named in Ukrainian like its entities
    names = [t.name for t in topics]
    assert "Війна в Україні" in names and "War in Ukraine" not in names
    # one mention each of talks and of the budget is not enough for Diplomacy or Economy (min_hits 2)
    assert [r.id for r in taxonomy_topics(UK_LIVE_BLOG)] == ["war-in-ukraine"]
    more = UK_LIVE_BLOG + " МЗС викликало посла Угорщини. Через масовану атаку дронів знеструмлено Одесу, енергетики"
    assert {"war-in-ukraine", "diplomacy", "energy"} <= {r.id for r in taxonomy_topics(more + " працюють.")}


@pytest.mark.parametrize("topic_id", sorted(UK_TOPIC_TEXTS))
def test_every_topic_is_found_in_ukrainian_copy(topic_id: str) -> None:
    assert topic_id in [r.id for r in taxonomy_topics(UK_TOPIC_TEXTS[topic_id])]


def test_every_topic_has_a_ukrainian_test_text() -> None:
    assert set(UK_TOPIC_TEXTS) == {r.id for r in gazetteer().taxonomy}


@pytest.mark.parametrize("kind", sorted(UK_UNRELATED))
def test_unrelated_ukrainian_copy_gets_no_taxonomy_topic(kind: str) -> None:
    assert taxonomy_topics(UK_UNRELATED[kind]) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "ракет~" is a stem plus a case ending: every case of "ракета", not the tennis "ракетка"
        ("Ракетами і дронами атакували місто.", ["war-in-ukraine"]),
        ("Ракеткою і дронами грали діти.", []),
        # the plural "вибори" (elections), not "вибору" (choice) or "виборола" (won)
        ("Явка на виборах була низькою, виборців було мало.", ["elections"]),
        ("Немає вибору: команда виборола медаль, виборці не потрібні.", []),
        # frozen assets, not frozen vegetables
        ("Заморожені активи та ембарго.", ["sanctions"]),
        ("Заморожені овочі та ембарго.", []),
        # inflected phrases: "мирної угоди", "лінії фронту", "повітряній тривозі" (г→з)
        ("Переговори щодо мирної угоди тривають.", ["diplomacy"]),
        ("На лінії фронту і в повітряній тривозі.", ["war-in-ukraine"]),
        # forms of one word are one keyword: "економіка", "економіки", "економіці" count once
        ("Економіка росте; економіки сусідів і економіці загалом це на користь.", []),
        ("Економіка росте, а інфляція сповільнюється.", ["economy"]),
        # any apostrophe: "політвʼязнів" (U+02BC) as "політв'язнів"
        ("Кількість політвʼязнів у Криму зросла.", ["human-rights"]),
    ],
)
def test_ukrainian_keywords_follow_inflection_not_lookalikes(text: str, expected: list[str]) -> None:
    assert [r.id for r in taxonomy_topics(text)] == expected


def test_ukrainian_keywords_are_well_formed() -> None:
    for rule in gazetteer().taxonomy:
        ukrainian = [k for k in rule.keywords if is_cyrillic(k)]
        assert ukrainian, rule.id
        for keyword in ukrainian:
            for alternative in keyword.split("|"):
                assert alternative == alternative.casefold() and alternative[0].isalnum(), alternative
                assert "’" not in alternative and "ʼ" not in alternative, alternative
                # markers end words; the literal start is long enough to be found (three letters)
                assert not re.search(r"[~*=][^ ]", alternative), alternative
                assert len(re.split(r"[~*=]", alternative, maxsplit=1)[0]) >= 3, alternative
                re.compile(_pattern(alternative))
