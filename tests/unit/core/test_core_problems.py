"""RFC 9457 problem details: field paths, per-field messages, body checks."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared.models.submission import ArticleSubmission
from shared.problems import field_path, problem, summary, validation_errors


@pytest.mark.parametrize(
    ("location", "path"),
    [
        (("body", "lead_image", "url"), "lead_image.url"),
        (("body", "authors", 0), "authors[0]"),
        (("body", "authors", 2, "avatar_url"), "authors[2].avatar_url"),
        (("body", "tags", 3), "tags[3]"),
        (("query", "limit"), "limit"),
        (("path", "article_id"), "article_id"),
        (("headline",), "headline"),
        (("authors", 0, "name"), "authors[0].name"),
        (("body",), "body"),
        ((), "body"),
    ],
)
def test_field_path(location, path):
    assert field_path(location) == path


def submission_errors(payload: dict) -> dict[str, dict[str, str]]:
    with pytest.raises(ValidationError) as caught:
        ArticleSubmission.model_validate(payload)
    return {e["field"]: e for e in validation_errors(caught.value.errors())}


def test_validation_errors_name_each_field_with_a_readable_message(make_payload):
    # GIVEN a submission with a missing, an unknown, a nested and an indexed mistake
    payload = make_payload(
        headline=...,
        subtitle="Unknown field",
        lead_image={"url": "javascript:alert(1)"},
        authors=[{"role": "Reporter"}],
    )

    # WHEN pydantic's errors are mapped
    errors = submission_errors(payload)

    # THEN each field has its path, a message without pydantic's prefix, and the error type
    assert set(errors) == {"headline", "subtitle", "lead_image.url", "authors[0].name"}
    assert errors["headline"] == {"field": "headline", "message": "is required", "type": "missing"}
    assert errors["subtitle"]["message"] == "is not a known field"
    assert errors["lead_image.url"]["message"] == "must be an absolute http or https URL"
    assert errors["lead_image.url"]["type"] == "value_error"
    assert errors["authors[0].name"]["message"] == "is required"


def test_a_publish_at_years_ahead_message_explains_why(make_payload):
    # WHEN publish_at is centuries ahead (a mistyped year)
    errors = submission_errors(make_payload(publish_at="2999-01-01T00:00:00+00:00"))

    # THEN the message gives the limit and the likely cause
    assert errors["publish_at"]["message"] == "must not be more than 366 days ahead (a mistyped year?)"


@pytest.mark.parametrize(
    ("override", "field", "limit"),
    [
        ({"body_html": "x" * 200_001}, "body_html", "200000"),
        ({"headline": "h" * 301}, "headline", "300"),
        ({"authors": [{"name": "n" * 201}]}, "authors[0].name", "200"),
        ({"tags": ["t" * 65]}, "tags[0]", "64"),
        ({"lead_image": {"url": "https://e.org/a.jpg", "credit": "c" * 301}}, "lead_image.credit", "300"),
    ],
)
def test_text_length_errors_speak_of_characters(make_payload, override, field, limit):
    # WHEN a text field is too long
    message = submission_errors(make_payload(**override))[field]["message"]

    # THEN the message gives the limit in characters, like any string limit (not "items")
    assert limit in message
    assert "character" in message


def test_unknown_error_types_fall_back_to_the_lowercased_message():
    errors = validation_errors([{"loc": ("body", "x"), "msg": "Assertion failed, Nope", "type": "assertion_error"}])
    assert errors == [{"field": "x", "message": "nope", "type": "assertion_error"}]


def test_summary_lists_up_to_five_fields_and_counts_the_rest():
    fields = [{"field": f"f{i}", "message": "is required"} for i in range(7)]
    text = summary(fields)
    assert text.startswith("f0: is required; f1: is required")
    assert "f4: is required" in text
    assert "f5" not in text
    assert text.endswith("(and 2 more)")
    assert summary([]) == "the request is invalid"


def test_problem_omits_empty_instance_and_errors():
    assert problem(404, "Not found", "no such article", None, []) == {
        "type": "about:blank",
        "title": "Not found",
        "status": 404,
        "detail": "no such article",
    }
    body = problem(422, "Invalid", "d", "/articles", [{"field": "x", "message": "m", "type": "t"}])
    assert body["instance"] == "/articles"
    assert body["errors"] == [{"field": "x", "message": "m", "type": "t"}]
