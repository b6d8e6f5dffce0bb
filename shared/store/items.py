"""Every kind of item the single table holds: one pydantic model each, keys built only here.

| item              | pk                                   | sk            |
|-------------------|--------------------------------------|---------------|
| article head      | ARTICLE#{id}                         | HEAD          |
| revision          | ARTICLE#{id}                         | REV#{n:08d}   |
| slug claim        | SLUG#{slug}                          | SLUG          |
| external id claim | EXTERNAL#{external_id}               | EXTERNAL      |
| tag entry         | TAG#{tag key}                        | {feed_sk}     |

The feeds ``all``, ``section#…`` and ``lang#…`` are sparse GSIs over published heads (``FeedAll``,
``FeedSection``, ``FeedLang`` on ``feed_sk``); heads with unfinished work are in the sparse ``Pending``
GSI, and taken-down articles in the sparse ``Takedowns`` GSI (Atom tombstones). Those index
attributes are derived from the head when it is written (:func:`head_item`), never set by callers,
so a head cannot be in a feed unless it says ``published``.
"""

from __future__ import annotations

import base64
import json
import zlib
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.models.article import ArticleCard, Correction, Entities, MentionedDate, Quote, Topic
from shared.models.common import ArticleKind, ArticleStatus, CorrectionKind

HEAD: Final = "HEAD"
REVISION_PREFIX: Final = "REV#"
ARTICLE_PREFIX: Final = "ARTICLE#"
TAG_PREFIX: Final = "TAG#"
MAIN_FEED_KEY: Final = "all"
PENDING_KEY: Final = "pending"

# Secondary indexes (names are the template's).
FEED_ALL_INDEX: Final = "FeedAll"
FEED_SECTION_INDEX: Final = "FeedSection"
FEED_LANG_INDEX: Final = "FeedLang"
PENDING_INDEX: Final = "Pending"
FEED_SORT_ATTRIBUTE: Final = "feed_sk"
INDEX_ATTRIBUTES: Final = {
    FEED_ALL_INDEX: "feed_all",
    FEED_SECTION_INDEX: "feed_section",
    FEED_LANG_INDEX: "feed_lang",
}
TAKEDOWN_INDEX: Final = "Takedowns"
TAKEDOWN_KEY: Final = "takedown"
TAKEDOWN_PARTITION_ATTRIBUTE: Final = "takedown_pk"
TAKEDOWN_SORT_ATTRIBUTE: Final = "takedown_at"
PENDING_PARTITION_ATTRIBUTE: Final = "pending_pk"
PENDING_SORT_ATTRIBUTE: Final = "pending_at"


def article_pk(article_id: str) -> str:
    return f"{ARTICLE_PREFIX}{article_id}"


def revision_sk(revision: int) -> str:
    return f"{REVISION_PREFIX}{revision:08d}"


def slug_key(slug: str) -> tuple[str, str]:
    return f"SLUG#{slug}", "SLUG"


def external_key(external_id: str) -> tuple[str, str]:
    return f"EXTERNAL#{external_id}", "EXTERNAL"


def tag_pk(tag_key: str) -> str:
    return f"{TAG_PREFIX}{tag_key}"


def feed_sort_key(published_at: datetime, article_id: str) -> str:
    """Feed order: by first publication time, ties by id; lexicographic order is chronological."""
    return published_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ") + "#" + article_id


def iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


# -- the article head --------------------------------------------------------------------------------
class ChangeType(StrEnum):
    """What the write that produced a head did; the relay announces it (see shared.service.relay)."""

    SUBMITTED = "submitted"  # a revision was accepted
    SCHEDULED = "scheduled"  # enriched, waiting for publish_at
    PUBLISHED = "published"  # first publication, scheduled publication, publish-now or restore
    UPDATED = "updated"  # the live revision was replaced
    UNPUBLISHED = "unpublished"  # taken down
    REJECTED = "rejected"  # a revision failed checks
    PROCESSED = "processed"  # enriched without anything public happening (e.g. while taken down)


class HeadChange(BaseModel):
    """The last transition, stored with the head so that events derive from the new image alone."""

    model_config = ConfigDict(frozen=True)

    type: ChangeType
    revision: int
    at: AwareDatetime
    correlation_id: str = Field(description="The request that caused it (events carry it).")
    by: str | None = None
    previous_revision: int | None = None  # the live revision before an update
    changed_fields: list[str] = []
    previous_feeds: list[str] = []
    correction: Correction | None = None
    reasons: list[str] = []  # rejection reasons, or the takedown reason
    restored: bool = False  # PUBLISHED after a takedown
    write_id: str = Field(description="Unique per logical write: recognises our own write after a lost reply.")


class Enrichment(BaseModel):
    """What enrichment derived for the live revision (kept in the head, not in a second document)."""

    model_config = ConfigDict(frozen=True)

    revision: int
    summary: str
    word_count: int
    reading_time_minutes: int
    language: str
    detected_language: str | None = None
    entities: Entities = Entities()
    topics: list[Topic] = []
    quotes: list[Quote] = []
    key_developments: list[str] = []
    dates: list[MentionedDate] = []
    warnings: list[str] = []
    fingerprint: str
    simhash: str
    index_keys: list[str] = []
    duplicate_of: str | None = None
    related: list[str] = []


class Takedown(BaseModel):
    model_config = ConfigDict(frozen=True)

    reason: str
    at: AwareDatetime
    by: str | None = None
    was_published: bool = Field(description="False when it was taken down while still scheduled.")


class ArticleHead(BaseModel):
    """``ARTICLE#{id}`` / ``HEAD``: an article's state and the pointers to what readers see.

    ``revision`` is the newest accepted revision; ``processed_revision`` the newest one enrichment
    finished with; ``live_revision`` the one readers see (while published) or would see (scheduled,
    taken down). Every write replaces the whole head, conditional on the ``version`` it read.
    """

    model_config = ConfigDict(frozen=True)

    id: str
    version: int = Field(ge=1)
    revision: int = Field(ge=1)
    processed_revision: int = 0
    live_revision: int | None = None
    status: ArticleStatus
    submitted_at: AwareDatetime  # first revision
    accepted_at: AwareDatetime  # newest revision
    updated_at: AwareDatetime
    submission_key: str  # newest revision's document
    content_hash: str  # newest revision's content
    correlation_id: str
    submitted_by: str | None = None
    correction_kind: CorrectionKind | None = None  # the newest revision's correction note, as submitted
    correction_text: str | None = None
    external_id: str | None = None
    headline: str  # newest revision's, for listings in the CMS
    section: str
    kind: ArticleKind = ArticleKind.ARTICLE
    publish_at: AwareDatetime | None = None  # newest revision's requested publication time
    published_at: AwareDatetime | None = None  # feed order time, fixed at first publication
    slug: str | None = None
    url: str | None = None
    live_submission_key: str | None = None
    card: ArticleCard | None = None
    enrichment: Enrichment | None = None
    corrections: list[Correction] = []
    feeds: list[str] = []  # feeds of the live revision ("all", "section#news", "lang#uk", "tag#russia")
    rejected_revisions: list[int] = []
    rejection_reasons: list[str] = []
    takedown: Takedown | None = None
    schedule_name: str | None = None
    change: HeadChange
    pending_at: AwareDatetime | None = None  # when the reconciler should look at it (sparse index)
    pending_attempts: int = 0

    @property
    def pk(self) -> str:
        return article_pk(self.id)

    @property
    def feed_sk(self) -> str | None:
        return feed_sort_key(self.published_at, self.id) if self.published_at else None

    @property
    def work_pending(self) -> bool:
        """A revision waits for enrichment, or a scheduled publication waits for its time."""
        return self.revision > self.processed_revision or self.status is ArticleStatus.SCHEDULED


_HEAD_JSON_FIELDS: Final = ("card", "enrichment", "corrections", "takedown", "change")
# Stored compressed (zlib, a binary attribute): DynamoDB bills writes per KB of the item and of each index
# projection, and these two are most of a head's bytes (a 600-word article's card 1.1 KB -> 0.6 KB,
# enrichment 2.1 KB -> 0.9 KB; see docs/decisions.md).
_COMPRESSED_FIELDS: Final = frozenset({"card", "enrichment"})


def pack(document: str) -> bytes:
    return zlib.compress(document.encode("utf-8"), 9)


def unpack(value: str | bytes) -> str:
    """A JSON attribute as stored: plain text, or compressed bytes (base64 text in a Lambda stream event)."""
    if isinstance(value, str):
        if value[:1] in ("{", "["):
            return value
        value = base64.b64decode(value)
    try:
        return zlib.decompress(value).decode("utf-8")
    except zlib.error as error:  # unreadable like any malformed value: a ValueError to every caller
        raise ValueError(f"not a compressed attribute: {error}") from error


def index_partition(head: ArticleHead, index: str) -> str | None:
    """The partition of ``index`` a published head is in: its feed name of that kind."""
    prefix = {FEED_ALL_INDEX: MAIN_FEED_KEY, FEED_SECTION_INDEX: "section#", FEED_LANG_INDEX: "lang#"}[index]
    return next((feed for feed in head.feeds if feed.startswith(prefix)), None)


def head_item(head: ArticleHead) -> dict[str, Any]:
    """The plain attributes of a head, with the derived index attributes (see the module docstring)."""
    values = head.model_dump(mode="json", exclude=set(_HEAD_JSON_FIELDS))
    for name in _HEAD_JSON_FIELDS:
        value = getattr(head, name)
        if value is not None and value != []:
            text = json.dumps(
                value.model_dump(mode="json")
                if isinstance(value, BaseModel)
                else [v.model_dump(mode="json") for v in value],
                ensure_ascii=False,
                separators=(",", ":"),
            )
            values[name] = pack(text) if name in _COMPRESSED_FIELDS else text
    values.update({"pk": head.pk, "sk": HEAD, "entity": "article"})
    feed_sk = head.feed_sk
    if head.status is ArticleStatus.PUBLISHED and feed_sk is not None and head.card is not None:
        values[FEED_SORT_ATTRIBUTE] = feed_sk
        for index, attribute in INDEX_ATTRIBUTES.items():
            values[attribute] = index_partition(head, index)
        if head.enrichment is not None:
            values["sig"] = signature(head.enrichment)
    if head.status is ArticleStatus.UNPUBLISHED and head.takedown is not None and head.takedown.was_published:
        values[TAKEDOWN_PARTITION_ATTRIBUTE] = TAKEDOWN_KEY  # feeds show a tombstone for a while (Atom)
        values[TAKEDOWN_SORT_ATTRIBUTE] = iso(head.takedown.at)
    if head.pending_at is not None:
        values[PENDING_PARTITION_ATTRIBUTE] = PENDING_KEY
        values[PENDING_SORT_ATTRIBUTE] = iso(head.pending_at)
    return {k: v for k, v in values.items() if v is not None and v != []}


def head_from_item(values: dict[str, Any]) -> ArticleHead:
    decoded = dict(values)
    for name in _HEAD_JSON_FIELDS:
        if isinstance(decoded.get(name), str | bytes | bytearray):
            decoded[name] = json.loads(
                unpack(bytes(decoded[name]) if isinstance(decoded[name], bytearray) else decoded[name])
            )
    return ArticleHead.model_validate(decoded)


def card_from(value: str | bytes) -> ArticleCard:
    """A card as an index projects it (compressed bytes) or as older items hold it (JSON text)."""
    return ArticleCard.model_validate_json(unpack(value))


# -- what the feed indexes project --------------------------------------------------------------------
class Signature(BaseModel):
    """The projected attribute near-duplicate and related-article lookups compare against."""

    model_config = ConfigDict(frozen=True)

    fingerprint: str
    simhash: str
    keys: list[str] = []


def signature(enrichment: Enrichment) -> str:
    return Signature(
        fingerprint=enrichment.fingerprint[:16], simhash=enrichment.simhash, keys=enrichment.index_keys
    ).model_dump_json()


class Removal(BaseModel):
    """An article taken down from feeds (``Takedowns`` index): Atom shows it as a deleted entry."""

    model_config = ConfigDict(frozen=True)

    article_id: str
    at: AwareDatetime
    reason: str
    feeds: list[str]


class FeedEntry(BaseModel):
    """One item of a feed as its index returns it."""

    model_config = ConfigDict(frozen=True)

    article_id: str
    sort_key: str
    card: ArticleCard
    signature: Signature | None = None


# -- revisions and claims ------------------------------------------------------------------------------
class RevisionItem(BaseModel):
    """``ARTICLE#{id}`` / ``REV#{n}``: who sent which content when, and the note that came with it."""

    model_config = ConfigDict(frozen=True)

    id: str
    revision: int = Field(ge=1)
    accepted_at: AwareDatetime
    submitted_by: str | None = None
    correlation_id: str
    content_hash: str
    submission_key: str
    correction_kind: CorrectionKind | None = None
    correction_text: str | None = None


def revision_record(head: ArticleHead) -> RevisionItem:
    """The newest revision's record, which the head itself holds until a later revision supersedes it
    (then it is written as a ``REV#`` item in the transaction that accepts the later one)."""
    return RevisionItem(
        id=head.id,
        revision=head.revision,
        accepted_at=head.accepted_at,
        submitted_by=head.submitted_by,
        correlation_id=head.correlation_id,
        content_hash=head.content_hash,
        submission_key=head.submission_key,
        correction_kind=head.correction_kind,
        correction_text=head.correction_text,
    )


class SlugClaim(BaseModel):
    model_config = ConfigDict(frozen=True)

    slug: str
    article_id: str


class ExternalClaim(BaseModel):
    model_config = ConfigDict(frozen=True)

    external_id: str
    article_id: str


class TagEntry(BaseModel):
    """``TAG#{tag key}`` / ``{feed_sk}``: the article appeared in the tag's feed with that sort key.

    Derived and append-only: readers verify each entry against the head (published, still tagged,
    same sort key), so an entry outliving a takedown or a re-tag is never shown.
    """

    model_config = ConfigDict(frozen=True)

    tag_key: str
    sort_key: str
    article_id: str


def tag_entries(head: ArticleHead) -> list[TagEntry]:
    """The tag-feed entries of a head's live revision (written before the head that makes them visible)."""
    sort_key = head.feed_sk
    if sort_key is None:
        return []
    return [
        TagEntry(tag_key=feed.removeprefix("tag#"), sort_key=sort_key, article_id=head.id)
        for feed in head.feeds
        if feed.startswith("tag#")
    ]
