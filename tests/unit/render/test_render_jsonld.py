"""schema.org NewsArticle / LiveBlogPosting JSON-LD, as served (escaped for inlining) and as a script block."""

from __future__ import annotations

import json
import re

import html5lib
import pytest

from shared.models.common import ArticleKind, inert_text
from shared.render.jsonld import HEADLINE_MAX_CHARS, jsonld_script, render_jsonld, to_jsonld

# Google's Article structured data: recommended properties (none is strictly required any more).
GOOGLE_RECOMMENDED = ("headline", "image", "datePublished", "dateModified", "author")


def test_news_article_has_google_recommended_properties_and_the_site_identity(make_article, make_image, make_site):
    # GIVEN a published article with a lead image, one author with a submitted page and one without
    article = make_article(
        authors=[
            {
                "name": "Olena Kovalenko",
                "role": "Defence correspondent",
                "bio": "Covers security.",
                "avatar_url": "https://img.example.org/authors/ok.jpg",
                "url": "https://news.example.org/team/olena",
            },
            {"name": "John Smith"},
        ],
        lead_image=make_image(width=1200, height=800),
    )

    # WHEN rendered for a site with a logo and an author page pattern
    document = to_jsonld(article, make_site())

    # THEN it is a NewsArticle with every recommended property
    assert document["@context"] == "https://schema.org"
    assert document["@type"] == "NewsArticle"
    for name in GOOGLE_RECOMMENDED:
        assert document[name]
    assert document["headline"] == "Ukraine and partners agree on air defence package"
    assert document["description"] == "Ministers meeting in Brussels agreed to send more systems."
    assert document["datePublished"] == "2025-07-03T09:30:00Z"
    assert document["dateModified"] == "2025-07-03T10:15:00Z"
    assert document["url"] == "https://news.example.org/news/ukraine-air-defence-package"
    assert document["mainEntityOfPage"] == {"@type": "WebPage", "@id": document["url"]}
    # AND authors are Persons with name and url (submitted page first, else the site's pattern)
    assert document["author"] == [
        {
            "@type": "Person",
            "name": "Olena Kovalenko",
            "url": "https://news.example.org/team/olena",
            "jobTitle": "Defence correspondent",
            "description": "Covers security.",
            "image": "https://img.example.org/authors/ok.jpg",
        },
        {"@type": "Person", "name": "John Smith", "url": "https://news.example.org/authors/john-smith"},
    ]
    # AND the lead image with its size and credit
    assert document["image"] == [
        {
            "@type": "ImageObject",
            "url": "https://img.example.org/2025/07/kyiv.jpg",
            "width": 1200,
            "height": 800,
            "caption": "Rescuers work at the site of a strike in Kyiv on July 3.",
            "description": "Rescuers among rubble",
            "creditText": "Sefa Karacan/Anadolu via Getty Images",
            "creator": {"@type": "Person", "name": "Sefa Karacan"},
        }
    ]
    # AND the publisher Organization with name, website and logo
    assert document["publisher"] == {
        "@type": "Organization",
        "name": "Newsroom",
        "url": "https://news.example.org",
        "logo": {"@type": "ImageObject", "url": "https://news.example.org/static/logo.png"},
    }
    assert document["articleSection"] == "news"
    assert document["keywords"] == ["Ukraine", "Defence"]
    assert document["inLanguage"] == "en"
    assert document["wordCount"] == 410
    assert document["timeRequired"] == "PT2M"
    assert "correction" not in document


def test_an_article_without_a_lead_image_gets_the_default_image(make_article, make_site):
    document = to_jsonld(make_article(lead_image=None), make_site())
    assert document["image"] == [{"@type": "ImageObject", "url": "https://news.example.org/static/default.jpg"}]


def test_without_default_image_logo_or_author_pattern_those_are_omitted(make_article, make_site):
    site = make_site(default_image_url=None, publisher_logo_url=None, author_url_pattern=None)
    document = to_jsonld(make_article(lead_image=None, authors=[{"name": "John Smith"}]), site)
    assert "image" not in document
    assert "logo" not in document["publisher"]
    assert document["author"] == [{"@type": "Person", "name": "John Smith"}]


def test_a_cyrillic_author_name_gets_a_romanized_page(make_article, make_site):
    document = to_jsonld(make_article(authors=[{"name": "Олена Коваленко"}]), make_site())
    assert document["author"][0]["url"] == "https://news.example.org/authors/olena-kovalenko"


def test_live_blog_is_a_live_blog_posting_with_its_key_developments(make_article, make_site):
    # GIVEN a live blog whose enrichment found three key developments (one repeated)
    article = make_article(
        kind=ArticleKind.LIVE_BLOG,
        key_developments=[
            "Air raid alert lifted in Kyiv",
            "Ministers agree on a new air defence package",
            "air raid alert lifted in kyiv",
            "Talks resume in Brussels tomorrow",
        ],
    )

    # WHEN rendered
    document = to_jsonld(article, make_site())

    # THEN it is a LiveBlogPosting covering from its publication, with one update per development
    assert document["@type"] == "LiveBlogPosting"
    assert document["coverageStartTime"] == "2025-07-03T09:30:00Z"
    url = "https://news.example.org/news/ukraine-air-defence-package"
    assert document["liveBlogUpdate"] == [
        {
            "@type": "BlogPosting",
            "@id": f"{url}#update-1",
            "headline": "Air raid alert lifted in Kyiv",
            "articleBody": "Air raid alert lifted in Kyiv",
        },
        {
            "@type": "BlogPosting",
            "@id": f"{url}#update-2",
            "headline": "Ministers agree on a new air defence package",
            "articleBody": "Ministers agree on a new air defence package",
        },
        {
            "@type": "BlogPosting",
            "@id": f"{url}#update-3",
            "headline": "Talks resume in Brussels tomorrow",
            "articleBody": "Talks resume in Brussels tomorrow",
        },
    ]
    # AND it keeps everything a NewsArticle has
    for name in (*GOOGLE_RECOMMENDED, "publisher"):
        assert document[name]


@pytest.mark.parametrize("kind", [ArticleKind.ARTICLE, ArticleKind.OPINION, ArticleKind.ANALYSIS])
def test_other_kinds_are_news_articles_without_live_properties(make_article, make_site, kind):
    document = to_jsonld(make_article(kind=kind, key_developments=["A development"]), make_site())
    assert document["@type"] == "NewsArticle"
    assert "liveBlogUpdate" not in document
    assert "coverageStartTime" not in document


def test_corrections_are_correction_comments_oldest_first(make_article, make_correction, make_site):
    # GIVEN two notes stored newest first
    notes = [
        make_correction(
            kind="clarification", text="The package is worth €2bn.", revision=4, published_at="2025-07-05T08:00:00Z"
        ),
        make_correction(),
    ]

    # WHEN rendered
    document = to_jsonld(make_article(corrections=notes), make_site())

    # THEN each is a dated CorrectionComment with its text
    assert document["correction"] == [
        {
            "@type": "CorrectionComment",
            "name": "correction",
            "text": "An earlier version misnamed the Dutch defence minister.",
            "datePublished": "2025-07-03T11:00:00Z",
        },
        {
            "@type": "CorrectionComment",
            "name": "clarification",
            "text": "The package is worth €2bn.",
            "datePublished": "2025-07-05T08:00:00Z",
        },
    ]


def test_long_headline_is_cut_at_a_word_to_110_characters(make_article, make_site):
    # GIVEN a headline well over 110 characters (Ukrainian)
    headline = "Київ " + "дуже довгий заголовок про події на фронті " * 5

    # WHEN rendered
    result = to_jsonld(make_article(headline=headline), make_site())["headline"]

    # THEN it fits, ends with an ellipsis, and was cut between words
    assert len(result) <= HEADLINE_MAX_CHARS
    assert result.endswith("…")
    assert headline.startswith(result[:-1])
    assert headline[len(result) - 1] == " "


def test_headline_of_exactly_110_characters_is_kept(make_article, make_site):
    headline = "x" * 110
    assert to_jsonld(make_article(headline=headline), make_site())["headline"] == headline


def test_unpublished_article_without_optional_fields_omits_them(make_article, make_site):
    document = to_jsonld(
        make_article(published_at=None, lead_image=None, url=None, reading_time_minutes=None, tags=[]),
        make_site(default_image_url=None),
    )
    for absent in ("datePublished", "image", "url", "mainEntityOfPage", "timeRequired", "keywords"):
        assert absent not in document
    assert None not in document.values()


def test_served_bytes_escape_every_character_that_could_end_a_script_block(make_article, make_site, hostile):
    # GIVEN hostile text that tries to close the script, open a comment, and use JS line terminators
    raw, expected = hostile
    attack = f"</script><script>alert(1)</script><!-- \u2028\u2029 {raw}"
    article = make_article(headline=attack[:100], summary=attack, authors=[{"name": "</SCRIPT >&"}])

    # WHEN served
    body = render_jsonld(article, make_site())

    # THEN none of < > & U+2028 U+2029 is in the bytes, and they parse to the same document
    text = body.decode("utf-8")
    assert not re.search("[<>&\u2028\u2029]", text)
    assert json.loads(body) == to_jsonld(article, make_site())
    assert json.loads(body)["description"] == inert_text(
        f"</script><script>alert(1)</script><!-- \u2028\u2029 {expected}"
    )


def test_served_bytes_inlined_in_a_page_stay_one_inert_script_element(make_article, make_site):
    # GIVEN a document full of markup-looking text
    attack = "</script><img src=x onerror=alert(1)><script>alert(2)</script><!--<script>"
    body = render_jsonld(make_article(summary=attack, tags=[attack]), make_site())

    # WHEN a browser parses a page that inlines the served bytes as they are
    page = f'<html><head><script type="application/ld+json">{body.decode()}</script></head><body></body></html>'
    tree = html5lib.parse(page, namespaceHTMLElements=False)

    # THEN there is exactly one script element, no img, and its text is the whole document
    scripts = tree.findall(".//script")
    assert len(scripts) == 1
    assert tree.findall(".//img") == []
    assert json.loads(scripts[0].text or "")["description"] == inert_text(attack)


def test_script_block_helper_uses_the_same_escaping(make_article, make_site):
    document = to_jsonld(make_article(summary="</script>"), make_site())
    block = jsonld_script(document)
    served = render_jsonld(make_article(summary="</script>"), make_site()).decode()
    assert block == f'<script type="application/ld+json">{served}</script>'


def test_served_bytes_keep_cyrillic_readable(make_article, make_site):
    body = render_jsonld(make_article(headline="Київ: нові системи ППО"), make_site())
    assert "Київ: нові системи ППО".encode() in body


def test_output_is_deterministic(make_article, make_correction, make_site):
    notes = [make_correction(revision=3), make_correction()]
    assert render_jsonld(make_article(corrections=notes), make_site()) == render_jsonld(
        make_article(corrections=list(reversed(notes))), make_site()
    )
