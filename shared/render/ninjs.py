"""IPTC ninjs (News in JSON) 3.1 and 2.2 documents for one article.

ninjs rejects unknown properties, so only schema fields are emitted; the tests validate the output
against the official schemas. Mapping choices:

- ``uri`` is the article's permanent ``tag:`` URI (the same as its Atom id), not a link;
  ``renditions`` carries the public link, ``version`` the revision.
- Mentioned people/places/organisations go to ``people``/``places``/``organisations`` with
  ``rel: "mentions"``, most-mentioned first; topics go to ``subjects`` with ``creator`` telling
  editor tags from derived ones. Authors are the ``by`` line (ninjs has no author list).
- The lead image is an association (``rel: "leadimage"``, type ``picture``) with its caption, alt
  text, credit line as ``by`` and agency/distributor as ``infoSources``.
"""

from __future__ import annotations

from typing import Any

from shared.models.article import Article, Entity, LeadImage
from shared.models.common import ArticleStatus
from shared.render._common import (
    article_uri,
    clean_text,
    drop_empty,
    image_credit_line,
    image_media_type,
    optional_text,
    rfc3339,
    safe_url,
    unique_texts,
)

NINJS_SCHEMA_URI = "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#"
NINJS_2_SCHEMA_URI = "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json#"

PIPELINE_CREATOR = "newsroom-pipeline"
EDITOR_CREATOR = "editor"

# ninjs 3 renamed this property; every other one we use is the 2.x name in camelCase.
_V2_RENAMES = {"embargoedUntil": "embargoed"}


def _entities(entities: list[Entity]) -> list[dict[str, Any]]:
    # A set, not a sequence: ordered by mentions then name so the output never depends on input order.
    names: dict[str, int] = {}
    for entity in entities:
        name = optional_text(entity.name)
        if name:
            names[name] = names.get(name, 0) + entity.mentions
    ranked = sorted(names.items(), key=lambda kv: (-kv[1], kv[0].casefold(), kv[0]))
    return [{"name": name, "rel": "mentions"} for name, _ in ranked]


def _subjects(article: Article) -> list[dict[str, Any]]:
    # Topics already include the editor's tags; tags are added too in case enrichment has not run.
    # One subject per case-insensitive name; "derived" only if no editor ever chose it.
    found: dict[str, tuple[str, bool]] = {}
    candidates = [(t.name, t.derived) for t in article.topics] + [(tag, False) for tag in article.tags]
    for raw_name, derived in candidates:
        name = optional_text(raw_name)
        if not name:
            continue
        kept_name, kept_derived = found.get(name.casefold(), (name, True))
        found[name.casefold()] = (kept_name, kept_derived and derived)
    return [
        {"name": name, "rel": "about", "creator": PIPELINE_CREATOR if derived else EDITOR_CREATOR}
        for _, (name, derived) in sorted(found.items())
    ]


def _lead_image(image: LeadImage, uri: str) -> dict[str, Any] | None:
    href = safe_url(image.url)
    if href is None:
        return None
    descriptions = [
        {"role": role, "contentType": "text/plain", "value": value}
        for role, value in (("caption", optional_text(image.caption)), ("alt", optional_text(image.alt_text)))
        if value
    ]
    parties = (("agency", image.agency), ("distributor", image.distributor))
    sources = [{"name": name, "role": role} for role, raw in parties if (name := optional_text(raw))]
    rendition = drop_empty({"name": "original", "href": href, "contentType": image_media_type(href)})
    return drop_empty(
        {
            "name": "leadimage",
            "rel": "leadimage",
            "uri": f"{uri}/lead-image",
            "type": "picture",
            "by": image_credit_line(image),
            "descriptions": descriptions,
            "infoSources": sources,
            "renditions": [rendition],
        }
    )


def to_ninjs(
    article: Article,
    *,
    site_url: str | None = None,
    copyright_notice: str | None = None,
) -> dict[str, Any]:
    """The article as a ninjs 3.1 document (a JSON-ready dict).

    ``site_url`` is the newsroom's website; its host owns the ``uri``. Without it the host of
    ``article.url`` is used. A ``ValueError`` means neither is an absolute URL.
    """
    authority = site_url or article.url
    if not authority:
        raise ValueError("to_ninjs needs site_url or article.url to mint the document uri")
    uri = article_uri(article.id, authority)
    first_created = article.published_at or article.submitted_at
    entities = article.entities
    body = drop_empty(
        {
            "role": "main",
            "contentType": "text/html",
            "wordCount": article.word_count,
            "value": clean_text(article.body_html),
        }
    )
    link = safe_url(article.url)
    summary = optional_text(article.summary)
    document: dict[str, Any] = {
        "uri": uri,
        "type": "text",
        "representationType": "full",
        "version": str(article.revision),
        "firstCreated": rfc3339(first_created),
        "versionCreated": rfc3339(article.updated_at),
        "pubStatus": "usable" if article.status == ArticleStatus.PUBLISHED else "withheld",
        "language": optional_text(article.language),
        "slugline": optional_text(article.slug),
        "by": ", ".join(unique_texts(a.name for a in article.authors)),
        "copyrightNotice": optional_text(copyright_notice),
        "headlines": [{"role": "main", "contentType": "text/plain", "value": clean_text(article.headline)}],
        "descriptions": ([{"role": "summary", "contentType": "text/plain", "value": summary}] if summary else []),
        "bodies": [body],
        "people": _entities(entities.people) if entities else [],
        "places": _entities(entities.places) if entities else [],
        "organisations": _entities(entities.organizations) if entities else [],
        "subjects": _subjects(article),
        "genres": [{"literal": article.kind.value}],
        "altIds": [{"role": "external", "value": v} for v in [optional_text(article.external_id)] if v],
        "renditions": [{"name": "web", "href": link, "contentType": "text/html"}] if link else [],
        "associations": [
            association
            for association in [_lead_image(article.lead_image, uri) if article.lead_image else None]
            if association
        ],
        "standard": {"name": "ninjs", "version": "3.1", "schema": NINJS_SCHEMA_URI},
    }
    return drop_empty(document)


def _to_v2(value: Any, *, in_association: bool = False) -> Any:
    if isinstance(value, list):
        return [_to_v2(item, in_association=in_association) for item in value]
    if not isinstance(value, dict):
        return value
    converted: dict[str, Any] = {}
    for key, item in value.items():
        if in_association and key == "rel":
            continue  # ninjs 2.2 associations have a name but no rel
        new_key = _V2_RENAMES.get(key, key.lower())
        converted[new_key] = _to_v2(item, in_association=key == "associations")
    return converted


def to_ninjs_v2(
    article: Article,
    *,
    site_url: str | None = None,
    copyright_notice: str | None = None,
) -> dict[str, Any]:
    """The same document in ninjs 2.2 spelling (lower-case property names), for older consumers."""
    document = _to_v2(to_ninjs(article, site_url=site_url, copyright_notice=copyright_notice))
    document["standard"] = {"name": "ninjs", "version": "2.2", "schema": NINJS_2_SCHEMA_URI}
    return document
