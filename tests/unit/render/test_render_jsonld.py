"""schema.org NewsArticle JSON-LD and the inline script block."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from shared.render.jsonld import HEADLINE_MAX_CHARS, jsonld_script, to_news_article_jsonld

PUBLISHER = ("Newsroom", "https://news.example.org")


class _ScriptCollector(HTMLParser):
    """Collects what a browser's HTML tokenizer sees: script contents and any other start tags."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.tags: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def test_news_article_has_the_google_recommended_properties(make_article):
    document = to_news_article_jsonld(
        make_article(), *PUBLISHER, publisher_logo_url="https://news.example.org/logo.png"
    )

    assert document["@context"] == "https://schema.org"
    assert document["@type"] == "NewsArticle"
    assert document["headline"] == "Ukraine and partners agree on air defence package"
    assert document["description"] == "Ministers meeting in Brussels agreed to send more systems."
    assert document["datePublished"] == "2025-07-03T09:30:00Z"
    assert document["dateModified"] == "2025-07-03T10:15:00Z"
    assert document["url"] == "https://news.example.org/news/ukraine-air-defence-package"
    assert document["mainEntityOfPage"] == {"@type": "WebPage", "@id": document["url"]}
    assert document["author"] == [
        {
            "@type": "Person",
            "name": "Olena Kovalenko",
            "jobTitle": "Defence correspondent",
            "description": "Covers security.",
            "image": "https://img.example.org/authors/ok.jpg",
        },
        {"@type": "Person", "name": "John Smith"},
    ]
    assert document["image"] == [
        {
            "@type": "ImageObject",
            "url": "https://img.example.org/2025/07/kyiv.jpg",
            "caption": "Rescuers work at the site of a strike in Kyiv on July 3.",
            "description": "Rescuers among rubble",
            "creditText": "Sefa Karacan/Anadolu via Getty Images",
            "creator": {"@type": "Person", "name": "Sefa Karacan"},
        }
    ]
    assert document["publisher"] == {
        "@type": "Organization",
        "name": "Newsroom",
        "url": "https://news.example.org",
        "logo": {"@type": "ImageObject", "url": "https://news.example.org/logo.png"},
    }
    assert document["articleSection"] == "news"
    assert document["keywords"] == ["Ukraine", "Defence"]
    assert document["inLanguage"] == "en"
    assert document["wordCount"] == 410
    assert document["timeRequired"] == "PT2M"


def test_long_headline_is_cut_at_a_word_to_110_characters(make_article):
    # GIVEN a headline well over 110 characters (Ukrainian)
    headline = "Київ " + "дуже довгий заголовок про події на фронті " * 5

    # WHEN rendered
    result = to_news_article_jsonld(make_article(headline=headline), *PUBLISHER)["headline"]

    # THEN it fits, ends with an ellipsis, and was cut between words
    assert len(result) <= HEADLINE_MAX_CHARS
    assert result.endswith("…")
    assert headline.startswith(result[:-1])
    assert headline[len(result) - 1] == " "


def test_headline_of_exactly_110_characters_is_kept(make_article):
    headline = "x" * 110
    assert to_news_article_jsonld(make_article(headline=headline), *PUBLISHER)["headline"] == headline


def test_unpublished_article_without_optional_fields_omits_them(make_article):
    document = to_news_article_jsonld(
        make_article(published_at=None, lead_image=None, url=None, reading_time_minutes=None, tags=[]),
        *PUBLISHER,
    )
    for absent in ("datePublished", "image", "url", "mainEntityOfPage", "timeRequired", "keywords"):
        assert absent not in document
    assert None not in document.values()


def test_script_block_cannot_be_broken_out_of(make_article, hostile):
    # GIVEN hostile text that tries to close the script and open another
    raw, expected = hostile
    attack = f"</script><script>alert(1)</script><!-- {raw}"
    document = to_news_article_jsonld(make_article(headline=attack[:100], summary=attack), *PUBLISHER)

    # WHEN embedded in a page
    block = jsonld_script(document)

    # THEN no <, > or & survives inside the JSON, an HTML tokenizer sees exactly one script element,
    # and the data reads back unchanged
    inner = block.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert not re.search(r"[<>&]", inner)
    parser = _ScriptCollector()
    parser.feed(f"<html><head>{block}</head></html>")
    assert parser.tags == ["html", "head", "script"]
    assert json.loads("".join(parser.scripts)) == document
    assert document["description"] == f"</script><script>alert(1)</script><!-- {expected}"


def test_script_block_keeps_cyrillic_readable(make_article):
    block = jsonld_script(to_news_article_jsonld(make_article(headline="Київ: нові системи ППО"), *PUBLISHER))
    assert "Київ: нові системи ППО" in block


def test_output_is_deterministic(make_article):
    assert jsonld_script(to_news_article_jsonld(make_article(), *PUBLISHER)) == jsonld_script(
        to_news_article_jsonld(make_article(), *PUBLISHER)
    )
