"""In-memory fakes of the AWS adapters for the unit tier (the AWS boundary, nothing of our own logic).

``MemoryTable`` keeps items exactly as ``ArticleTable`` writes them (``head_item`` and the item models)
and answers the same calls with the same conditions: a head is replaced only at the version read,
claims are first-writer-wins, a revision is written once, feed indexes contain a head only while its
stored attributes put it there. So services run against it as against DynamoDB; the integration tier
runs the real adapter against moto with the same expectations.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared.errors import RevisionConflict
from shared.models.common import ArticleStatus
from shared.store.bus import OutgoingEvent
from shared.store.items import (
    FEED_SORT_ATTRIBUTE,
    HEAD,
    INDEX_ATTRIBUTES,
    PENDING_SORT_ATTRIBUTE,
    TAKEDOWN_SORT_ATTRIBUTE,
    ArticleHead,
    ExternalClaim,
    FeedEntry,
    Removal,
    RevisionItem,
    Signature,
    SlugClaim,
    TagEntry,
    article_pk,
    card_from,
    external_key,
    feed_sort_key,
    head_from_item,
    head_item,
    iso,
    revision_sk,
    slug_key,
    tag_pk,
)
from shared.store.scheduler import DuePublication
from shared.store.table import ClaimTaken, FeedCandidate, FeedWindow, Neighbour

Key = tuple[str, str]


class MemoryTable:
    def __init__(self) -> None:
        self.items: dict[Key, dict[str, Any]] = {}
        self.calls: list[str] = []
        # One-shot hooks: run a concurrent writer at the worst possible moment.
        self.before_save: Callable[[], None] | None = None
        self.before_create: Callable[[], None] | None = None

    # -- helpers for tests ----------------------------------------------------------------------------
    def head(self, article_id: str) -> ArticleHead:
        found = self.get_head(article_id)
        assert found is not None, f"no head for {article_id}"
        return found

    def put_head(self, head: ArticleHead) -> None:
        """A head committed earlier (seed)."""
        self.items[(head.pk, HEAD)] = head_item(head)

    def partition(self, pk: str) -> dict[str, dict[str, Any]]:
        return {sk: copy.deepcopy(item) for (p, sk), item in self.items.items() if p == pk}

    def _hook(self, name: str) -> None:
        hook = getattr(self, name)
        setattr(self, name, None)
        if hook is not None:
            hook()

    # -- reads ---------------------------------------------------------------------------------------
    def get_head(self, article_id: str) -> ArticleHead | None:
        self.calls.append("get_head")
        item = self.items.get((article_pk(article_id), HEAD))
        return head_from_item(copy.deepcopy(item)) if item else None

    def get_revision(self, article_id: str, revision: int) -> RevisionItem | None:
        item = self.items.get((article_pk(article_id), revision_sk(revision)))
        return RevisionItem.model_validate(item) if item else None

    def list_revisions(self, article_id: str) -> list[RevisionItem]:
        pk = article_pk(article_id)
        return [
            RevisionItem.model_validate(item)
            for (p, sk), item in sorted(self.items.items())
            if p == pk and sk.startswith("REV#")
        ]

    def get_slug_claim(self, slug: str) -> SlugClaim | None:
        item = self.items.get(slug_key(slug))
        return SlugClaim.model_validate(item) if item else None

    def get_external_claim(self, external_id: str) -> ExternalClaim | None:
        item = self.items.get(external_key(external_id))
        return ExternalClaim.model_validate(item) if item else None

    def feed_entries(self, feed: str, window: FeedWindow) -> tuple[list[FeedEntry], bool]:
        self.calls.append("feed_entries")
        attribute = _index_attribute(feed)
        rows = [item for item in self.items.values() if item.get(attribute) == feed and FEED_SORT_ATTRIBUTE in item]
        rows = _windowed(rows, FEED_SORT_ATTRIBUTE, window)
        entries = [
            FeedEntry(
                article_id=item["id"],
                sort_key=item[FEED_SORT_ATTRIBUTE],
                card=card_from(item["card"]),
                signature=Signature.model_validate_json(item["sig"]) if "sig" in item else None,
            )
            for item in rows[: window.limit]
        ]
        return entries, len(rows) > window.limit

    def recent_signatures(self, language_feed: str, limit: int) -> list[Neighbour]:
        entries, _ = self.feed_entries(language_feed, FeedWindow(limit=limit))
        return [Neighbour(e.article_id, e.sort_key, e.signature) for e in entries if e.signature is not None]

    def tag_entries(self, feed: str, window: FeedWindow) -> tuple[list[TagEntry], bool]:
        tag = feed.removeprefix("tag#")
        rows = [{"sk": sk, **item} for (p, sk), item in self.items.items() if p == tag_pk(tag)]
        rows = _windowed(rows, "sk", window)
        entries = [TagEntry(tag_key=tag, sort_key=r["sk"], article_id=r["id"]) for r in rows[: window.limit]]
        return entries, len(rows) > window.limit

    def feed_candidates(self, article_ids: Sequence[str]) -> dict[str, FeedCandidate]:
        found = {}
        for article_id in article_ids:
            item = self.items.get((article_pk(article_id), HEAD))
            if item is None:
                continue
            published = item.get("published_at")
            found[article_id] = FeedCandidate(
                article_id=article_id,
                status=ArticleStatus(item["status"]),
                feeds=tuple(item.get("feeds", [])),
                sort_key=feed_sort_key(datetime.fromisoformat(published), article_id) if published else None,
                card=card_from(item["card"]) if item.get("card") else None,
            )
        return found

    def pending(self, now: datetime, limit: int) -> list[str]:
        rows = sorted(
            (item for item in self.items.values() if item.get(PENDING_SORT_ATTRIBUTE, "~") <= iso(now)),
            key=lambda item: item[PENDING_SORT_ATTRIBUTE],
        )
        return [item["id"] for item in rows[:limit]]

    def removals(self, since: datetime, limit: int = 100) -> list[Removal]:
        rows = sorted(
            (item for item in self.items.values() if item.get(TAKEDOWN_SORT_ATTRIBUTE, "") >= iso(since)),
            key=lambda item: item[TAKEDOWN_SORT_ATTRIBUTE],
            reverse=True,
        )
        removals = []
        for item in rows[:limit]:
            takedown = json.loads(item["takedown"])
            removals.append(
                Removal(article_id=item["id"], at=takedown["at"], reason=takedown["reason"], feeds=item["feeds"])
            )
        return removals

    # -- writes --------------------------------------------------------------------------------------
    def create(self, head: ArticleHead, *, external: ExternalClaim | None = None) -> None:
        self._hook("before_create")
        parts: list[tuple[str, Key, dict[str, Any]]] = [("article", (head.pk, HEAD), head_item(head))]
        if external is not None:
            parts.append(("external_id", external_key(external.external_id), external.model_dump(mode="json")))
        for what, key, _ in parts:
            if key in self.items:
                raise ClaimTaken(what)  # all or nothing
        for _, key, values in parts:
            self.items[key] = values
        self.calls.append("create")

    def accept_revision(self, head: ArticleHead, superseded: RevisionItem, expected_version: int) -> None:
        self._hook("before_save")
        current = self.items.get((head.pk, HEAD))
        if current is None or current["version"] != expected_version:
            raise RevisionConflict(f"{head.id} moved past {expected_version}")
        self.items[(head.pk, HEAD)] = head_item(head)
        self.items[(head.pk, revision_sk(superseded.revision))] = superseded.model_dump(mode="json")
        self.calls.append("accept_revision")

    def save_head(self, head: ArticleHead, expected_version: int) -> None:
        self._hook("before_save")
        current = self.items.get((head.pk, HEAD))
        if current is None or current["version"] != expected_version:
            raise RevisionConflict(f"{head.id} moved past {expected_version}")
        self.items[(head.pk, HEAD)] = head_item(head)
        self.calls.append(f"save_head {head.change.type.value}")

    def set_pending(self, article_id: str, expected_version: int, pending_at: datetime | None, attempts: int) -> None:
        current = self.items.get((article_pk(article_id), HEAD))
        if current is None or current["version"] != expected_version:
            raise RevisionConflict(f"{article_id} moved past {expected_version}")
        current["pending_attempts"] = attempts
        if pending_at is None:
            current.pop(PENDING_SORT_ATTRIBUTE, None)
            current.pop("pending_pk", None)
        else:
            current[PENDING_SORT_ATTRIBUTE] = iso(pending_at)
            current["pending_pk"] = "pending"
        self.calls.append("set_pending")

    def claim_slug(self, slug: str, article_id: str) -> bool:
        key = slug_key(slug)
        existing = self.items.get(key)
        if existing is not None and existing["article_id"] != article_id:
            return False
        self.items[key] = SlugClaim(slug=slug, article_id=article_id).model_dump()
        return True

    def put_tag_entries(self, entries: Iterable[TagEntry]) -> None:
        for entry in entries:
            self.items[(tag_pk(entry.tag_key), entry.sort_key)] = {"id": entry.article_id}
        self.calls.append("put_tag_entries")


def _index_attribute(feed: str) -> str:
    if feed == "all":
        return INDEX_ATTRIBUTES["FeedAll"]
    if feed.startswith("section#"):
        return INDEX_ATTRIBUTES["FeedSection"]
    if feed.startswith("lang#"):
        return INDEX_ATTRIBUTES["FeedLang"]
    raise ValueError(feed)


def _windowed(rows: list[dict[str, Any]], sort: str, window: FeedWindow) -> list[dict[str, Any]]:
    if window.before is not None:
        rows = [r for r in rows if r[sort] < window.before]
    if window.since is not None:
        rows = [r for r in rows if r[sort] >= window.since]
    return sorted(rows, key=lambda r: r[sort], reverse=window.newest_first)


class MemoryDocuments:
    """The documents bucket: JSON by key, serialized as BlobStore does (non-JSON fails here too)."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def put_json(self, key: str, document: object) -> None:
        self.objects[key] = json.dumps(document, ensure_ascii=False, sort_keys=True).encode()

    def get_json(self, key: str) -> Any:
        if key not in self.objects:
            raise KeyError(key)
        return json.loads(self.objects[key])


@dataclass
class MemorySchedules:
    """EventBridge Scheduler: one-time schedules by name (creating one twice keeps the first)."""

    schedules: dict[str, DuePublication] = field(default_factory=dict)
    cancelled: list[str] = field(default_factory=list)

    def ensure(self, name: str, due: DuePublication) -> None:
        self.schedules.setdefault(name, due)

    def cancel(self, name: str) -> None:
        self.cancelled.append(name)
        self.schedules.pop(name, None)


@dataclass
class MemoryBus:
    """EventBridge: what was published, in order; ``refuse`` makes the next calls fail for those types."""

    published: list[OutgoingEvent] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)

    def publish(self, events: Sequence[OutgoingEvent]) -> None:
        from shared.store.bus import EventPublishError  # noqa: PLC0415

        refused = [(e, "InternalFailure: refused by the test") for e in events if e.detail_type in self.refuse]
        self.published += [e for e in events if e.detail_type not in self.refuse]
        if refused:
            raise EventPublishError(refused)

    def of_type(self, detail_type: str) -> list[dict[str, Any]]:
        return [json.loads(e.detail) for e in self.published if e.detail_type == detail_type]
