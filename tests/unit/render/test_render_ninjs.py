"""IPTC ninjs renderer, validated against the official (vendored) ninjs 3.1 and 2.2 schemas."""

from __future__ import annotations

import json

from shared.models.common import ArticleKind, ArticleStatus
from shared.render.ninjs import render_ninjs, to_ninjs, to_ninjs_v2


def test_official_examples_validate_against_the_vendored_2_2_schema(ninjs22_validator, ninjs_fixture):
    # GIVEN the official IPTC example documents
    for name in ("004_simple_text_article.json", "005_complex_text_article.json"):
        # THEN the vendored schema (with GeoJSON registered offline) accepts them
        ninjs22_validator.validate(ninjs_fixture(name))


def test_the_3_1_validator_really_validates(ninjs31_validator, ninjs_fixture):
    # GIVEN documents the 3.1 schema must reject: 2.x spelling, unknown keys, no uri, a bad date
    example_2_2 = ninjs_fixture("004_simple_text_article.json")
    bad = [
        example_2_2,
        {"uri": "tag:x.org,2025:a", "foo": "bar"},
        {"type": "text"},
        {"uri": "tag:x.org,2025:a", "versionCreated": "yesterday"},
        {"uri": "not a uri"},
    ]
    # THEN every one of them fails, so passing documents mean something
    for document in bad:
        assert not ninjs31_validator.is_valid(document), document


def test_place_geojson_is_resolved_through_the_offline_registry(ninjs31_validator):
    # GIVEN places with valid and invalid GeoJSON (the only $ref to the external schema)
    good = {
        "uri": "tag:x.org,2025:a",
        "places": [{"name": "Kyiv", "geoJSON": {"type": "Point", "coordinates": [30.5, 50.4]}}],
    }
    bad = {"uri": "tag:x.org,2025:a", "places": [{"name": "Kyiv", "geoJSON": {"type": "Point"}}]}
    # THEN the vendored GeoJSON schema is applied
    ninjs31_validator.validate(good)
    assert not ninjs31_validator.is_valid(bad)


def test_article_validates_against_ninjs_3_1(make_article, make_correction, make_site, ninjs31_validator):
    # WHEN a complete, corrected article is converted
    article = make_article(corrections=[make_correction(), make_correction(kind="update", revision=3)])
    document = to_ninjs(article, make_site(), copyright_notice="© Newsroom 2025")

    # THEN it is valid ninjs 3.1 and the served bytes are that document
    ninjs31_validator.validate(document)
    assert json.loads(render_ninjs(article, make_site())) == to_ninjs(article, make_site())


def test_article_fields_map_to_ninjs(make_article, make_site):
    document = to_ninjs(make_article(), make_site())

    assert document["uri"] == "tag:news.example.org,2025:article:a1b2c3"
    assert document["type"] == "text"
    assert document["version"] == "3"
    assert document["language"] == "en"
    assert document["pubStatus"] == "usable"
    assert document["firstCreated"] == "2025-07-03T09:30:00Z"
    assert document["versionCreated"] == "2025-07-03T10:15:00Z"
    assert document["headlines"] == [
        {
            "role": "main",
            "contentType": "text/plain",
            "value": "Ukraine and partners agree on air defence package",
        }
    ]
    assert document["descriptions"] == [
        {
            "role": "summary",
            "contentType": "text/plain",
            "value": "Ministers meeting in Brussels agreed to send more systems.",
        }
    ]
    assert document["bodies"] == [
        {"role": "main", "contentType": "text/html", "wordCount": 410, "value": make_article().body_html}
    ]
    assert document["by"] == "Olena Kovalenko, John Smith"
    assert document["slugline"] == "ukraine-air-defence-package"
    assert document["altIds"] == [{"role": "external", "value": "cms:12345"}]
    assert document["renditions"] == [
        {
            "name": "web",
            "href": "https://news.example.org/news/ukraine-air-defence-package",
            "contentType": "text/html",
        }
    ]
    assert document["genres"] == [{"literal": "article"}]
    assert document["standard"]["version"] == "3.1"
    # AND the site's identity: the publisher holds the copyright and is the publishing info source
    assert document["copyrightHolder"] == "Newsroom"
    assert document["infoSources"] == [{"name": "Newsroom", "role": "publisher", "uri": "https://news.example.org"}]


def test_authors_are_people_with_their_page_then_mentions_by_rank(make_article, make_site):
    # GIVEN one author with a submitted page and one without
    article = make_article(
        authors=[{"name": "Olena Kovalenko", "url": "https://people.example.org/ok"}, {"name": "John Smith"}]
    )

    # WHEN converted
    document = to_ninjs(article, make_site())

    # THEN authors come first (rel author, page as uri), then the people mentioned, ranked
    assert document["people"] == [
        {"name": "Olena Kovalenko", "rel": "author", "uri": "https://people.example.org/ok"},
        {"name": "John Smith", "rel": "author", "uri": "https://news.example.org/authors/john-smith"},
        {"name": "Mark Rutte", "rel": "mentions"},
        {"name": "Olena Zelenska", "rel": "mentions"},
    ]
    assert document["places"] == [
        {"name": "Brussels", "rel": "mentions"},
        {"name": "Kyiv", "rel": "mentions"},
    ]
    assert document["organisations"] == [{"name": "NATO", "rel": "mentions"}]


def test_subjects_tell_editor_tags_from_derived_topics(make_article, make_site):
    document = to_ninjs(make_article(), make_site())
    assert document["subjects"] == [
        {"name": "Air defence", "rel": "about", "creator": "newsroom-pipeline"},
        {"name": "Defence", "rel": "about", "creator": "editor"},
        {"name": "Ukraine", "rel": "about", "creator": "editor"},
    ]


def test_lead_image_is_a_picture_association_with_its_credit(make_article, make_image, make_site):
    article = make_article(lead_image=make_image(width=1200, height=800))
    (association,) = to_ninjs(article, make_site())["associations"]
    assert association == {
        "name": "leadimage",
        "rel": "leadimage",
        "uri": "tag:news.example.org,2025:article:a1b2c3/lead-image",
        "type": "picture",
        "by": "Sefa Karacan/Anadolu via Getty Images",
        "descriptions": [
            {
                "role": "caption",
                "contentType": "text/plain",
                "value": "Rescuers work at the site of a strike in Kyiv on July 3.",
            },
            {"role": "alt", "contentType": "text/plain", "value": "Rescuers among rubble"},
        ],
        "infoSources": [
            {"name": "Anadolu", "role": "agency"},
            {"name": "Getty Images", "role": "distributor"},
        ],
        "renditions": [
            {
                "name": "original",
                "href": "https://img.example.org/2025/07/kyiv.jpg",
                "contentType": "image/jpeg",
                "width": 1200,
                "height": 800,
            }
        ],
    }


def test_corrections_are_dated_text_associations(make_article, make_correction, make_site, ninjs31_validator):
    # GIVEN two notes, stored newest first
    notes = [
        make_correction(
            kind="clarification", text="The package is worth €2bn.", revision=4, published_at="2025-07-05T08:00:00Z"
        ),
        make_correction(),
    ]

    # WHEN converted
    document = to_ninjs(make_article(lead_image=None, corrections=notes), make_site())

    # THEN each is an association (no new top-level key), oldest first, with its kind, date and text
    ninjs31_validator.validate(document)
    assert "corrections" not in document
    assert document["associations"] == [
        {
            "name": "correction-2",
            "rel": "correction",
            "uri": "tag:news.example.org,2025:article:a1b2c3/corrections/2",
            "type": "text",
            "version": "2",
            "versionCreated": "2025-07-03T11:00:00Z",
            "genres": [{"name": "correction"}],
            "bodies": [
                {
                    "role": "correction",
                    "contentType": "text/plain",
                    "value": "An earlier version misnamed the Dutch defence minister.",
                }
            ],
        },
        {
            "name": "clarification-4",
            "rel": "clarification",
            "uri": "tag:news.example.org,2025:article:a1b2c3/corrections/4",
            "type": "text",
            "version": "4",
            "versionCreated": "2025-07-05T08:00:00Z",
            "genres": [{"name": "clarification"}],
            "bodies": [{"role": "clarification", "contentType": "text/plain", "value": "The package is worth €2bn."}],
        },
    ]


def test_minimal_unpublished_article_is_valid_and_withheld(make_article, make_site, ninjs31_validator):
    # GIVEN an article that has not been enriched or published, with an opinion kind
    article = make_article(
        status=ArticleStatus.RECEIVED,
        published_at=None,
        summary=None,
        lead_image=None,
        entities=None,
        topics=[],
        tags=[],
        external_id=None,
        word_count=None,
        slug=None,
        kind=ArticleKind.OPINION,
    )

    # WHEN converted
    document = to_ninjs(article, make_site())

    # THEN it is still valid, withheld, dated from submission, with no empty arrays
    ninjs31_validator.validate(document)
    assert document["pubStatus"] == "withheld"
    assert document["firstCreated"] == "2025-07-03T09:00:00Z"
    assert document["genres"] == [{"literal": "opinion"}]
    for absent in ("descriptions", "associations", "places", "subjects", "altIds", "slugline"):
        assert absent not in document
    assert [p["rel"] for p in document["people"]] == ["author", "author"]


def test_uri_is_owned_by_the_website_whatever_the_article_url(make_article, make_site):
    document = to_ninjs(make_article(url="https://partner.example.com/story"), make_site())
    assert document["uri"] == "tag:news.example.org,2025:article:a1b2c3"


def test_hostile_and_ukrainian_text_stays_valid(
    make_article, make_image, make_correction, make_site, hostile, ninjs31_validator
):
    raw, expected = hostile
    article = make_article(
        id=raw,
        headline=raw,
        summary=raw,
        body_html=f"<p>{raw}</p>",
        tags=[raw, "Україна"],
        lead_image=make_image(caption=raw, credit=raw),
        corrections=[make_correction(text=raw)],
    )
    document = to_ninjs(article, make_site())
    ninjs31_validator.validate(document)
    assert document["headlines"][0]["value"] == expected
    assert document["descriptions"][0]["value"] == expected
    # (the body is HTML: it is published as sanitized, not made inert like plain text)
    assert document["bodies"][0]["value"] == f"<p>{expected.replace(chr(0x2060), '')}</p>"
    assert document["associations"][0]["descriptions"][0]["value"] == expected
    assert {s["name"] for s in document["subjects"]} >= {expected, "Україна"}
    assert document["associations"][1]["bodies"][0]["value"] == expected
    json.dumps(document, ensure_ascii=False).encode("utf-8")


def test_ninjs_2_2_spelling_validates_against_the_2_2_schema(
    make_article, make_correction, make_site, ninjs22_validator, ninjs31_validator
):
    # WHEN the same (corrected) article is rendered for ninjs 2.2 consumers
    article = make_article(corrections=[make_correction()])
    document = to_ninjs_v2(article, make_site(), copyright_notice="© Newsroom")

    # THEN it is valid 2.2 (and not 3.1), with lower-case names and no rel on associations
    ninjs22_validator.validate(document)
    assert not ninjs31_validator.is_valid(document)
    assert document["versioncreated"] == "2025-07-03T10:15:00Z"
    assert document["pubstatus"] == "usable"
    assert document["copyrightnotice"] == "© Newsroom"
    assert document["bodies"][0]["contenttype"] == "text/html"
    assert all("rel" not in association for association in document["associations"])
    assert document["associations"][0]["infosources"][0] == {"name": "Anadolu", "role": "agency"}
    # AND a correction keeps its kind in its genre, since 2.2 associations have no rel
    assert document["associations"][1]["genres"] == [{"name": "correction"}]
    assert document["standard"] == {
        "name": "ninjs",
        "version": "2.2",
        "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json#",
    }


def test_output_is_deterministic_whatever_the_entity_order(make_article, make_site):
    article = make_article()
    assert article.entities is not None
    shuffled = make_article(
        entities=article.entities.model_copy(
            update={
                "people": list(reversed(article.entities.people)),
                "places": list(reversed(article.entities.places)),
            }
        ),
        topics=list(reversed(article.topics)),
    )
    assert render_ninjs(article, make_site()) == render_ninjs(shuffled, make_site())
