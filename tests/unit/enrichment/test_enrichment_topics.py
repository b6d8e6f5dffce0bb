"""Topics: editor tags kept first, derived ones from entities and the taxonomy, deduplicated."""

from __future__ import annotations

import re

import pytest

from shared.enrichment import morphology
from shared.enrichment.entities import find_entities
from shared.enrichment.gazetteer import gazetteer
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
    assert {"International relations", "Diplomacy", "War in Ukraine"} <= set(derived)
    # (human rights, mentioned in passing, is not one of the two general topics it is filed under)
    assert "Human rights" not in derived
    # AND taxonomy topics carry their IPTC Media Topic; entities and editor tags carry none
    codes = {t.name: t.code for t in topics}
    assert codes["International relations"] == "medtop:20000638"
    assert codes["Diplomacy"] == "medtop:20000639"
    assert codes["Taliban"] is None and codes["afghanistan"] is None


def test_taxonomy_needs_enough_distinct_keywords() -> None:
    assert [r.id for r in taxonomy_topics("The sanctions package was discussed.")] == []
    ids = [r.id for r in taxonomy_topics("New sanctions and an oil embargo were agreed.")]
    assert ids == ["sanctions"]
    # Whole-word keywords do not match inside other words ("мзс=" is not "мзсх").
    assert [r.id for r in taxonomy_topics("Human rights groups protested.")] == ["human-rights"]


def test_at_most_two_general_topics_the_strongest() -> None:
    # GIVEN a budget story with four general topics: politics and health (4 keywords each), economy and
    # education (3 each)
    text = (
        "Parliament passed the budget law after a vote in the Rada: lawmakers agreed the deficit, tax changes "
        "and the economy's borrowing needs, the finance minister said. The bill also raises pay for teachers, "
        "builds schools and funds universities and students, and pays for hospitals, doctors and patients' "
        "medicines, while defense spending for the army and troops at the front stays the largest line."
    )
    # WHEN its taxonomy topics are found
    general = [r.id for r in taxonomy_topics(text) if r.parent is None]
    # THEN only the two strongest are kept
    assert sorted(general) == ["health", "politics"]


def test_the_pronoun_who_is_not_the_world_health_organization() -> None:
    text = "Doctors who treated patients at the hospital said the people who came were tired."
    assert "health" in {r.id for r in taxonomy_topics(text)}
    assert "health" not in {r.id for r in taxonomy_topics("Patients who were there, and those who were not.")}


def test_a_second_desk_needs_the_headline_when_the_headline_is_known() -> None:
    # GIVEN a film festival story whose body keeps coming back to the war
    text = (
        "The film festival opened in Lutsk with a documentary about a theatre troupe. The director, whose "
        "film won the jury prize, said the actors had rehearsed in a shelter during Russian missile and drone "
        "attacks. Several of the cast now serve in the army at the front, where shelling never stops; the "
        "screening raised money for the troops. The festival's cinema programme runs for a week, with a "
        "concert and an exhibition."
    )
    both = [r.id for r in taxonomy_topics(text) if r.parent is None]
    assert sorted(both) == ["culture", "war-security"]  # without a headline, both desks
    # WHEN its headline is about the festival alone  THEN it is filed under culture only
    cultural = taxonomy_topics(text, "Documentary about a theatre troupe wins at the Lutsk film festival")
    assert [r.id for r in cultural if r.parent is None] == ["culture"]
    # AND a headline about both keeps both, strongest first
    war_too = taxonomy_topics(text, "Festival film about actors who joined the army wins the jury prize")
    assert [r.id for r in war_too if r.parent is None] == both


def test_ukrainian_topics_are_in_ukrainian() -> None:
    topics = derive_topics(RECOGNITION_UK, find_entities(RECOGNITION_UK, "uk"), [], "uk")
    names = {t.name for t in topics}
    assert {"Росія", "Дипломатія", "Міжнародні відносини"} <= names
    assert all(t.derived for t in topics)


def test_merge_keeps_editor_spelling_and_drops_blank_tags() -> None:
    assert merge_topics(["  Kyiv  ", "", "kyiv"], ["KYIV", "Lviv"]) == [
        Topic(name="Kyiv", derived=False),
        Topic(name="Lviv", derived=True),
    ]


# Ukrainian copy written for these tests: one short story per taxonomy topic, in running, inflected text.
UK_TOPIC_TEXTS = {
    "politics": "Верховна Рада ухвалила в першому читанні законопроєкт про місцеве самоврядування. Опозиційні "
    "фракції голосували проти, а депутати від коаліції пообіцяли доопрацювати документ.",
    "war-security": "Російські війська вночі обстріляли прифронтові села з артилерії, а в небі над областю працювала "
    "протиповітряна оборона. Бригада утримує позиції на лінії фронту.",
    "economy": "Національний банк знизив облікову ставку до 14,5%, оскільки інфляція сповільнюється. Уряд очікує, "
    "що дефіцит державного бюджету скоротиться.",
    "energy": "Після атаки на енергетику в кількох областях запровадили графіки відключень світла. Пошкоджено дві "
    "теплоелектростанції, а імпорт електроенергії з Польщі досяг максимуму.",
    "business": "Компанія звітувала про рекордний прибуток за півріччя, а її акціонери погодили злиття з "
    "конкурентом. Генеральний директор пообіцяв вийти на біржу наступного року.",
    "society": "Мешканці громади зібралися на мітинг проти закриття сільської амбулаторії. Пенсіонери та родини "
    "з дітьми кажуть, що тепер до лікаря доведеться їхати за сорок кілометрів.",
    "health": "Лікарі обласної лікарні провели складну операцію пацієнтові з пораненням серця. Хірурги кажуть, "
    "що після лікування та реабілітації чоловік повернеться до звичного життя.",
    "education": "Через повітряні тривоги школа перейшла на змішане навчання: учні молодших класів відвідують "
    "уроки в укритті, а старшокласники вчаться онлайн. Вчителі просять нові підручники.",
    "science-technology": "Науковці інституту створили супутник для дослідження клімату. Інженери тестують "
    "програмне забезпечення, а запуск технологічного апарата заплановано на осінь.",
    "culture": "У Національному театрі імені Івана Франка відбулася прем'єра вистави «Лісова пісня». Режисерка "
    "визначила головною темою кохання і свободу вибору, а фронтмен гурту написав музику до постановки.",
    "sports": "«Динамо» обіграло «Шахтар» у київському дербі. Атакувальна лінія господарів провела чудовий матч, "
    "гості відповіли обстрілом воріт, але воротар упорався. Команда виборола право зіграти у фіналі кубка.",
    "environment": "Екологи зафіксували забруднення річки після аварії на очисних спорудах. У воді знайшли мертву "
    "рибу, а лісівники попереджають про загрозу для заповідника нижче за течією.",
    "human-rights": "Правозахисники зафіксували нові випадки катувань цивільних в окупованому Мелітополі.",
    "crime-justice": "Суд засудив колишнього посадовця до шести років ув'язнення. Прокурор довів, що обвинувачений "
    "отримав хабар, а адвокат заявив, що подасть апеляцію.",
    "international": "Міністр закордонних справ провів переговори з послом Японії, а згодом вирушив на саміт "
    "НАТО, де союзники обговорять нові санкції.",
    "war-in-ukraine": "Уночі росіяни випустили по Україні 120 ударних безпілотників і вісім балістичних ракет. "
    "Протиповітряна оборона знешкодила більшість цілей. На Запоріжжі внаслідок обстрілу загинули двоє людей. "
    "Ситуація на лінії фронту залишається складною.",
    "diplomacy": "Міністр закордонних справ України зустрівся в Брюсселі з послом Німеччини. Сторони обговорили "
    "підготовку до саміту НАТО та мирний план, запропонований Вашингтоном.",
    "sanctions": "Євросоюз ухвалив двадцятий пакет санкцій проти Росії. Обмеження стосуються тіньового флоту, "
    "банків і постачальників мікроелектроніки.",
    "terrorism": "Влада Франції посилила заходи безпеки після теракту в Ніцці. Слідство встановило, що нападник "
    "мав зв'язки з ісламістами.",
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

UK_LIVE_BLOG = (
    "Зеленський провів переговори з прем'єр-міністром Польщі. Сили оборони збили 40 дронів над Харківщиною. "
    "Верховна Рада ухвалила бюджет на 2027 рік."
)

GENERAL = {
    "politics",
    "war-security",
    "economy",
    "energy",
    "business",
    "society",
    "health",
    "education",
    "science-technology",
    "culture",
    "sports",
    "environment",
    "human-rights",
    "crime-justice",
    "international",
}


def test_the_taxonomy_covers_a_general_newsroom_with_iptc_codes() -> None:
    # GIVEN the taxonomy
    rules = {r.id: r for r in gazetteer().taxonomy}
    # THEN the fifteen general topics are there, each an IPTC Media Topic QCode, and every narrower topic
    # names one of them as its parent
    assert {r.id for r in rules.values() if r.parent is None} >= GENERAL
    assert all(re.fullmatch(r"medtop:\d{8}", r.code or "") for r in rules.values())
    assert rules["sports"].code == "medtop:15000000" and rules["politics"].code == "medtop:11000000"
    assert all(r.parent in GENERAL for r in rules.values() if r.parent is not None)


def test_ukrainian_live_blog_gets_taxonomy_topics_in_ukrainian() -> None:
    # GIVEN a Ukrainian live-blog entry with inflected war vocabulary ("Сили оборони", "дронів")
    # WHEN its topics are derived
    topics = derive_topics(UK_LIVE_BLOG, find_entities(UK_LIVE_BLOG, "uk"), [], "uk")
    # THEN the taxonomy topics are named in Ukrainian like its entities
    names = [t.name for t in topics]
    assert "Війна та безпека" in names and "War and security" not in names
    # AND one mention each of talks and of the budget is not enough for diplomacy or the economy
    ids = {r.id for r in taxonomy_topics(UK_LIVE_BLOG)}
    assert "war-security" in ids and not ids & {"diplomacy", "economy"}
    # AND more copy on diplomacy brings it in
    more = UK_LIVE_BLOG + " МЗС викликало посла Угорщини. Через масовану атаку дронів знеструмлено Одесу, енергетики"
    assert {"war-security", "diplomacy"} <= {r.id for r in taxonomy_topics(more + " працюють.")}


@pytest.mark.parametrize("topic_id", sorted(UK_TOPIC_TEXTS))
def test_every_topic_is_found_in_ukrainian_copy(topic_id: str) -> None:
    # GIVEN a short Ukrainian story on one topic, in inflected running text
    # WHEN its taxonomy topics are found
    found = [r.id for r in taxonomy_topics(UK_TOPIC_TEXTS[topic_id])]
    # THEN the topic is among them
    assert topic_id in found


def test_every_topic_has_a_ukrainian_test_text() -> None:
    assert set(UK_TOPIC_TEXTS) == {r.id for r in gazetteer().taxonomy}


@pytest.mark.parametrize(
    ("kind", "own", "not_expected"),
    [
        # "фронтмен", "вибору": a theatre premiere is culture, not war or elections
        ("culture", "culture", {"war-security", "war-in-ukraine", "elections"}),
        # "атакувальна лінія", "обстріл воріт", "виборола": a derby is sport, not war or elections
        ("sports", "sports", {"war-security", "war-in-ukraine", "elections"}),
    ],
)
def test_lookalike_words_do_not_make_another_topic(kind: str, own: str, not_expected: set[str]) -> None:
    # GIVEN copy on one subject that uses words other topics' triggers resemble
    # WHEN its taxonomy topics are found
    found = {r.id for r in taxonomy_topics(UK_TOPIC_TEXTS[kind])}
    # THEN it has its own topic and none of the others
    assert own in found and not found & not_expected


def test_weather_copy_gets_no_war_topic() -> None:
    # GIVEN a forecast with "атмосферний фронт", "атака холодного повітря", "війнуло"
    text = (
        "Завтра в Україну прийде холодний атмосферний фронт: синоптики прогнозують грози, град і шквали до 20 "
        "метрів за секунду. Увечері війнуло прохолодою, а вночі температура знизиться до +3. Атака холодного "
        "повітря триватиме до вихідних, після чого фронт зміститься на схід."
    )
    # WHEN its taxonomy topics are found
    found = {r.id for r in taxonomy_topics(text)}
    # THEN neither war topic is among them (one war-like word is not enough)
    assert not found & {"war-security", "war-in-ukraine"}


@pytest.mark.parametrize(
    ("text", "expected", "absent"),
    [
        # every case of "ракета", not the tennis "ракетка"
        ("Ракетами і дронами атакували місто.", "war-security", None),
        ("Ракеткою і дронами грали діти.", None, "war-security"),
        # the plural "вибори" (elections), not "вибору" (choice) or "виборола" (won)
        ("Явка на виборах була низькою, виборців було мало.", "elections", None),
        ("Немає вибору: команда виборола медаль.", None, "elections"),
        # frozen assets, not frozen vegetables
        ("Заморожені активи та ембарго.", "sanctions", None),
        ("Заморожені овочі та ембарго.", None, "sanctions"),
        # inflected phrases: "мирної угоди", "лінії фронту", "повітряній тривозі" (г→з)
        ("Переговори щодо мирної угоди тривають.", "diplomacy", None),
        ("На лінії фронту і в повітряній тривозі.", "war-in-ukraine", None),
        # forms of one word are one keyword: "економіка", "економіки", "економіці" count once
        ("Економіка росте; економіки сусідів і економіці загалом це на користь.", None, "economy"),
        ("Економіка росте, а інфляція сповільнюється.", "economy", None),
        # any apostrophe: "політвʼязнів" (U+02BC) as "політв'язнів"
        ("Кількість політвʼязнів у Криму зросла, правозахисники фіксують катування.", "human-rights", None),
    ],
)
def test_ukrainian_triggers_follow_inflection_not_lookalikes(
    text: str, expected: str | None, absent: str | None
) -> None:
    # GIVEN a sentence with a trigger in some case, or a word that merely looks like one
    # WHEN its taxonomy topics are found
    found = {r.id for r in taxonomy_topics(text)}
    # THEN the topic is there exactly when a trigger is
    if expected is not None:
        assert expected in found
    if absent is not None:
        assert absent not in found


def test_ukrainian_triggers_are_dictionary_forms_the_morphology_expands() -> None:
    # GIVEN every Ukrainian trigger of the taxonomy
    for rule in gazetteer().taxonomy:
        assert rule.lemmas, rule.id
        for keyword in rule.lemmas:
            for alternative in keyword.split("|"):
                for word in alternative.split():
                    # THEN it is a lower-case word without markup, and morphology gives its forms (itself at least)
                    assert word == word.casefold() and re.fullmatch(r"[а-яіїєґ'-]+", word), word
                    assert word in morphology.lexeme(word), word


def test_english_keywords_are_well_formed() -> None:
    # GIVEN every English keyword of the taxonomy
    for rule in gazetteer().taxonomy:
        assert rule.keywords, rule.id
        for keyword in rule.keywords:
            for alternative in keyword.split("|"):
                # THEN it is lower-case Latin text whose pattern compiles
                assert alternative == alternative.casefold() and alternative.isascii(), alternative
                assert len(re.split(r"[~*=]", alternative, maxsplit=1)[0]) >= 2, alternative
                re.compile(_pattern(alternative))
