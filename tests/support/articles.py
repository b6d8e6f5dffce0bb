"""Article submissions written for the tests (not taken from any publication)."""

from __future__ import annotations

from typing import Any

# About 300 words in the style of a wire-based News Feed item: reads in 2 minutes at 238 wpm.
SEED_STYLE_PARAGRAPHS = [
    "Russia on July 3 became the first country to formally recognize the Taliban as the government "
    "of Afghanistan, Russia's Foreign Ministry said in a statement.",
    '"We believe that official recognition will give impetus to productive bilateral cooperation '
    'between our countries in many fields," the Foreign Ministry said.',
    "The Taliban, an Islamist militant movement, took control of Afghanistan in August 2021 as U.S. "
    "and NATO troops withdrew, and the Western-backed government collapsed within days.",
    "Until now no other state had formally recognized the Taliban-led administration, citing its "
    "record on human rights, governance and counter-terrorism commitments.",
    "Russian state news agency TASS reported that President Vladimir Putin took the decision on the "
    "advice of Foreign Minister Sergey Lavrov.",
    "Since relations with Western governments collapsed after the full-scale invasion of Ukraine in "
    "February 2022, Moscow has sought closer ties with North Korea and Iran to support its economy "
    "and its military.",
    "In recent years Moscow has also widened its engagement with the Taliban, expanding trade and "
    "investing in Afghan roads, power lines and railways. Taliban officials now regularly attend "
    "economic forums in Russia.",
    "Earlier this year Russia's Supreme Court suspended a ban on contacts with the movement, and the "
    "State Duma passed a law in December 2024 that allows organizations to be removed from the "
    "country's list of banned terrorist groups.",
    'Putin has called the Taliban "allies," and Lavrov has described its leaders as "sane people."',
    "Diplomats in Kabul said the decision could encourage Central Asian neighbours to follow, although "
    "none has announced plans to do so. China, which keeps an ambassador in Kabul, has not said whether "
    "it will change its position.",
    "The Taliban continues to impose a strict interpretation of Islamic law, barring women from "
    "secondary and higher education and from most jobs.",
]


def seed_style_article(**overrides: Any) -> dict[str, Any]:
    article: dict[str, Any] = {
        "headline": "Russia becomes first country to recognize Afghanistan's Taliban government",
        "body_html": "".join(f"<p>{p}</p>" for p in SEED_STYLE_PARAGRAPHS),
        "authors": [
            {
                "name": "Dana Petrenko",
                "role": "Senior News Editor",
                "bio": "Dana Petrenko is a senior news editor on the News Feed desk.",
                "avatar_url": "https://news.example.org/authors/dana-petrenko.jpg",
            }
        ],
        "lead_image": {
            "url": "https://news.example.org/images/moscow-format.jpg",
            "caption": "A Taliban envoy attends a conference in Moscow, Russia, on Oct. 4, 2024.",
            "credit": "Sefa Karacan/Anadolu via Getty Images",
            "alt_text": "A delegate at a conference table",
        },
        "section": "news",
        "tags": ["Russia", "Afghanistan"],
        "language": "en",
    }
    article.update(overrides)
    return article


def short_article(number: int, **overrides: Any) -> dict[str, Any]:
    """A small distinct article: different text so near-duplicate detection leaves it alone."""
    topics = ["harbour", "railway", "school", "hospital", "bridge", "library", "market", "theatre"]
    topic = topics[number % len(topics)]
    article: dict[str, Any] = {
        "headline": f"City council approves {topic} plan number {number}",
        "body_html": f"<p>The council in town {number} voted to renovate the {topic} by {2030 + number % 7}. "
        f"Officials said work on item {number * 37} starts next spring, after a review of {number + 3} bids.</p>",
        "authors": [{"name": "Test Reporter"}],
        "section": "news",
    }
    article.update(overrides)
    return article
