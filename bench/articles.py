"""A realistic stream of articles for the cost benchmark, written for this benchmark.

English copy of about 600 words (the enrichment benchmark's text, paragraphs rotated so that no two
articles are near-duplicates) and Ukrainian copy of about 250 words, three English articles to one
Ukrainian, a lead image with a credit, one or two authors, wire copy with an ``external_id`` every other
article, and a share of embargoed articles (a publisher sets ``publish_at`` an hour ahead; the benchmark
lets the hour pass, see ``Stack.pass_embargoes``). Tags come from a fixed vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from bench.enrichment_bench import _PARAGRAPHS as ENGLISH_PARAGRAPHS

UKRAINIAN_PARAGRAPHS: Final = (
    "Україна та європейські партнери домовилися пришвидшити спільне виробництво ракет для протиповітряної "
    "оборони, повідомило Міністерство оборони України в середу.",
    "«Кожна ракета, виготовлена в Європі, — це врятоване життя в Україні», — сказав міністр оборони після "
    "зустрічі з генеральним секретарем НАТО у Брюсселі.",
    "За даними Повітряних сил, уночі сили оборони збили 372 дрони та 31 ракету. Уламки впали на житлові "
    "будинки у Солом'янському районі Києва, постраждали 12 людей.",
    "У Львові удар пошкодив енергетичний об'єкт. Енергетики попередили, що ремонт підстанцій на Київщині та "
    "Чернігівщині триватиме кілька днів.",
    "Укренерго закликало споживачів економно користуватися електроенергією у вечірні години, коли "
    "навантаження на мережу найбільше.",
    "Президент Володимир Зеленський закликав партнерів передати більше систем Patriot до початку "
    "опалювального сезону. «Росія робить ставку на холод і темряву», — сказав він у вечірньому зверненні.",
    "Верховна Рада ухвалила закон, який спрощує експорт зброї, виробленої спільно з партнерами. Голосуванню "
    "передували місяці дискусій про захист технологій.",
    "Аналітики зазначають, що перші контракти можуть підписати до кінця року, а перші ракети передати на "
    "початку 2027 року.",
)
TAGS: Final = (
    "Ukraine", "Russia", "NATO", "European Union", "Air defense", "Energy", "Kyiv", "Lviv", "Odesa",
    "Kharkiv", "Diplomacy", "Sanctions", "Economy", "Human rights", "United Nations", "Poland",
    "Germany", "United States", "Drones", "Front line", "Zaporizhzhia", "IAEA", "Parliament", "Elections",
    "Grain", "Black Sea", "Corruption", "Reconstruction", "Енергетика", "Війна",
)  # fmt: skip
SECTIONS: Final = ("news", "news", "business", "opinion")
AUTHORS: Final = (
    {
        "name": "Olena Marchenko",
        "role": "News Editor",
        "bio": "Olena Marchenko edits the live News Feed and covers diplomacy and security.",
        "avatar_url": "https://news.example.org/authors/olena-marchenko.jpg",
        "url": "https://news.example.org/authors/olena-marchenko",
    },
    {"name": "Andrii Kovalenko", "role": "Correspondent", "url": "https://news.example.org/authors/andrii-kovalenko"},
)
CREDITS: Final = ("Sefa Karacan/Anadolu via Getty Images", "Mykola Tys/AFP via Getty Images", "Reuters/Gleb Garanich")


@dataclass(frozen=True)
class Mix:
    """What the stream is made of (printed with the figures)."""

    ukrainian_every: int = 4  # one article in four is Ukrainian
    wire_every: int = 2  # every other article is wire copy (external_id)
    scheduled_every: int = 10  # one in ten is embargoed (publisher, publish_at an hour ahead); 0: none
    embargo: timedelta = timedelta(hours=1)

    def describe(self) -> str:
        return (
            f"{100 // self.ukrainian_every}% Ukrainian (~250 words) and the rest English (~600 words), "
            f"{100 // self.wire_every}% wire copy with an external_id, every POST with an Idempotency-Key, "
            f"{100 // self.scheduled_every if self.scheduled_every else 0}% embargoed an hour (one-time schedule), "
            "a lead image and 1-2 authors each"
        )


def article(number: int, tag_count: int, *, run: str, mix: Mix, now: datetime | None = None) -> dict[str, Any]:
    """The ``number``-th article of a run: a submission body as the CMS would POST it."""
    ukrainian = number % mix.ukrainian_every == mix.ukrainian_every - 1
    paragraphs = UKRAINIAN_PARAGRAPHS if ukrainian else ENGLISH_PARAGRAPHS
    shift = number % len(paragraphs)
    rotated = [*paragraphs[shift:], *paragraphs[:shift]]
    lead = (
        f"Оновлення {number} ({run}): редакція стежить за подіями дня."
        if ukrainian
        else f"Update {number} ({run}): the newsroom follows the day's events as they unfold."
    )
    body = "".join(f"<p>{p}</p>" for p in [lead, *rotated])
    submission: dict[str, Any] = {
        "headline": f"Зведення {number}: партнери пришвидшать виробництво ППО ({run})"
        if ukrainian
        else f"Report {number}: partners speed up air defense production ({run})",
        "section": SECTIONS[number % len(SECTIONS)],
        "language": "uk" if ukrainian else "en",
        "tags": [TAGS[(number * 7 + i) % len(TAGS)] for i in range(tag_count)],
        "authors": list(AUTHORS[: 1 + number % 2]),
        "lead_image": {
            "url": f"https://news.example.org/images/{run}-{number}.jpg",
            "caption": "Rescuers work at the site of a drone strike in Kyiv, Ukraine, on Oct. 14, 2026.",
            "credit": CREDITS[number % len(CREDITS)],
            "alt_text": "Rescuers at a damaged building",
            "width": 1600,
            "height": 900,
        },
        "body_html": body,
    }
    if number % mix.wire_every == 0:
        submission["external_id"] = f"wire:{run}:{number}"
    if mix.scheduled_every and number % mix.scheduled_every == 1:
        submission["publish_at"] = ((now or datetime.now(UTC)) + mix.embargo).isoformat()
    return submission


def is_scheduled(submission: dict[str, Any]) -> bool:
    return "publish_at" in submission
