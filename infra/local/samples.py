"""Sample articles for the local stack, written for this project (English and Ukrainian).

``load(api_url, api_key)`` submits them through the public API, exactly as a CMS would.
"""

from __future__ import annotations

import json
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any

AUTHOR = {
    "name": "Olena Marchenko",
    "role": "News Editor",
    "bio": "Olena Marchenko edits the live News Feed and covers diplomacy and security.",
    "avatar_url": "https://news.example.org/authors/olena-marchenko.jpg",
}


def _paragraphs(*texts: str) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


def samples(now: datetime | None = None) -> list[dict[str, Any]]:
    now = now or datetime.now(UTC)
    return [
        {
            "external_id": "sample:grain-corridor",
            "headline": "Black Sea ports ship record grain volumes despite drone attacks",
            "section": "news",
            "tags": ["Economy", "Ukraine"],
            "language": "en",
            "authors": [AUTHOR],
            "publish_at": (now - timedelta(hours=3)).isoformat(),
            "lead_image": {
                "url": "https://news.example.org/images/odesa-port.jpg",
                "caption": "Cranes load a bulk carrier in the port of Odesa, Ukraine, on Nov. 2, 2026.",
                "credit": "Mykola Tys/AFP via Getty Images",
                "alt_text": "Port cranes above a grain ship",
            },
            "body_html": _paragraphs(
                "Ukraine's Black Sea ports shipped more grain in October than in any month since the "
                "full-scale invasion began, the Ministry of Agrarian Policy said on Nov. 3.",
                '"Our corridor works because the navy keeps it open every single day," Deputy Minister '
                "Taras Kachka said at a briefing in Kyiv.",
                "Russian drones struck port infrastructure in Odesa Oblast four times during the month, "
                "damaging two warehouses and a grain terminal, according to the regional administration.",
                "Insurers in London lowered war-risk premiums for ships calling at Ukrainian ports in "
                "September, which traders say brought more vessels back to the route.",
                "Most of the cargo went to Egypt, Spain, Turkey and China, the ministry said.",
            ),
        },
        {
            "external_id": "sample:un-assembly",
            "headline": "UN General Assembly backs resolution on return of deported Ukrainian children",
            "section": "news",
            "tags": ["Human rights", "United Nations"],
            "language": "en",
            "kind": "analysis",
            "authors": [AUTHOR],
            "publish_at": (now - timedelta(hours=2)).isoformat(),
            "body_html": _paragraphs(
                "The United Nations General Assembly on Wednesday adopted a resolution calling on Russia "
                "to return Ukrainian children taken to Russia and occupied territories.",
                "Ninety-one countries voted in favor, 12 against and 57 abstained, according to the UN.",
                '"Every child deported is a child who must come home," Ukraine\'s Foreign Minister '
                "Andrii Sybiha told the assembly in New York.",
                "Russia's envoy Vassily Nebenzia called the text politically motivated.",
                "The International Criminal Court issued an arrest warrant for Russian President Vladimir "
                "Putin in March 2023 over the deportation of children.",
            ),
        },
        {
            "external_id": "sample:kyiv-energy-uk",
            "headline": "Київ готується до зими: енергетики відновили дві підстанції",
            "section": "news",
            "tags": ["Енергетика"],
            "language": "uk",
            "authors": [{"name": "Андрій Коваленко", "role": "Кореспондент"}],
            "publish_at": (now - timedelta(hours=1)).isoformat(),
            "lead_image": {
                "url": "https://news.example.org/images/kyiv-substation.jpg",
                "caption": "Енергетики працюють на підстанції у Києві, 10 листопада 2026 року.",
                "credit": "Андрій Коваленко/Укрінформ",
            },
            "body_html": _paragraphs(
                "Енергетики відновили дві підстанції у Києві, пошкоджені внаслідок атаки у жовтні, "
                "повідомило Міністерство енергетики України.",
                "«Ми працюємо цілодобово, щоб кияни мали світло і тепло цієї зими», — сказав міністр "
                "енергетики під час брифінгу.",
                "За даними Укренерго, графіки відключень у столиці наразі не застосовують.",
                "Київська міська державна адміністрація закликала мешканців економно споживати "
                "електроенергію у вечірні години.",
            ),
        },
        {
            "external_id": "sample:live-blog-uk",
            "headline": "Війна в Україні: головне за день",
            "section": "news",
            "language": "uk",
            "kind": "live_blog",
            "authors": [{"name": "Андрій Коваленко", "role": "Кореспондент"}],
            "body_html": "<p>Ключові події за день:</p><ul>"
            "<li>Зеленський провів переговори з прем'єр-міністром Польщі</li>"
            "<li>Сили оборони збили 40 дронів над Харківщиною</li>"
            "<li>Верховна Рада ухвалила бюджет на 2027 рік</li></ul>",
        },
    ]


def load(api_url: str, api_key: str, token: str | None = None) -> list[str]:
    """Submit every sample; returns the article ids (an existing sample is returned, not duplicated).

    ``token``: a bearer token of the local user pool, for an API whose writes need one."""
    ids = []
    headers = {"content-type": "application/json", "x-api-key": api_key}
    if token:
        headers["authorization"] = f"Bearer {token}"
    for article in samples():
        request = urllib.request.Request(  # noqa: S310 - a fixed local http URL
            f"{api_url.rstrip('/')}/articles",
            data=json.dumps(article).encode(),
            headers=headers,
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            ids.append(json.loads(response.read())["id"])
    return ids
