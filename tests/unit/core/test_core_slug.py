"""Slugs: Ukrainian national romanization (CMU resolution 55, 2010), ASCII folding, length, numbering."""

from __future__ import annotations

import re

import pytest

from shared.enrichment.slug import MAX_SLUG_LENGTH, numbered, slugify, transliterate


# Examples from the official romanization table of resolution 55 (27 January 2010).
@pytest.mark.parametrize(
    ("ukrainian", "latin"),
    [
        ("Згорани", "Zghorany"),  # зг -> zgh, so it does not read as "zh"
        ("Розгон", "Rozghon"),
        ("Згурський", "Zghurskyi"),
        ("Україна", "Ukraina"),  # ї inside a word -> i
        ("Юрій", "Yurii"),  # ю at the start -> yu, й inside -> i
        ("Київ", "Kyiv"),
        ("Харків", "Kharkiv"),
        ("Єнакієве", "Yenakiieve"),  # є at the start -> ye, inside -> ie
        ("Гаєвич", "Haievych"),
        ("Їжакевич", "Yizhakevych"),  # ї at the start -> yi
        ("Кадиївка", "Kadyivka"),
        ("Йосипівка", "Yosypivka"),  # й at the start -> y
        ("Стрий", "Stryi"),
        ("Олексій", "Oleksii"),
        ("Яготин", "Yahotyn"),  # я at the start -> ya
        ("Костянтин", "Kostiantyn"),  # я inside -> ia
        ("Корюківка", "Koriukivka"),  # ю inside -> iu
        ("Знам'янка", "Znamianka"),  # the apostrophe is not romanized, я after it is "inside"
        ("Знамʼянка", "Znamianka"),  # same with the modifier-letter apostrophe U+02BC
        ("Мар'їне", "Marine"),
        ("Короп'є", "Koropie"),
        ("Ґалаґан", "Galagan"),
        ("Щербухи", "Shcherbukhy"),
        ("Гоща", "Hoshcha"),
        ("Жанна", "Zhanna"),
        ("Луцьк", "Lutsk"),  # the soft sign is dropped
        ("Вінниця", "Vinnytsia"),
        ("Біла Церква", "Bila Tserkva"),
    ],
)
def test_ukrainian_names_follow_the_2010_national_romanization(ukrainian, latin):
    assert transliterate(ukrainian) == latin


def test_word_initial_rules_apply_to_every_word_of_a_phrase():
    assert transliterate("Юрій Ярошенко і Євген Їжак") == "Yurii Yaroshenko i Yevhen Yizhak"


def test_latin_digits_and_punctuation_pass_through_unchanged():
    assert transliterate("NATO, 2025: Kyiv!") == "NATO, 2025: Kyiv!"


@pytest.mark.parametrize(
    ("headline", "slug"),
    [
        (
            "Ukraine and partners agree on air defence package",
            "ukraine-and-partners-agree-on-air-defence-package",
        ),
        ("Київ отримав нові системи ППО", "kyiv-otrymav-novi-systemy-ppo"),
        ("Згорани: у Яготині відкрили школу", "zghorany-u-yahotyni-vidkryly-shkolu"),
        ("Café déjà vu à Zürich", "cafe-deja-vu-a-zurich"),
        ("  --Hello,   World!!--  ", "hello-world"),
        ("COVID-19: what's next?", "covid-19-whats-next"),
    ],
)
def test_slugify_gives_lowercase_ascii_words_joined_by_hyphens(headline, slug):
    assert slugify(headline) == slug


@pytest.mark.parametrize("headline", ["", "   ", "!!! ???", "🇺🇦🔥", "北京"])
def test_slugify_is_never_empty(headline):
    assert slugify(headline) == "article"


def test_a_long_slug_is_cut_at_a_hyphen_within_the_limit():
    # GIVEN a headline whose slug is far longer than 80 characters
    headline = " ".join(f"word{i}" for i in range(40))
    full = slugify(headline, max_length=10_000)

    # WHEN slugified with the default limit
    slug = slugify(headline)

    # THEN it fits, is whole words of the full slug, and no further whole word would fit
    assert len(slug) <= MAX_SLUG_LENGTH
    assert full.startswith(slug) and full[len(slug)] == "-"
    next_word_end = full.find("-", len(slug) + 1)
    assert next_word_end > MAX_SLUG_LENGTH
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug)


def test_a_slug_of_exactly_the_limit_is_kept_whole():
    headline = "a" * 39 + " " + "b" * 40  # 39 + 1 + 40 = 80
    assert slugify(headline) == "a" * 39 + "-" + "b" * 40


def test_a_slug_whose_word_ends_at_the_limit_keeps_that_word():
    headline = "a" * 39 + " " + "b" * 40 + " more"
    assert slugify(headline) == "a" * 39 + "-" + "b" * 40


def test_a_single_overlong_word_is_cut_at_the_limit():
    assert slugify("x" * 100) == "x" * 80


def test_cyrillic_headline_slug_is_cut_after_transliteration():
    # GIVEN a Ukrainian headline whose romanization is longer than 80 characters
    slug = slugify("Щорічна щоденна щирість " * 6)

    # THEN the romanized slug is within the limit and ends on a whole word
    assert len(slug) <= MAX_SLUG_LENGTH
    assert slug.startswith("shchorichna-shchodenna-shchyrist-")
    assert slug.split("-")[-1] in {"shchorichna", "shchodenna", "shchyrist"}


@pytest.mark.parametrize(
    ("attempt", "expected"), [(0, "kyiv-news"), (1, "kyiv-news"), (2, "kyiv-news-2"), (3, "kyiv-news-3")]
)
def test_numbered_slugs(attempt, expected):
    assert numbered("kyiv-news", attempt) == expected
