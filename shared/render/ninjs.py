"""IPTC ninjs (News in JSON) 3.1 and 2.2 documents for one article.

ninjs rejects unknown properties, so only schema fields are emitted; the tests validate the output
against the official schemas. Mapping choices:

- ``uri`` is the article's permanent ``tag:`` URI (the same as its Atom id), not a link;
  ``renditions`` carries the public link, ``version`` the revision.
- Mentioned people/places/organisations go to ``people``/``places``/``organisations`` with
  ``rel: "mentions"``, most-mentioned first; topics go to ``subjects`` with ``creator`` telling
  editor tags from derived ones. Authors are the ``by`` line (ninjs has no author list).
- The lead image is an association (``rel: "leadimage"``, type ``picture``) with its caption, alt
  text, credit line as ``by``, agency/distributor as ``infoSources`` and its pixel size.
- Authors are also ``people`` with ``rel: "author"`` and their page as ``uri``; the publisher is
  the ``copyrightHolder`` and an ``infoSources`` entry with ``role: "publisher"``.
- Correction notes use the extension points the official schema itself validates, not new keys
  (ninjs's own advice for new properties is to publish an extended copy of the schema, which partners
  validating against the official one would reject): each note is an association with
  ``rel`` = its kind (``correction``, ``clarification``, ``update``), a ``versionCreated`` date, the
  revision that carried it as ``version``, and its text as a ``text/plain`` body.
"""

from __future__ import annotations

from typing import Any

from shared.models.article import Article, Author, Correction, Entity, LeadImage
from shared.models.common import ArticleStatus
from shared.models.site import SiteIdentity
from shared.render._common import (
    article_uri,
    author_url,
    clean_text,
    corrections_in_order,
    drop_empty,
    image_credit_line,
    image_media_type,
    json_bytes,
    optional_text,
    plain_text,
    rfc3339,
    safe_url,
    unique_texts,
)

MEDIA_TYPE = "application/json"
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
    rendition = drop_empty(
        {
            "name": "original",
            "href": href,
            "contentType": image_media_type(href),
            "width": image.width,
            "height": image.height,
        }
    )
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


def _authors(authors: list[Author], site: SiteIdentity) -> list[dict[str, Any]]:
    people: dict[str, dict[str, Any]] = {}
    for author in authors:
        name = optional_text(author.name)
        if name and name.casefold() not in people:
            people[name.casefold()] = drop_empty(
                {"name": name, "rel": "author", "uri": author_url(name, author.url, site)}
            )
    return list(people.values())


def _corrections(corrections: list[Correction], uri: str) -> list[dict[str, Any]]:
    return [
        {
            "name": f"{c.kind.value}-{c.revision}",
            "rel": c.kind.value,
            "uri": f"{uri}/corrections/{c.revision}",
            "type": "text",
            "version": str(c.revision),
            "versionCreated": rfc3339(c.published_at),
            "genres": [{"name": c.kind.value}],
            "bodies": [{"role": c.kind.value, "contentType": "text/plain", "value": text}],
        }
        for c in corrections_in_order(corrections)
        if (text := optional_text(c.text))
    ]


def to_ninjs(article: Article, site: SiteIdentity, *, copyright_notice: str | None = None) -> dict[str, Any]:
    """The article as a ninjs 3.1 document (a JSON-ready dict); the website's host owns its ``uri``."""
    uri = article_uri(article.id, site.website_url)
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
    publisher = plain_text(site.publisher_name)
    lead = _lead_image(article.lead_image, uri) if article.lead_image else None
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
        "copyrightHolder": publisher,
        "copyrightNotice": optional_text(copyright_notice),
        "headlines": [{"role": "main", "contentType": "text/plain", "value": plain_text(article.headline)}],
        "descriptions": ([{"role": "summary", "contentType": "text/plain", "value": summary}] if summary else []),
        "bodies": [body],
        "people": _authors(article.authors, site) + (_entities(entities.people) if entities else []),
        "places": _entities(entities.places) if entities else [],
        "organisations": _entities(entities.organizations) if entities else [],
        "subjects": _subjects(article),
        "genres": [{"literal": article.kind.value}],
        "infoSources": [drop_empty({"name": publisher, "role": "publisher", "uri": safe_url(site.website_url)})],
        "altIds": [{"role": "external", "value": v} for v in [optional_text(article.external_id)] if v],
        "renditions": [{"name": "web", "href": link, "contentType": "text/html"}] if link else [],
        "associations": ([lead] if lead else []) + _corrections(article.corrections, uri),
        "standard": {"name": "ninjs", "version": "3.1", "schema": NINJS_SCHEMA_URI},
    }
    return drop_empty(document)


def render_ninjs(article: Article, site: SiteIdentity) -> bytes:
    """The ninjs 3.1 document as the API serves it (compact UTF-8 JSON)."""
    return json_bytes(to_ninjs(article, site))


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


def to_ninjs_v2(article: Article, site: SiteIdentity, *, copyright_notice: str | None = None) -> dict[str, Any]:
    """The same document in ninjs 2.2 spelling (lower-case property names), for older consumers."""
    document: dict[str, Any] = _to_v2(to_ninjs(article, site, copyright_notice=copyright_notice))
    document["standard"] = {"name": "ninjs", "version": "2.2", "schema": NINJS_2_SCHEMA_URI}
    return document
