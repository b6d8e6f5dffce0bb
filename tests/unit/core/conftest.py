"""Fakes of the AWS adapters and factories for the core unit tests (local to this tier on purpose).

The fakes implement the Protocols the services depend on (``SubmissionTable``, ``HeadReader``,
``FeedTable``, ``DocumentWriter``/``DocumentReader``, ``SiteWriter``) and honour the conditions the
real adapters promise, so the services are exercised exactly as against DynamoDB and S3.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.errors import RevisionConflict, SlugTaken
from shared.models.article import ArticleCard
from shared.models.submission import ArticleSubmission
from shared.store.table import Publication, from_item, json_attribute, to_item

NOW = datetime(2025, 7, 3, 9, 0, tzinfo=UTC)


def ulid(n: int) -> str:
    """A valid article id (Crockford base32, 26 chars) that sorts by ``n``."""
    return f"01JZ{n:022d}"


def feed_sort_key(published_at: datetime, article_id: str) -> str:
    """The feed entry sort key as documented in shared/store/table.py: ``{published_at}#{id}``."""
    return published_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ") + "#" + article_id


class InMemoryTable:
    """The single table in memory, keyed by (pk, sk), with the adapter's conditional writes."""

    def __init__(self, journal: list[str] | None = None) -> None:
        self.items: dict[tuple[str, str], dict[str, Any]] = {}
        self.journal = journal if journal is not None else []
        self.head_lookups: list[str] = []
        # One-shot hooks that simulate a concurrent writer at the worst possible moment.
        self.before_create: Callable[[], None] | None = None
        self.after_manifest_read: Callable[[], None] | None = None

    # ---------------------------------------------------------------- helpers
    def _put(self, pk: str, sk: str, values: Mapping[str, Any]) -> None:
        # Like to_item(): attributes that are None are not stored.
        item = {"pk": pk, "sk": sk, **{k: v for k, v in values.items() if v is not None}}
        self.items[(pk, sk)] = copy.deepcopy(item)

    def _get(self, pk: str, sk: str) -> dict[str, Any] | None:
        item = self.items.get((pk, sk))
        return copy.deepcopy(item) if item is not None else None

    def add_feed_entry(self, feed: str, card: ArticleCard) -> str:
        sk = feed_sort_key(card.published_at, card.id)
        self._put(f"FEED#{feed}", sk, {"id": card.id, "card": json_attribute(card.model_dump(mode="json"))})
        return sk

    # ------------------------------------------------------------------ reads
    def get_head(self, article_id: str) -> dict[str, Any] | None:
        self.head_lookups.append(article_id)
        return self._get(f"ARTICLE#{article_id}", "HEAD")

    def get_revision(self, article_id: str, revision: int) -> dict[str, Any] | None:
        return self._get(f"ARTICLE#{article_id}", f"REV#{revision:08d}")

    def get_external(self, external_id: str) -> dict[str, Any] | None:
        return self._get(f"EXTERNAL#{external_id}", "EXTERNAL")

    def get_feed_manifest(self, feed: str) -> dict[str, Any] | None:
        manifest = self._get(f"FEEDMETA#{feed}", "HEAD")
        hook, self.after_manifest_read = self.after_manifest_read, None
        if hook is not None:
            hook()  # someone else commits after we read: our copy is now stale
        return manifest

    def query_newest(
        self, pk: str, limit: int, start_after: str | None = None, *, consistent: bool = False
    ) -> tuple[list[dict[str, Any]], bool]:
        keys = sorted((sk for (p, sk) in self.items if p == pk), reverse=True)
        if start_after is not None:
            keys = [sk for sk in keys if sk < start_after]
        window = [self._get(pk, sk) for sk in keys[: limit + 1]]  # one look-ahead item, like Limit=limit+1
        return [item for item in window[:limit] if item is not None], len(window) > limit

    # ----------------------------------------------------------------- writes
    def create_article(self, head: dict[str, Any], revision: dict[str, Any], external_id: str | None) -> None:
        hook, self.before_create = self.before_create, None
        if hook is not None:
            hook()
        pk = f"ARTICLE#{head['id']}"
        keys = [(pk, "HEAD"), (pk, f"REV#{revision['revision']:08d}")]
        if external_id is not None:
            keys.append((f"EXTERNAL#{external_id}", "EXTERNAL"))
        if any(key in self.items for key in keys):
            raise RevisionConflict(f"transaction cancelled for {head['id']}")  # all or nothing
        self._put(pk, "HEAD", head)
        self._put(pk, f"REV#{revision['revision']:08d}", revision)
        if external_id is not None:
            self._put(f"EXTERNAL#{external_id}", "EXTERNAL", {"article_id": head["id"]})
        self.journal.append(f"table.create_article {head['id']}")

    def put_feed_manifest(self, feed: str, manifest: dict[str, Any], expected_version: int) -> None:
        current = self.items.get((f"FEEDMETA#{feed}", "HEAD"))
        # ConditionExpression: attribute_not_exists(pk) OR version = :expected
        if current is not None and current.get("version") != expected_version:
            raise RevisionConflict(f"feed {feed} moved past version {expected_version}")
        self._put(f"FEEDMETA#{feed}", "HEAD", manifest)
        self.journal.append(f"table.put_feed_manifest {feed} v{manifest['version']}")

    def manifest(self, feed: str) -> dict[str, Any] | None:
        return self._get(f"FEEDMETA#{feed}", "HEAD")


class TransactionCanceled(Exception):
    """What ``ArticleTable.publish`` lets through when a condition other than the head's or the slug's fails."""


def _as_stored(values: Mapping[str, Any]) -> dict[str, Any]:
    """What DynamoDB gives back for an update's SET values: serialised like the adapter (an unstorable value
    fails here too), a None kept as a NULL attribute."""
    return {k: None if v is None else from_item(to_item({k: v}))[k] for k, v in values.items()}


class PublishingInMemoryTable(InMemoryTable):
    """The table with the publishing adapter's transactions (``PublishingTable``).

    ``publish`` commits all or nothing, checking in the adapter's order: the head still says "this revision,
    received" (else ``RevisionConflict``), the slug is free or ours (else ``SlugTaken``), the fingerprint is
    unclaimed or ours (first writer wins; else the transaction is cancelled). ``reject`` is guarded like
    the head update of ``publish``.
    """

    def __init__(self, journal: list[str] | None = None) -> None:
        super().__init__(journal)
        # One-shot hooks that simulate a concurrent writer at the worst possible moment.
        self.before_commit: Callable[[], None] | None = None  # inside publish/reject, before the conditions
        self.before_fingerprint_lookup: Callable[[], None] | None = None  # after the head was read

    def seed(self, pk: str, sk: str, **attributes: Any) -> None:
        """An item committed earlier (a claim, an index entry, a head)."""
        self._put(pk, sk, attributes)

    def item(self, pk: str, sk: str) -> dict[str, Any] | None:
        return self._get(pk, sk)

    def partition(self, pk: str) -> dict[str, dict[str, Any]]:
        """Every item of a partition by sort key."""
        return {sk: copy.deepcopy(item) for (p, sk), item in self.items.items() if p == pk}

    def get_slug_owner(self, slug: str) -> str | None:
        claim = self._get(f"SLUG#{slug}", "SLUG")
        return claim["article_id"] if claim else None

    def get_fingerprint(self, fingerprint: str) -> dict[str, Any] | None:
        hook, self.before_fingerprint_lookup = self.before_fingerprint_lookup, None
        if hook is not None:
            hook()
        return self._get(f"FINGERPRINT#{fingerprint}", "FINGERPRINT")

    def _check_head(self, article_id: str, revision: int) -> dict[str, Any]:
        # ConditionExpression: #rev = :rev AND #status = :received (fails on a missing head too)
        head = self.items.get((f"ARTICLE#{article_id}", "HEAD"))
        if head is None or head.get("revision") != revision or head.get("status") != "received":
            raise RevisionConflict(f"{article_id} r{revision} is no longer pending")
        return head

    def publish(self, publication: Publication) -> None:
        hook, self.before_commit = self.before_commit, None
        if hook is not None:
            hook()
        p = publication
        head = self._check_head(p.article_id, p.revision)
        slug_claim = self.items.get((f"SLUG#{p.slug}", "SLUG"))
        if slug_claim is not None and slug_claim["article_id"] != p.article_id:
            raise SlugTaken(p.slug)
        if p.fingerprint is not None:
            claim = self.items.get((f"FINGERPRINT#{p.fingerprint}", "FINGERPRINT"))
            if claim is not None and claim["article_id"] != p.article_id:
                raise TransactionCanceled(f"fingerprint claimed by {claim['article_id']}")
        head.update(_as_stored({**p.head_updates, "slug": p.slug}))
        self._put(f"SLUG#{p.slug}", "SLUG", {"article_id": p.article_id})
        if p.fingerprint is not None:
            self._put(f"FINGERPRINT#{p.fingerprint}", "FINGERPRINT", {"article_id": p.article_id})
        for entry in p.entries:
            self._put(entry.pk, entry.sk, from_item(to_item(entry.attributes)))
        self.journal.append(f"table.publish {p.article_id} r{p.revision} {p.slug}")

    def reject(self, article_id: str, revision: int, updates: Mapping[str, Any]) -> None:
        hook, self.before_commit = self.before_commit, None
        if hook is not None:
            hook()
        head = self._check_head(article_id, revision)
        head.update(_as_stored(updates))
        self.journal.append(f"table.reject {article_id} r{revision}")


class FakeBuckets:
    """S3 in memory: JSON documents (private bucket) and rendered files (site bucket)."""

    def __init__(self, journal: list[str] | None = None) -> None:
        self.objects: dict[str, bytes] = {}
        self.content_types: dict[str, str] = {}
        self.cache_controls: dict[str, str | None] = {}
        self.journal = journal if journal is not None else []

    def put_json(self, key: str, document: Any) -> None:
        # Serialised like BlobStore.put_json: a document that is not plain JSON fails here too.
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
        self.objects[key] = body
        self.content_types[key] = "application/json"
        self.journal.append(f"documents.put_json {key}")

    def put_bytes(self, key: str, body: bytes, content_type: str, cache_control: str | None = None) -> None:
        self.objects[key] = bytes(body)
        self.content_types[key] = content_type
        self.cache_controls[key] = cache_control
        self.journal.append(f"site.put_bytes {key}")

    def get_json(self, key: str) -> Any:
        if key not in self.objects:
            raise KeyError(key)  # what BlobStore.get_json raises for NoSuchKey
        return json.loads(self.objects[key])


# ------------------------------------------------------------------------------------ factories


def submission_payload(**overrides: Any) -> dict[str, Any]:
    """A complete, valid ``POST /articles`` body as a CMS would send it."""
    values: dict[str, Any] = {
        "headline": "Ukraine and partners agree on air defence package",
        "body_html": "<p>Ministers met in <b>Brussels</b> on Thursday.</p><p>They agreed to send more.</p>",
        "summary": "Ministers meeting in Brussels agreed to send more systems.",
        "authors": [
            {
                "name": "Olena Kovalenko",
                "role": "Defence correspondent",
                "avatar_url": "https://img.example.org/authors/ok.jpg",
            }
        ],
        "lead_image": {
            "url": "https://img.example.org/2025/07/kyiv.jpg",
            "caption": "Rescuers work at the site of a strike in Kyiv on July 3.",
            "credit": "Sefa Karacan/Anadolu via Getty Images",
            "alt_text": "Rescuers among rubble",
        },
        "section": "news",
        "tags": ["Ukraine", "Defence"],
        "language": "en",
        "kind": "article",
        "publish_at": "2025-07-03T08:30:00+00:00",
        "canonical_url": "https://news.example.org/news/air-defence",
        "external_id": "cms:12345",
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not ...}  # pass ``field=...`` to omit a field


def card(n: int, published_at: datetime, **overrides: Any) -> ArticleCard:
    values: dict[str, Any] = {
        "id": ulid(n),
        "revision": 1,
        "headline": f"Story number {n}",
        "slug": f"story-{n}",
        "url": f"https://news.example.org/news/story-{n}",
        "section": "news",
        "language": "en",
        "authors": ["Olena Kovalenko"],
        "reading_time_minutes": 1,
        "word_count": 120,
        "published_at": published_at,
        "updated_at": published_at,
    }
    return ArticleCard(**(values | overrides))


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def make_payload() -> Callable[..., dict[str, Any]]:
    return submission_payload


@pytest.fixture
def make_submission() -> Callable[..., ArticleSubmission]:
    return lambda **overrides: ArticleSubmission.model_validate(submission_payload(**overrides))


@pytest.fixture
def make_card() -> Callable[..., ArticleCard]:
    return card


@pytest.fixture
def make_id() -> Callable[[int], str]:
    return ulid


@pytest.fixture
def sort_key_of() -> Callable[[datetime, str], str]:
    return feed_sort_key


@pytest.fixture
def journal() -> list[str]:
    """One ordered log shared by the fakes: what was written, and in which order."""
    return []


@pytest.fixture
def table(journal: list[str]) -> InMemoryTable:
    return InMemoryTable(journal)


@pytest.fixture
def publishing_table(journal: list[str]) -> PublishingInMemoryTable:
    return PublishingInMemoryTable(journal)


@pytest.fixture
def buckets(journal: list[str]) -> FakeBuckets:
    return FakeBuckets(journal)


@pytest.fixture
def id_sequence() -> Iterator[str]:
    return (ulid(n) for n in range(1, 10_000))


@pytest.fixture
def minutes_after() -> Callable[[int], datetime]:
    return lambda minutes: NOW + timedelta(minutes=minutes)
