"""ArticleSubmission: every validation edge, and the field path (`loc`) each failure names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from shared.models.common import ArticleKind, utcnow
from shared.models.submission import MAX_BODY_HTML_CHARS, ArticleSubmission


def failures(payload: dict[str, Any]) -> dict[tuple[Any, ...], str]:
    """loc -> error type of every failure; fails the test if the payload validates."""
    with pytest.raises(ValidationError) as caught:
        ArticleSubmission.model_validate(payload)
    return {tuple(e["loc"]): e["type"] for e in caught.value.errors()}


def test_a_complete_submission_is_accepted_as_sent(make_payload):
    # GIVEN a complete, valid payload
    payload = make_payload()

    # WHEN it is validated
    sub = ArticleSubmission.model_validate(payload)

    # THEN every field is kept
    assert sub.headline == payload["headline"]
    assert sub.body_html == payload["body_html"]
    assert sub.authors[0].name == "Olena Kovalenko"
    assert sub.lead_image is not None and sub.lead_image.url == payload["lead_image"]["url"]
    assert sub.tags == ["Ukraine", "Defence"]
    assert sub.kind is ArticleKind.ARTICLE
    assert sub.publish_at is not None and sub.publish_at.utcoffset() == timedelta(0)


def test_a_minimal_submission_gets_the_defaults():
    # GIVEN only the required fields
    sub = ArticleSubmission.model_validate(
        {"headline": "H", "body_html": "<p>x</p>", "authors": [{"name": "A"}], "section": "news"}
    )

    # THEN the optional fields take their documented defaults
    assert sub.kind is ArticleKind.ARTICLE
    assert sub.tags == []
    assert (sub.summary, sub.lead_image, sub.language, sub.publish_at) == (None, None, None, None)
    assert (sub.canonical_url, sub.external_id) == (None, None)


@pytest.mark.parametrize("field", ["headline", "body_html", "authors", "section"])
def test_required_fields_are_named_when_missing(make_payload, field):
    assert failures(make_payload(**{field: ...})) == {(field,): "missing"}


# ------------------------------------------------------------------------------------ headline


@pytest.mark.parametrize("length", [1, 300])
def test_headline_length_bounds_are_inclusive(make_payload, length):
    sub = ArticleSubmission.model_validate(make_payload(headline="h" * length))
    assert len(sub.headline) == length


@pytest.mark.parametrize("headline", ["h" * 301, "", " \t\n "])
def test_headline_out_of_bounds_is_rejected(make_payload, headline):
    assert set(failures(make_payload(headline=headline))) == {("headline",)}


def test_headline_length_is_measured_after_whitespace_is_normalised(make_payload):
    # GIVEN 300 visible characters wrapped in spaces and with a doubled inner space
    headline = "  " + "a" * 150 + "  " + "b" * 149 + "  "

    # THEN the normalised headline (150 + 1 + 149 = 300) is within the limit
    sub = ArticleSubmission.model_validate(make_payload(headline=headline))
    assert sub.headline == "a" * 150 + " " + "b" * 149


@pytest.mark.parametrize(
    "headline",
    ["<b>Breaking</b> news", "Kyiv <script>alert(1)</script>", "Read <a href='x'>this</a>", "Hi<br/>there"],
)
def test_headline_with_html_is_rejected_as_not_plain_text(make_payload, headline):
    with pytest.raises(ValidationError) as caught:
        ArticleSubmission.model_validate(make_payload(headline=headline))
    (error,) = caught.value.errors()
    assert error["loc"] == ("headline",)
    assert "plain text" in error["msg"]


def test_headline_with_comparison_signs_is_plain_text(make_payload):
    sub = ArticleSubmission.model_validate(make_payload(headline="Inflation < 3% while rates > 5%"))
    assert sub.headline == "Inflation < 3% while rates > 5%"


@pytest.mark.parametrize(
    "text",
    [
        "Profits < 5% in Q3",
        "Q&A: what the deal means",
        "AT&T & Verizon",
        "I <3 Kyiv",
        "a <= b and c >= d",
        "x > y",
        "© 2025 &copy; text",  # an entity that decodes to a harmless character
        "Україна & партнери: «Щит» < 5 млрд",
        "1 << 3",
    ],
)
def test_honest_text_with_angle_brackets_and_ampersands_is_accepted(make_payload, text):
    sub = ArticleSubmission.model_validate(make_payload(headline=text, summary=text, tags=[text[:64]]))
    assert (sub.headline, sub.summary) == (text, text)


@pytest.mark.parametrize(
    "text",
    [
        "&lt;script&gt;alert(1)&lt;/script&gt;",  # entity-encoded tags
        "&#60;img src=x onerror=alert(1)&#62;",  # numeric entities
        "&#x3c;svg onload=alert(1)&#x3e;",  # hex entities
        "&ltscript&gt;",  # legacy entity without a semicolon, as browsers decode it
        "&amp;lt;b&amp;gt;double&amp;lt;/b&amp;gt;",  # encoded twice
        "Read this <scr",  # a partial tag that another field could complete
        "Ends with a bare <",  # "<" + the next field's "script>"
        "</title><script>alert(1)</script>",
        "<!-- comment -->",
        "<?xml version='1.0'?>",
        "x<y",
        "\uff1cscript\uff1e",  # fullwidth angle brackets fold to ASCII under NFKC
    ],
)
def test_partial_and_entity_encoded_markup_is_refused_in_plain_text(make_payload, text):
    # GIVEN markup hidden behind entities, split across fields or written in fullwidth characters
    # WHEN it is a headline THEN it is refused with a message naming the problem
    with pytest.raises(ValidationError) as caught:
        ArticleSubmission.model_validate(make_payload(headline=text))
    (error,) = caught.value.errors()
    assert error["loc"] == ("headline",)
    assert "plain text" in error["msg"]


@pytest.mark.parametrize(
    "path",
    [
        ("summary",),
        ("tags", 0),
        ("authors", 0, "name"),
        ("authors", 0, "role"),
        ("authors", 0, "bio"),
        ("lead_image", "caption"),
        ("lead_image", "credit"),
        ("lead_image", "alt_text"),
        ("correction", "text"),
    ],
)
def test_every_plain_text_field_refuses_encoded_markup(make_payload, path):
    # GIVEN entity-encoded markup in one plain-text field, wherever it is nested
    payload = make_payload(
        authors=[{"name": "Olena Kovalenko"}],
        lead_image={"url": "https://img.example.org/a.jpg"},
        correction={"kind": "correction", "text": "Fixed a date."},
    )
    target: Any = payload
    for key in path[:-1]:
        target = target[key]
    if path == ("tags", 0):
        payload["tags"] = ["&lt;b&gt;"]
    else:
        target[path[-1]] = "&lt;img src=x onerror=alert(1)&gt;"

    # THEN exactly that field is named
    assert set(failures(payload)) == {path}


def test_headline_whitespace_and_control_characters_are_normalised(make_payload):
    # GIVEN tabs, newlines, NBSP, NUL, BEL, a zero-width space and a decomposed accent
    headline = "  Kyiv\u00a0\t under\n\nattack\x00\x07 — Cafe\u0301 Ky\u200biv  "

    # WHEN validated
    sub = ArticleSubmission.model_validate(make_payload(headline=headline))

    # THEN it is NFC, one space between words, no invisible characters
    assert sub.headline == "Kyiv under attack — Caf\u00e9 Kyiv"


# ----------------------------------------------------------------------------------- body_html


def test_body_html_at_the_limit_is_accepted(make_payload):
    body = "<p>" + "x" * (MAX_BODY_HTML_CHARS - 7) + "</p>"
    assert len(ArticleSubmission.model_validate(make_payload(body_html=body)).body_html) == 200_000


@pytest.mark.parametrize(
    ("body", "error"),
    [("", "string_too_short"), ("   ", "string_too_short"), ("x" * 200_001, "string_too_long")],
)
def test_body_html_out_of_bounds_is_rejected(make_payload, body, error):
    assert failures(make_payload(body_html=body)) == {("body_html",): error}


# ------------------------------------------------------------------------------------- summary


def test_summary_is_optional_and_up_to_1000_chars(make_payload):
    assert ArticleSubmission.model_validate(make_payload(summary=...)).summary is None
    assert ArticleSubmission.model_validate(make_payload(summary=None)).summary is None
    assert len(ArticleSubmission.model_validate(make_payload(summary="s" * 1000)).summary or "") == 1000


@pytest.mark.parametrize("summary", ["s" * 1001, "", "<p>Summary</p>"])
def test_summary_too_long_empty_or_html_is_rejected(make_payload, summary):
    assert set(failures(make_payload(summary=summary))) == {("summary",)}


# ------------------------------------------------------------------------------------- authors


def test_twenty_authors_are_accepted(make_payload):
    authors = [{"name": f"Author {i}"} for i in range(20)]
    assert len(ArticleSubmission.model_validate(make_payload(authors=authors)).authors) == 20


@pytest.mark.parametrize(
    ("authors", "error"),
    [([], "too_short"), ([{"name": f"A {i}"} for i in range(21)], "too_long")],
)
def test_author_count_out_of_bounds_is_rejected(make_payload, authors, error):
    assert failures(make_payload(authors=authors)) == {("authors",): error}


@pytest.mark.parametrize(
    ("author", "loc", "error"),
    [
        ({"role": "Reporter"}, ("authors", 1, "name"), "missing"),
        ({"name": "<b>Bold</b> Name"}, ("authors", 1, "name"), "value_error"),
        (
            {"name": "A", "avatar_url": "ftp://img.example.org/a.jpg"},
            ("authors", 1, "avatar_url"),
            "value_error",
        ),
        ({"name": "A", "avatar_url": "javascript:alert(1)"}, ("authors", 1, "avatar_url"), "value_error"),
        ({"name": "A", "avatar_url": "/authors/a.jpg"}, ("authors", 1, "avatar_url"), "value_error"),
        ({"name": "A", "twitter": "@a"}, ("authors", 1, "twitter"), "extra_forbidden"),
    ],
)
def test_an_invalid_author_is_named_by_its_index_and_field(make_payload, author, loc, error):
    # GIVEN a valid first author and an invalid second one
    payload = make_payload(authors=[{"name": "Olena Kovalenko"}, author])

    # THEN the failure names the second author's field
    assert failures(payload) == {loc: error}


@pytest.mark.parametrize("name", ["   ", "\x00\u200b", "n" * 201])
def test_an_empty_or_overlong_author_name_is_named(make_payload, name):
    assert set(failures(make_payload(authors=[{"name": "Olena Kovalenko"}, {"name": name}]))) == {
        ("authors", 1, "name")
    }


def test_author_name_is_normalised_and_avatar_may_be_http(make_payload):
    payload = make_payload(authors=[{"name": "  Olena \n Kovalenko ", "avatar_url": "http://img.example.org/a.jpg"}])
    author = ArticleSubmission.model_validate(payload).authors[0]
    assert (author.name, author.avatar_url) == ("Olena Kovalenko", "http://img.example.org/a.jpg")


# ---------------------------------------------------------------------------------- lead_image


@pytest.mark.parametrize(
    "url",
    [
        "https://img.example.org/2025/07/kyiv.jpg",
        "http://img.example.org/kyiv.jpg",
        "HTTPS://img.example.org/kyiv.jpg",
        "https://img.example.org:8443/kyiv.jpg?w=1200#crop",
    ],
)
def test_lead_image_url_accepts_absolute_http_and_https(make_payload, url):
    sub = ArticleSubmission.model_validate(make_payload(lead_image={"url": url}))
    assert sub.lead_image is not None and sub.lead_image.url == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        "ftp://img.example.org/kyiv.jpg",
        "data:image/png;base64,iVBORw0KGgo=",
        "file:///etc/passwd",
        "/images/kyiv.jpg",
        "images/kyiv.jpg",
        "//img.example.org/kyiv.jpg",
        "img.example.org/kyiv.jpg",
        "https://",
        "https:///kyiv.jpg",
        "https://img.example.org/a b.jpg",
        "",
    ],
)
def test_lead_image_url_rejects_other_schemes_relative_and_hostless(make_payload, url):
    assert set(failures(make_payload(lead_image={"url": url}))) == {("lead_image", "url")}


def test_lead_image_without_url_names_the_nested_field(make_payload):
    assert failures(make_payload(lead_image={"caption": "No picture"})) == {("lead_image", "url"): "missing"}


@pytest.mark.parametrize(("field", "limit"), [("caption", 3000), ("credit", 300), ("alt_text", 300)])
def test_lead_image_text_lengths(make_payload, field, limit):
    # GIVEN a text exactly at the limit THEN it is accepted
    image = {"url": "https://img.example.org/a.jpg", field: "c" * limit}
    sub = ArticleSubmission.model_validate(make_payload(lead_image=image))
    assert sub.lead_image is not None and len(getattr(sub.lead_image, field)) == limit

    # GIVEN one more character THEN the nested field is named
    image[field] = "c" * (limit + 1)
    assert set(failures(make_payload(lead_image=image))) == {("lead_image", field)}


# ------------------------------------------------------------------------- section, kind, urls


@pytest.mark.parametrize("section", ["news", "world-europe", "2025", "a" * 40])
def test_section_accepts_lowercase_slugs(make_payload, section):
    assert ArticleSubmission.model_validate(make_payload(section=section)).section == section


@pytest.mark.parametrize("section", ["News", "-news", "world europe", "world_europe", "новини", "", "a" * 41])
def test_section_rejects_anything_else(make_payload, section):
    assert failures(make_payload(section=section)) == {("section",): "string_pattern_mismatch"}


@pytest.mark.parametrize("kind", ["article", "live_blog", "opinion", "analysis"])
def test_kind_accepts_the_enum_values(make_payload, kind):
    assert ArticleSubmission.model_validate(make_payload(kind=kind)).kind == ArticleKind(kind)


def test_kind_rejects_unknown_values(make_payload):
    assert failures(make_payload(kind="podcast")) == {("kind",): "enum"}


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://news.example.org/a", "/news/a", "https://"])
def test_canonical_url_must_be_absolute_http(make_payload, url):
    assert set(failures(make_payload(canonical_url=url))) == {("canonical_url",)}


@pytest.mark.parametrize(
    "url",
    [
        'https://news.example.org/a"onmouseover="alert(1)',
        "https://news.example.org/a'b",
        "https://news.example.org/<script>",
        "https://news.example.org/a>b",
        "https://news.example.org/a\x00b",
        "https://news.example.org/a\tb",
        "https://news.example.org/a\u00a0b",  # no-break space
        "https://news.example.org/a\u202eb",  # right-to-left override
        "https://news.example.org:99999/a",
        "https://news.example.org:0/a",
        "https://news.example.org:http/a",
        "https://user:secret@news.example.org/a",
        "https://news.example.org@evil.example/a",
        "https://evil.example\\@news.example.org/a",
        "https://news.example.org/a`b",
        "https://news.example.org/{a}",
        "https://-bad-.example.org/a",
        "https://news..example.org/a",
    ],
)
def test_urls_with_quotes_brackets_controls_userinfo_or_bad_ports_are_refused(make_payload, url):
    # GIVEN a URL that could break out of an attribute, hide its host, or name an impossible port
    # THEN every URL field refuses it
    payload = make_payload(
        canonical_url=url,
        lead_image={"url": url},
        authors=[{"name": "A", "avatar_url": url, "url": url}],
    )
    assert set(failures(payload)) == {
        ("canonical_url",),
        ("lead_image", "url"),
        ("authors", 0, "avatar_url"),
        ("authors", 0, "url"),
    }


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example.org/uk/новини/київ",  # an IRI with a Cyrillic path
        "https://новини.example/стаття",
        "https://news.example.org/a%22b?q=%3Cx%3E#top",  # percent-encoded specials are fine
        "http://127.0.0.1:8000/site/a",
        "https://[2001:db8::1]:8443/a",
        "https://news.example.org:443/a",
        "https://news.example.org/o(1)!$&*+,;=:@",
    ],
)
def test_honest_urls_are_accepted(make_payload, url):
    sub = ArticleSubmission.model_validate(make_payload(canonical_url=url))
    assert sub.canonical_url == url


# ---------------------------------------------------------------------------------------- tags


def test_twenty_tags_are_accepted_and_twenty_one_are_not(make_payload):
    twenty = [f"tag {i}" for i in range(20)]
    assert ArticleSubmission.model_validate(make_payload(tags=twenty)).tags == twenty
    assert failures(make_payload(tags=[*twenty, "one more"])) == {("tags",): "too_long"}


@pytest.mark.parametrize("tag", ["", "   ", "t" * 65, "<i>html</i>"])
def test_an_invalid_tag_is_named_by_its_index(make_payload, tag):
    assert set(failures(make_payload(tags=["Ukraine", tag]))) == {("tags", 1)}


def test_a_tag_of_64_chars_is_accepted(make_payload):
    assert ArticleSubmission.model_validate(make_payload(tags=["t" * 64])).tags == ["t" * 64]


def test_tags_are_deduplicated_case_insensitively_keeping_the_first_spelling(make_payload):
    # GIVEN tags repeated in other cases, with extra whitespace, and the German sharp s
    tags = ["Ukraine", "NATO", "ukraine", " UKRAINE ", "nato", "Kyiv", "Straße", "STRASSE"]

    # WHEN validated
    sub = ArticleSubmission.model_validate(make_payload(tags=tags))

    # THEN each tag appears once, as first written, in first-seen order
    assert sub.tags == ["Ukraine", "NATO", "Kyiv", "Straße"]


# ------------------------------------------------------------------------------------ language


@pytest.mark.parametrize(
    ("tag", "normalised"),
    [
        ("en", "en"),
        ("UK", "uk"),
        ("EN-gb", "en-GB"),
        ("pt-br", "pt-BR"),
        ("es-419", "es-419"),
        ("zh-hant-tw", "zh-Hant-TW"),  # RFC 5646 2.1.1: script subtags are title case
    ],
)
def test_language_is_normalised_to_bcp47_case(make_payload, tag, normalised):
    assert ArticleSubmission.model_validate(make_payload(language=tag)).language == normalised


@pytest.mark.parametrize("tag", ["english", "e", "en_GB", "en-", "12", "en-GB-", "a" * 36])
def test_language_rejects_non_bcp47_values(make_payload, tag):
    assert set(failures(make_payload(language=tag))) == {("language",)}


# ---------------------------------------------------------------------------------- publish_at


def test_publish_at_in_the_past_with_any_offset_is_accepted(make_payload):
    sub = ArticleSubmission.model_validate(make_payload(publish_at="2025-07-03T12:30:00+03:00"))
    assert sub.publish_at is not None
    assert sub.publish_at.utcoffset() == timedelta(hours=3)


def test_publish_at_without_timezone_is_rejected(make_payload):
    with pytest.raises(ValidationError) as caught:
        ArticleSubmission.model_validate(make_payload(publish_at="2025-07-03T09:30:00"))
    (error,) = caught.value.errors()
    assert error["loc"] == ("publish_at",)
    assert "time zone" in error["msg"]


@pytest.mark.parametrize(
    "value",
    [
        0,  # a Unix timestamp would silently become 1970-01-01
        1751535000,
        1751535000.5,
        "0",
        "1751535000",
        True,
        "2025-07-03",  # a date without a time
        "2025-07-03T09:30Z",  # no seconds
        "2025-07-03 09:30:00Z",  # space instead of T
        "2025-07-03T09:30:00+0300",  # offset without a colon
        "03/07/2025 09:30",
        "2025-07-03T09:30:00Z trailing",
        ["2025-07-03T09:30:00Z"],
    ],
)
def test_publish_at_is_only_an_rfc3339_string(make_payload, value):
    # GIVEN a publish_at that pydantic's lax mode would coerce (numbers, bare dates, other spellings)
    # THEN it is refused, naming the field
    assert set(failures(make_payload(publish_at=value))) == {("publish_at",)}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-07-03T09:30:00Z", datetime(2025, 7, 3, 9, 30, tzinfo=UTC)),
        ("2025-07-03t09:30:00z", datetime(2025, 7, 3, 9, 30, tzinfo=UTC)),
        ("2025-07-03T09:30:00.123456Z", datetime(2025, 7, 3, 9, 30, 0, 123456, tzinfo=UTC)),
        ("2025-07-03T12:30:00+03:00", datetime(2025, 7, 3, 9, 30, tzinfo=UTC)),
    ],
)
def test_publish_at_accepts_rfc3339_spellings(make_payload, value, expected):
    sub = ArticleSubmission.model_validate(make_payload(publish_at=value))
    assert sub.publish_at == expected


def test_publish_at_in_the_future_is_accepted_up_to_366_days_ahead(make_payload):
    # GIVEN an embargo one hour ahead and one 365 days ahead of the real clock
    for ahead in (timedelta(hours=1), timedelta(days=365)):
        later = utcnow() + ahead

        # WHEN it is validated
        sub = ArticleSubmission.model_validate(make_payload(publish_at=later.isoformat()))

        # THEN it is kept as sent (whether it may be scheduled is the service's question: the role)
        assert sub.publish_at == later


def test_publish_at_more_than_366_days_ahead_is_rejected(make_payload):
    # GIVEN an embargo 367 days ahead (a mistyped year)
    later = (utcnow() + timedelta(days=367)).isoformat()

    # THEN it is refused with a message that says why
    with pytest.raises(ValidationError) as caught:
        ArticleSubmission.model_validate(make_payload(publish_at=later))
    (error,) = caught.value.errors()
    assert error["loc"] == ("publish_at",)
    assert "366 days ahead" in error["msg"]


def test_publish_at_before_1900_is_rejected(make_payload):
    assert failures(make_payload(publish_at="1899-12-31T23:59:59+00:00")) == {("publish_at",): "value_error"}


def test_publish_at_just_now_is_accepted(make_payload):
    just_now = utcnow() - timedelta(seconds=1)
    sub = ArticleSubmission.model_validate(make_payload(publish_at=just_now.isoformat()))
    assert isinstance(sub.publish_at, datetime)


# --------------------------------------------------------------------------------- external_id


@pytest.mark.parametrize("external_id", ["cms:12345", "ap/2025-07-03@v1.2", "A", "x" * 200])
def test_external_id_accepts_the_documented_alphabet(make_payload, external_id):
    assert ArticleSubmission.model_validate(make_payload(external_id=external_id)).external_id == external_id


@pytest.mark.parametrize("external_id", ["", "-cms:1", "cms 1", "cms#1", "ключ", "x" * 201])
def test_external_id_rejects_anything_else(make_payload, external_id):
    assert set(failures(make_payload(external_id=external_id))) == {("external_id",)}


# ---------------------------------------------------------------------------------- correction


@pytest.mark.parametrize("kind", ["correction", "clarification", "update"])
def test_a_correction_note_of_each_kind_is_accepted(make_payload, kind):
    sub = ArticleSubmission.model_validate(make_payload(correction={"kind": kind, "text": "  We fixed  the date. "}))
    assert sub.correction is not None
    assert (sub.correction.kind.value, sub.correction.text) == (kind, "We fixed the date.")


@pytest.mark.parametrize(
    ("correction", "loc"),
    [
        ({"kind": "erratum", "text": "x"}, ("correction", "kind")),
        ({"kind": "correction", "text": ""}, ("correction", "text")),
        ({"kind": "correction", "text": "<b>bold</b>"}, ("correction", "text")),
        ({"kind": "correction", "text": "x" * 3001}, ("correction", "text")),
        ({"kind": "correction"}, ("correction", "text")),
        ({"kind": "correction", "text": "x", "by": "me"}, ("correction", "by")),
    ],
)
def test_an_invalid_correction_note_is_named(make_payload, correction, loc):
    assert set(failures(make_payload(correction=correction))) == {loc}


# -------------------------------------------------------------------------------- unknown data


def test_unknown_top_level_field_is_forbidden(make_payload):
    assert failures(make_payload(headlnie="Typo")) == {("headlnie",): "extra_forbidden"}


def test_unknown_lead_image_field_is_forbidden(make_payload):
    image = {"url": "https://img.example.org/a.jpg", "photographer": "Sefa Karacan"}
    assert failures(make_payload(lead_image=image)) == {("lead_image", "photographer"): "extra_forbidden"}


def test_every_failure_is_reported_at_once_with_its_path(make_payload):
    # GIVEN a payload with four independent mistakes
    payload = make_payload(
        headline=...,
        section="World News",
        lead_image={"url": "javascript:alert(1)"},
        authors=[{"name": "A"}, {"name": "B", "avatar_url": "data:image/png;base64,AA=="}],
    )

    # THEN each one is reported with its own path
    assert set(failures(payload)) == {
        ("headline",),
        ("section",),
        ("lead_image", "url"),
        ("authors", 1, "avatar_url"),
    }
