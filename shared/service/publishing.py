"""Enrich a submitted revision and publish it: one S3 document, one guarded DynamoDB transaction.

Idempotent by construction: the transaction only commits while the head still says "this revision,
received". A redelivered message finds the revision published and does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol

from shared.enrichment.analyze import analyze
from shared.enrichment.fingerprint import NEAR_DUPLICATE_BITS, content_fingerprint, hamming, simhash, simhash_bands
from shared.enrichment.related import index_keys, relatedness
from shared.enrichment.slug import numbered, slugify
from shared.enrichment.text import excerpt, html_to_text, reading_time_minutes, word_count
from shared.errors import RevisionConflict, SlugTaken
from shared.models.article import Article, ArticleCard
from shared.models.common import ArticleStatus, utcnow
from shared.models.feed import feeds_for
from shared.models.stored import StoredSubmission, document_key
from shared.service.articles import authors, lead_image
from shared.store.blobs import json_document
from shared.store.table import IndexedItem, Publication, json_attribute

MAX_SLUG_ATTEMPTS = 20
DEFAULT_LANGUAGE = "en"
UNDETERMINED = "und"  # BCP 47 for "language not determined"
MAX_RELATED = 5
RELATED_KEYS_QUERIED = 4
RELATED_CANDIDATES_PER_KEY = 25
NEAR_DUPLICATE_CANDIDATES_PER_BAND = 20
# 8 bands of 8 bits: a one- or two-word edit of 300 words keeps at least one band intact almost always
# (4 bands miss ~15-20% of such edits); chance band matches are filtered by the Hamming distance.
NEAR_DUPLICATE_BANDS = 8


class PublishingTable(Protocol):
    def get_head(self, article_id: str) -> dict[str, Any] | None: ...
    def get_fingerprint(self, fingerprint: str) -> dict[str, Any] | None: ...
    def get_slug_owner(self, slug: str) -> str | None: ...
    def query_newest(
        self, pk: str, limit: int, start_after: str | None = None, *, consistent: bool = False
    ) -> tuple[list[dict[str, Any]], bool]: ...
    def publish(self, publication: Publication) -> None: ...
    def reject(self, article_id: str, revision: int, updates: dict[str, Any]) -> None: ...


class Documents(Protocol):
    def get_json(self, key: str) -> Any: ...
    def put_bytes(self, key: str, body: bytes, content_type: str, cache_control: str | None = None) -> None: ...


class Outcome(StrEnum):
    PUBLISHED = "published"
    REJECTED = "rejected"
    SKIPPED = "skipped"  # already done, or superseded by a newer revision


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    article: Article | None = None


def sort_key(published_at: datetime, article_id: str) -> str:
    """Feed order: newest first by time, ties broken by id; lexicographic == chronological."""
    return published_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ") + "#" + article_id


def card_of(article: Article) -> ArticleCard:
    assert article.slug and article.url and article.published_at  # set for every published article
    return ArticleCard(
        id=article.id,
        revision=article.revision,
        headline=article.headline,
        slug=article.slug,
        summary=article.summary,
        url=article.url,
        section=article.section,
        tags=article.tags,
        language=article.language,
        kind=article.kind,
        authors=[{"name": a.name, "url": a.url} for a in article.authors],
        reading_time_minutes=article.reading_time_minutes or 1,
        word_count=article.word_count or 0,
        published_at=article.published_at,
        updated_at=article.updated_at,
        lead_image=article.lead_image,
    )


class PublishingService:
    def __init__(
        self,
        table: PublishingTable,
        documents: Documents,
        website_url: str,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._table = table
        self._documents = documents
        self._website_url = website_url.rstrip("/")
        self._clock = clock

    def process(self, article_id: str, revision: int) -> Result:
        head = self._table.get_head(article_id)
        if head is None:
            # Events echo committed writes, so this is a consistency bug: fail and let it retry/DLQ.
            raise LookupError(f"article {article_id} has no head")
        if head["revision"] != revision or head["status"] != ArticleStatus.RECEIVED:
            return Result(Outcome.SKIPPED)
        stored = StoredSubmission.model_validate(self._documents.get_json(head["submission_key"]))
        sub = stored.submission
        text = html_to_text(sub.body_html)
        words = word_count(text)
        if words == 0:
            return self._reject(article_id, revision, ["body_html has no readable text"])

        published_at = sub.publish_at or stored.submitted_at
        analysis = analyze(
            text,
            sub.body_html,
            declared_language=sub.language,
            published_at=published_at,
            tags=sub.tags,
            kind=sub.kind.value,
        )
        detected = analysis.detected_language if analysis.detected_language != UNDETERMINED else None
        language = sub.language or detected or DEFAULT_LANGUAGE
        fingerprint = content_fingerprint(text)
        near_hash = simhash(text)
        bands = simhash_bands(near_hash, NEAR_DUPLICATE_BANDS)
        keys = index_keys(analysis, sub.tags)
        duplicate_of = self._duplicate_of(article_id, fingerprint, near_hash, bands)
        related = self._related(article_id, keys, exclude=duplicate_of)
        now = self._clock()
        base = Article(
            id=article_id,
            revision=revision,
            status=ArticleStatus.PUBLISHED,
            headline=sub.headline,
            body_html=sub.body_html,
            summary=sub.summary or excerpt(text),
            authors=authors(sub),
            lead_image=lead_image(sub),
            section=sub.section,
            tags=sub.tags,
            language=language,
            kind=sub.kind,
            canonical_url=sub.canonical_url,
            external_id=sub.external_id,
            word_count=words,
            reading_time_minutes=reading_time_minutes(words, language),
            submitted_at=stored.submitted_at,
            published_at=published_at,
            updated_at=now,
            entities=analysis.entities,
            topics=analysis.topics,
            quotes=analysis.quotes,
            key_developments=analysis.key_developments,
            dates=analysis.dates,
            detected_language=analysis.detected_language,
            warnings=analysis.warnings,
            fingerprint=fingerprint,
            duplicate_of=duplicate_of,
            related=related,
        )
        order = sort_key(published_at, article_id)
        feeds = feeds_for(base.section, language, base.tags)
        slug_base = slugify(sub.headline)
        attempt = 0
        while True:
            # Look before writing: a taken slug costs one read, not a document and a transaction.
            attempt, slug = self._free_slug(slug_base, article_id, attempt + 1)
            article = base.model_copy(
                update={
                    "slug": slug,
                    "url": sub.canonical_url or f"{self._website_url}/{base.section}/{slug}",
                }
            )
            body = json_document(article.model_dump(mode="json"))
            key = document_key(article_id, revision, body)
            self._documents.put_bytes(key, body, "application/json")
            card = json_attribute(card_of(article).model_dump(mode="json"))
            entries = [IndexedItem(f"FEED#{feed}", order, {"id": article_id, "card": card}) for feed in feeds]
            entries += [IndexedItem(f"INDEX#{k}", order, {"id": article_id, "keys": keys}) for k in keys]
            entries += [
                IndexedItem(f"SIMHASH#{band}", order, {"id": article_id, "simhash": f"{near_hash:016x}"})
                for band in bands
            ]
            publication = Publication(
                article_id=article_id,
                revision=revision,
                head_updates={
                    "status": ArticleStatus.PUBLISHED.value,
                    "document_key": key,
                    "published_at": published_at.isoformat(),
                    "updated_at": now.isoformat(),
                    "url": article.url,
                    "headline": article.headline,
                    "section": article.section,
                    "language": language,
                    "kind": article.kind.value,
                    "tags": article.tags,
                    "feeds": feeds,
                    "feed_sort": order,
                    "duplicate_of": duplicate_of,
                },
                slug=slug,
                entries=entries,
                fingerprint=None if duplicate_of else fingerprint,
            )
            try:
                self._table.publish(publication)
            except SlugTaken:
                if attempt >= MAX_SLUG_ATTEMPTS:
                    raise
                continue  # claimed between our look and our commit: try the next one
            except RevisionConflict:
                return self._after_conflict(article_id, revision)
            return Result(Outcome.PUBLISHED, article)

    def _free_slug(self, base: str, article_id: str, first_attempt: int) -> tuple[int, str]:
        """The first slug from ``first_attempt`` on that is free or already ours; the id makes the last unique."""
        for attempt in range(first_attempt, MAX_SLUG_ATTEMPTS):
            slug = numbered(base, attempt)
            if self._table.get_slug_owner(slug) in (None, article_id):
                return attempt, slug
        return MAX_SLUG_ATTEMPTS, f"{base}-{article_id.lower()}"

    def _reject(self, article_id: str, revision: int, reasons: list[str]) -> Result:
        try:
            self._table.reject(
                article_id,
                revision,
                {
                    "status": ArticleStatus.REJECTED.value,
                    "rejection_reasons": reasons,
                    "updated_at": self._clock().isoformat(),
                },
            )
        except RevisionConflict:
            return self._after_conflict(article_id, revision)
        return Result(Outcome.REJECTED)

    def _after_conflict(self, article_id: str, revision: int) -> Result:
        head = self._table.get_head(article_id)
        if head is not None and (head["revision"] > revision or head["status"] != ArticleStatus.RECEIVED):
            return Result(Outcome.SKIPPED)  # someone (a redelivery) finished it first
        raise RevisionConflict(f"{article_id} r{revision}: unexpected conflict")

    def _duplicate_of(self, article_id: str, fingerprint: str, near_hash: int, bands: list[str]) -> str | None:
        exact = self._table.get_fingerprint(fingerprint)
        if exact is not None and exact["article_id"] != article_id:
            return str(exact["article_id"])
        best: tuple[int, str] | None = None
        for band in bands:
            items, _ = self._table.query_newest(f"SIMHASH#{band}", NEAR_DUPLICATE_CANDIDATES_PER_BAND)
            for item in items:
                if item["id"] == article_id:
                    continue
                distance = hamming(near_hash, int(item["simhash"], 16))
                if distance <= NEAR_DUPLICATE_BITS and (best is None or distance < best[0]):
                    best = (distance, item["id"])
        return best[1] if best else None

    def _related(self, article_id: str, keys: list[str], exclude: str | None) -> list[str]:
        scores: dict[str, tuple[float, str]] = {}
        for key in keys[:RELATED_KEYS_QUERIED]:
            items, _ = self._table.query_newest(f"INDEX#{key}", RELATED_CANDIDATES_PER_KEY)
            for item in items:
                if item["id"] in (article_id, exclude) or item["id"] in scores:
                    continue
                scores[item["id"]] = (relatedness(keys, item["keys"]), item["sk"])
        ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
        return [article for article, (score, _) in ranked if score > 0][:MAX_RELATED]
