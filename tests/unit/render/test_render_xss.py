"""The XSS battery through every output format the renderers own, judged the way a browser would.

Two routes: (1) each vector in each submitted field, through validation, sanitizing and the same
derivations publishing makes (excerpt, analysis), then every format; (2) each vector straight into
the stored models in every text field at once, as if a record had slipped past validation (defence
in depth). Either the input is refused, or every output is inert (tests/support/xss.py).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from functools import cache
from typing import Any

import pytest
from pydantic import ValidationError

from shared.enrichment.analyze import analyze
from shared.enrichment.credits import parse_credit
from shared.enrichment.slug import slugify
from shared.enrichment.text import excerpt, html_to_text, reading_time_minutes, word_count
from shared.models.article import Article, ArticleCard, Author, Correction, LeadImage
from shared.models.common import ArticleStatus
from shared.models.feed import FeedLinks, FeedPage
from shared.models.submission import ArticleSubmission
from shared.render.atom import Tombstone, render_atom
from shared.render.jsonfeed import render_json_feed
from shared.render.jsonld import render_jsonld
from shared.render.ninjs import render_ninjs
from shared.render.rss import render_rss
from shared.render.sitemap import render_news_sitemap
from shared.sanitize import sanitize_html
from tests.support.xss import (
    URL_VECTORS,
    VECTORS,
    Finding,
    html_problems,
    judge_api_json,
    judge_atom,
    judge_json_feed,
    judge_jsonld,
    judge_ninjs,
    judge_rss,
    judge_script_block,
    judge_sitemap,
    text_problems,
    url_problems,
)
from tests.unit.render.conftest import SITE, archive_links, feed, site

NOW = datetime(2025, 7, 3, 12, 0, tzinfo=UTC)
SUBMITTED = datetime(2025, 7, 3, 9, 0, tzinfo=UTC)

# Where a vector can go in a submission: (path into the payload, kind of value).
TEXT_FIELDS: tuple[tuple[tuple[str | int, ...], str], ...] = (
    (("headline",), "text"),
    (("summary",), "text"),
    (("body_html",), "html"),
    (("tags", 0), "text"),
    (("authors", 0, "name"), "text"),
    (("authors", 0, "role"), "text"),
    (("authors", 0, "bio"), "text"),
    (("lead_image", "caption"), "text"),
    (("lead_image", "credit"), "text"),
    (("lead_image", "alt_text"), "text"),
    (("correction", "text"), "text"),
    (("external_id",), "text"),
    (("section",), "text"),
    (("language",), "text"),
)
URL_FIELDS: tuple[tuple[str | int, ...], ...] = (
    ("canonical_url",),
    ("lead_image", "url"),
    ("authors", 0, "url"),
    ("authors", 0, "avatar_url"),
)


def _payload() -> dict[str, Any]:
    return {
        "headline": "Ministers agree on air defence",
        "summary": "Ministers meeting in Brussels agreed to send more systems.",
        "body_html": "<p>Ministers met in Brussels on Thursday.</p><p>“We act now,” said Mark Rutte.</p>",
        "authors": [{"name": "Olena Kovalenko", "role": "Correspondent", "bio": "Covers security."}],
        "lead_image": {
            "url": "https://img.example.org/kyiv.jpg",
            "caption": "Rescuers in Kyiv.",
            "credit": "Sefa Karacan/Anadolu via Getty Images",
            "alt_text": "Rescuers among rubble",
        },
        "section": "news",
        "tags": ["Ukraine"],
        "language": "en",
        "kind": "live_blog",
        "correction": {"kind": "correction", "text": "Fixed a name."},
    }


def _place(payload: dict[str, Any], path: tuple[str | int, ...], value: str) -> dict[str, Any]:
    target: Any = payload
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return payload


def _article(submission: ArticleSubmission, article_id: str) -> Article:
    """The article publishing makes of a submission (sanitized body, excerpt, analysis, correction)."""
    body = sanitize_html(submission.body_html, base_url=SITE)
    text = html_to_text(body)
    analysis = analyze(
        text,
        body,
        declared_language=submission.language,
        published_at=SUBMITTED,
        tags=submission.tags,
        kind="live_blog",
    )
    words = word_count(text)
    image = submission.lead_image
    credit = parse_credit(image.credit) if image else None
    slug = slugify(submission.headline)
    return Article(
        id=article_id,
        revision=2,
        status=ArticleStatus.PUBLISHED,
        headline=submission.headline,
        body_html=body,
        summary=submission.summary or excerpt(text),
        authors=[Author(**a.model_dump()) for a in submission.authors],
        lead_image=LeadImage(**image.model_dump(), **(dataclasses.asdict(credit) if credit else {})) if image else None,
        section=submission.section,
        tags=submission.tags,
        language=submission.language or "en",
        kind=submission.kind,
        canonical_url=submission.canonical_url,
        external_id=submission.external_id,
        url=submission.canonical_url or f"{SITE}/{submission.section}/{slug}",
        slug=slug,
        word_count=words,
        reading_time_minutes=reading_time_minutes(words),
        submitted_at=SUBMITTED,
        published_at=SUBMITTED,
        updated_at=NOW,
        corrections=(
            [Correction(kind=submission.correction.kind, text=submission.correction.text, revision=2, published_at=NOW)]
            if submission.correction
            else []
        ),
        entities=analysis.entities,
        topics=analysis.topics,
        quotes=analysis.quotes,
        key_developments=analysis.key_developments or [text[:80]],
    )


def _card(article: Article) -> ArticleCard:
    assert article.url and article.published_at and article.slug
    return ArticleCard(
        id=article.id,
        revision=article.revision,
        headline=article.headline,
        slug=article.slug,
        summary=article.summary,
        url=article.url,
        section=article.section,
        tags=article.tags,
        language=article.language,
        kind=article.kind,
        authors=[{"name": a.name, "url": a.url} for a in article.authors],
        reading_time_minutes=article.reading_time_minutes or 1,
        word_count=article.word_count or 0,
        published_at=article.published_at,
        updated_at=article.updated_at,
        lead_image=article.lead_image,
        corrections=article.corrections,
    )


def _every_output(article: Article, tombstone_comment: str | None = None) -> list[Finding]:
    """Render the article in every format the renderers own and judge each one."""
    identity = site()
    card = _card(article)
    descriptor = feed(prev_archive=archive_links("2025-07-03T08"))
    tombstones = [Tombstone(ref=article.id, when=NOW, comment=tombstone_comment)] if tombstone_comment else []
    page = FeedPage(items=[card], next_cursor=None, links=FeedLinks(json_feed=SITE, rss=SITE, atom=SITE))
    return [
        *judge_ninjs(render_ninjs(article, identity)),
        *judge_jsonld(render_jsonld(article, identity)),
        *judge_json_feed(render_json_feed(descriptor, [card], identity)),
        *judge_rss(render_rss(descriptor, [card], identity)),
        *judge_atom(render_atom(descriptor, [card], identity, tombstones=tombstones)),
        *judge_sitemap(render_news_sitemap([card], identity, now=NOW)),
        *judge_api_json("article_json", json.loads(article.model_dump_json())),
        *judge_api_json("feed_page_json", json.loads(page.model_dump_json())),
    ]


@cache
def _submitted_outcomes() -> tuple[int, int, tuple[Finding, ...]]:
    """(refused, rendered, findings) of every vector in every submitted field."""
    refused = rendered = 0
    findings: list[Finding] = []
    placements = [(path, vector) for path, _ in TEXT_FIELDS for vector in VECTORS]
    placements += [(path, vector) for path in URL_FIELDS for vector in URL_VECTORS]
    for number, (path, vector) in enumerate(placements):
        payload = _place(_payload(), path, vector)
        try:
            submission = ArticleSubmission.model_validate(payload)
        except ValidationError:
            refused += 1
            continue
        rendered += 1
        findings += _every_output(_article(submission, f"01JZ{number:022d}"))
    return refused, rendered, tuple(findings)


# --------------------------------------------------------------------------------------- judge


def test_the_battery_has_at_least_80_distinct_vectors():
    assert len(set(VECTORS)) == len(VECTORS) >= 80
    assert len(set(URL_VECTORS)) == len(URL_VECTORS)


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<script>alert(1)</script>", "script element"),
        ("<img src=x onerror=alert(1)>", "event handler onerror"),
        ('<a href=" java\tscript:alert(1)">x</a>', "javascript: URL in href"),
        ('<a href="&#106;avascript:alert(1)">x</a>', "javascript: URL in href"),
        ('<iframe srcdoc="x"></iframe>', "srcdoc"),
        ('<object data="x"></object>', "object element"),
        ('<meta http-equiv="Refresh" content="0;url=x">', "meta refresh"),
        ('<img srcset="a.jpg 1x, javascript:alert(1) 2x">', "dangerous URL in srcset"),
        (
            '<svg><set attributeName="href" to="javascript:alert(1)"></set></svg>',
            "animated href to javascript:alert(1)",
        ),
        ('<div style="width:expression(alert(1))">', "script in style"),
        ("<svg><script>alert(1)</script></svg>", "script element"),
    ],
)
def test_the_html_judge_catches_what_a_browser_would_run(markup, expected):
    assert expected in html_problems(markup)


@pytest.mark.parametrize(
    "markup",
    [
        '<p>Text with <a href="https://news.example.org/a" rel="noopener noreferrer">a link</a></p>',
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; shown as text</p>",
        '<img src="https://img.example.org/a.jpg" alt="onerror=alert(1)">',
        "<!-- <script>alert(1)</script> -->",
    ],
)
def test_the_html_judge_passes_inert_markup(markup):
    assert html_problems(markup) == []


def test_the_text_judge_flags_any_markup_and_passes_honest_text():
    assert text_problems("<b>bold</b>")
    assert text_problems("&lt;script&gt;") == []  # decoded once it is the text "<script>", not an element
    assert text_problems("<\u2060script>alert(1)</script>") == []
    assert text_problems("Profits < 5% & Q&A <3") == []


def test_the_url_judge():
    assert url_problems("https://news.example.org/a") == []
    assert url_problems("tag:news.example.org,2025:article:1") == []
    assert url_problems(" JAVA\nSCRIPT:alert(1)")
    assert url_problems('https://news.example.org/"x')
    assert url_problems("/relative")


def test_the_script_block_judge_sees_a_breakout():
    raw = json.dumps({"a": "</script><script>alert(1)</script>"}).encode()
    assert judge_script_block(raw)
    assert judge_script_block(b'{"a": "\\u003c/script\\u003e"}') == []


# ------------------------------------------------------------------------------------ battery


def test_every_vector_in_every_submitted_field_is_refused_or_renders_inert_everywhere():
    # GIVEN each vector in each text, HTML and URL field of a submission (one at a time)
    # WHEN each is validated and, if accepted, published and rendered in every format
    refused, rendered, findings = _submitted_outcomes()

    # THEN nothing a browser could run comes out of any format
    assert findings == (), "\n".join(str(f) for f in findings[:20])
    # AND the battery really exercised both paths: refusals and rendered outputs
    assert refused > 0
    assert rendered >= len(VECTORS)  # every vector at least went through the sanitized body


@pytest.mark.parametrize("vector", ["Profits < 5% & Q&A <3", "AT&T & Verizon: a <= b, c > d"])
def test_honest_text_is_accepted_in_every_plain_text_field(vector):
    for path, kind in TEXT_FIELDS:
        if kind == "text" and path not in (("external_id",), ("section",), ("language",)):
            ArticleSubmission.model_validate(_place(_payload(), path, vector))


@pytest.mark.parametrize("vector", VECTORS)
def test_a_record_that_slipped_past_validation_still_renders_inert(vector):
    # GIVEN a stored article with the vector in every text field at once (bypassing input validation),
    # its body sanitized as every stored body is, and an unsafe URL in every URL field
    url_vector = URL_VECTORS[len(vector) % len(URL_VECTORS)]
    article = Article(
        id="01JZ0000000000000000000001",
        revision=3,
        status=ArticleStatus.PUBLISHED,
        headline=vector,
        body_html=sanitize_html(vector, base_url=SITE),
        summary=vector,
        authors=[Author(name=vector, role=vector, bio=vector, url=url_vector, avatar_url=url_vector)],
        lead_image=LeadImage(url=url_vector, caption=vector, credit=vector, alt_text=vector, photographer=vector),
        section=vector,
        tags=[vector],
        language=vector,
        kind="live_blog",
        canonical_url=url_vector,
        external_id=vector,
        url=f"{SITE}/news/a",
        slug="a",
        word_count=3,
        reading_time_minutes=1,
        submitted_at=SUBMITTED,
        published_at=SUBMITTED,
        updated_at=NOW,
        corrections=[Correction(kind="correction", text=vector, revision=2, published_at=NOW)],
        key_developments=[vector],
    )

    # WHEN rendered in every format
    findings = _every_output(article, tombstone_comment=vector)

    # THEN the renderers' own escaping keeps every output inert (the API's JSON echoes stored data
    # as it is: that is covered by validation, so it is judged in the submitted-field battery only)
    findings = [f for f in findings if not f.format.endswith("_json")]
    assert findings == [], "\n".join(str(f) for f in findings[:20])
