"""Shared renderer helpers: text cleaning, URL safety, dates, identifiers, item order."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from pydantic import ValidationError

from shared.render._common import (
    article_uri,
    author_url,
    clean_text,
    feed_order,
    feed_uri,
    image_credit_line,
    image_media_type,
    iso_duration_minutes,
    plain_text,
    rfc822,
    rfc3339,
    safe_url,
    same_host,
    unique_texts,
)

ROOT = Path(__file__).resolve().parents[3]


def test_clean_text_drops_xml_illegal_characters_and_keeps_everything_else(hostile):
    # GIVEN text with control characters, DEL, a lone surrogate, emoji and Cyrillic
    raw, expected = hostile

    # WHEN it is cleaned
    cleaned = clean_text(raw)

    # THEN only the illegal characters are gone (markup-looking text is untouched), and it encodes as UTF-8
    assert cleaned == expected.replace("\u2060", "")
    cleaned.encode("utf-8")
    # AND as a published plain-text field, each tag-like "<" is followed by an invisible word joiner
    assert plain_text(raw) == expected


def test_plain_text_is_inert_when_rendered_as_html_and_leaves_honest_text_alone():
    assert plain_text("Profits < 5% & Q&A <3 a <= b") == "Profits < 5% & Q&A <3 a <= b"
    assert plain_text("<b>x</b><!--c--><?p?>") == "<\u2060b>x<\u2060/b><\u2060!--c--><\u2060?p?>"


def test_clean_text_normalises_line_ends():
    assert clean_text("a\r\nb\rc\nd\te") == "a\nb\nc\nd\te"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.org/x",
        "//example.org/no-scheme",
        "/relative/path",
        "https://",
        'https://example.org/"onmouseover="x',
        "https://example.org/a b",
        "https://example.org/a'onerror='x",
        "https://user@example.org/",
        "https://example.org:99999/",
        "https://example.org/\\..",
        "",
        None,
    ],
)
def test_safe_url_rejects_anything_but_absolute_http_urls(url):
    assert safe_url(url) is None


def test_safe_url_keeps_http_and_https_urls_unchanged():
    url = "https://news.example.org/uk/новини?a=1&b=2"
    assert safe_url(url) == url
    assert safe_url("http://example.org") == "http://example.org"


def test_dates_are_utc_whole_seconds_and_naive_means_utc():
    # GIVEN the same instant as aware (Kyiv summer time), aware UTC with microseconds, and naive UTC
    kyiv = datetime(2025, 7, 3, 12, 30, tzinfo=timezone(timedelta(hours=3)))
    aware = datetime(2025, 7, 3, 9, 30, 0, 999_999, tzinfo=UTC)
    naive = datetime(2025, 7, 3, 9, 30)  # naive on purpose

    # THEN all three have one spelling per format
    assert {rfc3339(kyiv), rfc3339(aware), rfc3339(naive)} == {"2025-07-03T09:30:00Z"}
    assert {rfc822(kyiv), rfc822(aware), rfc822(naive)} == {"Thu, 03 Jul 2025 09:30:00 GMT"}


def test_iso_duration_of_reading_time():
    assert iso_duration_minutes(2) == "PT2M"
    assert iso_duration_minutes(0) == "PT0M"


def test_identifiers_are_tag_uris_of_the_site_host():
    assert article_uri("a1b2c3", "https://News.Example.org/uk/") == "tag:news.example.org,2025:article:a1b2c3"
    assert feed_uri("section#news", "https://news.example.org") == ("tag:news.example.org,2025:feed:section%23news")


def test_identifier_needs_an_absolute_site_url():
    with pytest.raises(ValueError, match="absolute URL"):
        article_uri("x", "not a url")


def test_unique_texts_dedupes_case_insensitively_keeping_first_spelling():
    assert unique_texts(["Ukraine", " ukraine ", "", "Оборона", "ОБОРОНА", "NATO"]) == [
        "Ukraine",
        "Оборона",
        "NATO",
    ]


def test_feed_order_is_newest_first_one_card_per_id_whatever_the_input_order(make_card):
    # GIVEN two revisions of one article, and two articles published at the same second
    base = datetime(2025, 7, 3, 9, 0, tzinfo=UTC)
    old_rev = make_card(id="a", revision=1, published_at=base)
    new_rev = make_card(id="a", revision=2, published_at=base, headline="Corrected")
    tie_b = make_card(id="b", published_at=base + timedelta(hours=1))
    tie_c = make_card(id="c", published_at=base + timedelta(hours=1))

    # WHEN ordered from two different input orders
    first = feed_order([old_rev, tie_b, new_rev, tie_c])
    second = feed_order([tie_c, new_rev, tie_b, old_rev])

    # THEN the order is the same, newest first, ties broken by id, and the newest revision wins
    assert [c.id for c in first] == [c.id for c in second] == ["c", "b", "a"]
    assert first[-1].headline == second[-1].headline == "Corrected"


def test_image_media_type_from_extension_only():
    assert image_media_type("https://img.example.org/a/b.JPG?w=800") == "image/jpeg"
    assert image_media_type("https://img.example.org/a/b.webp") == "image/webp"
    assert image_media_type("https://img.example.org/a/b") is None


def test_credit_line_prefers_the_credit_as_written_and_rebuilds_it_otherwise(make_image):
    assert image_credit_line(make_image()) == "Sefa Karacan/Anadolu via Getty Images"
    assert image_credit_line(make_image(credit=None)) == "Sefa Karacan/Anadolu via Getty Images"
    assert image_credit_line(make_image(credit=None, photographer=None, agency=None)) == "Getty Images"
    assert image_credit_line(make_image(credit=None, photographer=None, agency=None, distributor=None)) is None


def test_renderers_import_no_heavy_or_io_modules():
    # GIVEN a fresh interpreter (so earlier imports in this test session cannot hide anything)
    code = (
        "import sys\n"
        "import shared.render.atom, shared.render.jsonfeed, shared.render.jsonld\n"
        "import shared.render.ninjs, shared.render.rss, shared.render.sitemap\n"
        "heavy = ('jsonschema', 'referencing', 'boto3', 'botocore', 'aws_lambda_powertools', 'mimetypes')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    # WHEN every renderer module is imported
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    # THEN none of the validation, AWS or host-dependent modules came along
    assert result.stdout.strip() == "[]"


def test_author_url_prefers_the_submitted_page_then_the_site_pattern(make_site):
    site = make_site()
    assert author_url("Olena Kovalenko", "https://people.example.org/ok", site) == "https://people.example.org/ok"
    assert author_url("Olena Kovalenko", None, site) == "https://news.example.org/authors/olena-kovalenko"
    assert author_url("Олена Коваленко", None, site) == "https://news.example.org/authors/olena-kovalenko"
    # an unsafe submitted page falls back to the pattern; no pattern and no page means no URL
    assert author_url("A B", "javascript:alert(1)", site) == "https://news.example.org/authors/a-b"
    assert author_url("A B", None, make_site(author_url_pattern=None)) is None
    assert author_url("!!!", None, site) is None  # nothing to slug


def test_site_identity_validates_its_urls_and_pattern(make_site):
    with pytest.raises(ValidationError):
        make_site(website_url="news.example.org")
    with pytest.raises(ValidationError):
        make_site(publisher_logo_url="javascript:alert(1)")
    with pytest.raises(ValidationError):
        make_site(author_url_pattern="https://news.example.org/authors/")
    with pytest.raises(ValidationError):
        make_site(author_url_pattern="https://news.example.org/{slug}/{slug}")
    with pytest.raises(ValidationError):
        make_site(publisher_name="   ")
    assert make_site(publisher_name="  Newsroom ").publisher_name == "Newsroom"


def test_same_host_ignores_case_and_default_ports():
    assert same_host("https://NEWS.example.org/a", "https://news.example.org:443")
    assert same_host("http://news.example.org/a", "http://news.example.org:80/")
    assert not same_host("https://news.example.org/a", "https://www.example.org")
    assert not same_host("https://news.example.org:8443/a", "https://news.example.org")
