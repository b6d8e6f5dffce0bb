"""Enrich an accepted revision and commit what it means: published, updated, scheduled or rejected.

One attempt costs: the head (GetItem), the submission (S3 GET; plus the previous live one for an
update, to name the changed fields), the newest entries of the language's feed index (one Query that
serves both near-duplicates and related articles), a slug claim on first publication, the tag
entries (one BatchWriteItem), a schedule for an embargo, and one conditional write of the head.

Idempotent by construction: the head is replaced only if its version is the one read and the revision
is still unprocessed, so a redelivered message finds it processed and does nothing, and an enrichment
of revision N that finishes after N+1 was accepted never publishes N.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Final, Protocol

from shared.enrichment.analyze import analyze
from shared.enrichment.fingerprint import NEAR_DUPLICATE_BITS, content_fingerprint, hamming, simhash
from shared.enrichment.related import index_keys, relatedness
from shared.enrichment.slug import numbered, slugify
from shared.enrichment.text import excerpt, html_to_text, reading_time_minutes, word_count
from shared.errors import RevisionConflict
from shared.models.article import ArticleCard, Byline, Correction
from shared.models.common import ArticleStatus, utcnow
from shared.models.stored import SanitizedSubmission, StoredSubmission
from shared.service.assembly import lead_image
from shared.service.feednames import feeds_for, language_feed
from shared.service.heads import COMMIT_ATTEMPTS, HeadStore, change, commit, successor
from shared.store.items import ArticleHead, ChangeType, Enrichment, TagEntry, tag_entries
from shared.store.scheduler import DuePublication, schedule_name
from shared.store.table import Neighbour

MAX_SLUG_ATTEMPTS: Final = 20
DEFAULT_LANGUAGE: Final = "en"
UNDETERMINED: Final = "und"  # BCP 47 for "language not determined"
MAX_RELATED: Final = 5
CANDIDATES: Final = 100  # newest articles of the language compared for duplicates and "Read more"
SCHEDULE_LEAD: Final = timedelta(seconds=2)  # closer than this to its time, publish now rather than schedule
# Submission fields whose change is named in ArticleUpdated (what readers and partners can see).
_WATCHED_FIELDS: Final = (
    "headline",
    "body_html",
    "summary",
    "authors",
    "lead_image",
    "section",
    "tags",
    "language",
    "kind",
    "canonical_url",
)


class PublishingTable(HeadStore, Protocol):
    def recent_signatures(self, language_feed: str, limit: int) -> list[Neighbour]: ...
    def claim_slug(self, slug: str, article_id: str) -> bool: ...
    def put_tag_entries(self, entries: Sequence[TagEntry]) -> None: ...


class Documents(Protocol):
    def get_json(self, key: str) -> Any: ...


class ScheduleWriter(Protocol):
    def ensure(self, name: str, due: DuePublication) -> None: ...
    def cancel(self, name: str) -> None: ...


class Outcome(StrEnum):
    PUBLISHED = "published"
    UPDATED = "updated"
    SCHEDULED = "scheduled"
    REJECTED = "rejected"
    PROCESSED = "processed"  # enriched while taken down: live again only on restore
    SKIPPED = "skipped"  # already done, or superseded by a newer revision


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    head: ArticleHead | None = None


@dataclass(frozen=True)
class _Analysis:
    """Everything derived from one revision's content (computed once per attempt loop)."""

    submission: SanitizedSubmission
    stored: StoredSubmission
    enrichment: Enrichment | None  # None when the revision is rejected
    reasons: list[str]


class PublishingService:
    def __init__(
        self,
        table: PublishingTable,
        documents: Documents,
        schedules: ScheduleWriter,
        website_url: str,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._table = table
        self._documents = documents
        self._schedules = schedules
        self._website_url = website_url.rstrip("/")
        self._clock = clock

    def process(self, article_id: str, revision: int) -> Result:
        analysis: _Analysis | None = None
        for _ in range(COMMIT_ATTEMPTS):
            head = self._table.get_head(article_id)
            if head is None:
                # Events echo committed writes, so this is a consistency bug: fail and let it retry/DLQ.
                raise LookupError(f"article {article_id} has no head")
            if head.revision != revision or head.processed_revision >= revision:
                return Result(Outcome.SKIPPED)
            if analysis is None:
                analysis = self._analyze(head)
            new, outcome = self._decide(head, analysis)
            self._prepare(new)
            if commit(self._table, new, head.version):
                if head.schedule_name and head.schedule_name != new.schedule_name:
                    self._schedules.cancel(head.schedule_name)  # superseded; a late fire would find nothing
                return Result(outcome, new)
        raise RevisionConflict(f"{article_id} r{revision} kept changing under enrichment; retrying")

    # ------------------------------------------------------------------------------------- analysis
    def _analyze(self, head: ArticleHead) -> _Analysis:
        stored = StoredSubmission.model_validate(self._documents.get_json(head.submission_key))
        sub = stored.submission
        text = html_to_text(sub.body_html)
        words = word_count(text)
        if words == 0:
            return _Analysis(sub, stored, None, ["body_html has no readable text"])
        analysis = analyze(
            text,
            sub.body_html,
            declared_language=sub.language,
            published_at=sub.publish_at or stored.submitted_at,
            tags=sub.tags,
            kind=sub.kind.value,
            headline=sub.headline,
        )
        detected = analysis.detected_language if analysis.detected_language != UNDETERMINED else None
        language = sub.language or detected or DEFAULT_LANGUAGE
        fingerprint, near = content_fingerprint(text), simhash(text)
        keys = index_keys(analysis, sub.tags)
        duplicate_of, related = self._neighbours(head.id, language, fingerprint, near, keys)
        enrichment = Enrichment(
            revision=stored.revision,
            summary=sub.summary or excerpt(text),
            word_count=words,
            reading_time_minutes=reading_time_minutes(words, language),
            language=language,
            detected_language=analysis.detected_language,
            entities=analysis.entities,
            topics=analysis.topics,
            quotes=analysis.quotes,
            key_developments=analysis.key_developments,
            dates=analysis.dates,
            warnings=analysis.warnings,
            fingerprint=fingerprint,
            simhash=f"{near:016x}",
            index_keys=keys,
            duplicate_of=duplicate_of,
            related=related,
        )
        return _Analysis(sub, stored, enrichment, [])

    def _neighbours(
        self, article_id: str, language: str, fingerprint: str, near: int, keys: list[str]
    ) -> tuple[str | None, list[str]]:
        """Near-duplicate and related articles among the newest of the same language (one Query)."""
        entries = self._table.recent_signatures(language_feed(language), CANDIDATES)
        duplicate: tuple[int, str] | None = None
        scores: list[tuple[float, str, str]] = []
        for entry in entries:
            if entry.article_id == article_id:
                continue
            signature = entry.signature
            distance = 0 if signature.fingerprint == fingerprint[:16] else hamming(near, int(signature.simhash, 16))
            if distance <= NEAR_DUPLICATE_BITS and (duplicate is None or distance < duplicate[0]):
                duplicate = (distance, entry.article_id)
            score = relatedness(keys, signature.keys)
            if score > 0:
                scores.append((score, entry.sort_key, entry.article_id))
        duplicate_of = duplicate[1] if duplicate else None
        ranked = [a for _, _, a in sorted(scores, reverse=True) if a != duplicate_of]
        return duplicate_of, ranked[:MAX_RELATED]

    # ------------------------------------------------------------------------------------- decision
    def _decide(self, head: ArticleHead, analysis: _Analysis) -> tuple[ArticleHead, Outcome]:
        now = self._clock()
        revision = analysis.stored.revision
        if analysis.enrichment is None:
            return self._rejected(head, analysis, now), Outcome.REJECTED
        sub = analysis.submission
        embargoed = sub.publish_at is not None and sub.publish_at > now + SCHEDULE_LEAD
        if head.status is ArticleStatus.UNPUBLISHED:
            outcome, status = Outcome.PROCESSED, ArticleStatus.UNPUBLISHED
        elif head.status is ArticleStatus.PUBLISHED:
            outcome, status = Outcome.UPDATED, ArticleStatus.PUBLISHED
        elif embargoed:
            outcome, status = Outcome.SCHEDULED, ArticleStatus.SCHEDULED
        else:
            outcome, status = Outcome.PUBLISHED, ArticleStatus.PUBLISHED
        enrichment = analysis.enrichment
        published_at = head.published_at
        if published_at is None or ArticleStatus.SCHEDULED in (status, head.status):
            # First publication, or a planned time that is not (or no longer) the one it waits for.
            published_at = sub.publish_at or head.accepted_at
        slug, url = self._slug_and_url(head, sub)
        corrections = list(head.corrections)
        if sub.correction is not None and outcome in (Outcome.UPDATED, Outcome.PROCESSED):
            corrections.append(
                Correction(kind=sub.correction.kind, text=sub.correction.text, revision=revision, published_at=now)
            )
        feeds = feeds_for(sub.section, enrichment.language, sub.tags)
        card = _card(head.id, revision, sub, enrichment, slug, url, published_at, now, corrections)
        details: dict[str, Any] = {}
        if outcome is Outcome.UPDATED:
            details = {
                "previous_revision": head.live_revision,
                "changed_fields": self._changed_fields(head, sub),
                "previous_feeds": head.feeds,
                "correction": corrections[-1] if sub.correction is not None else None,
            }
        record = change(
            ChangeType(outcome.value), revision, now, analysis.stored.correlation_id, analysis.stored.submitted_by,
            **details,
        )  # fmt: skip
        new = successor(
            head,
            record,
            status=status,
            processed_revision=revision,
            live_revision=revision,
            live_submission_key=head.submission_key,
            published_at=published_at,
            slug=slug,
            url=url,
            card=card,
            enrichment=enrichment,
            corrections=corrections,
            feeds=feeds,
            schedule_name=schedule_name(head.id, revision) if status is ArticleStatus.SCHEDULED else None,
        )
        return new, outcome

    def _rejected(self, head: ArticleHead, analysis: _Analysis, now: datetime) -> ArticleHead:
        revision = analysis.stored.revision
        record = change(
            ChangeType.REJECTED, revision, now, analysis.stored.correlation_id, analysis.stored.submitted_by,
            reasons=analysis.reasons,
        )  # fmt: skip
        never_live = head.live_revision is None
        return successor(
            head,
            record,
            status=ArticleStatus.REJECTED if never_live else head.status,
            processed_revision=revision,
            rejected_revisions=[*head.rejected_revisions, revision],
            rejection_reasons=analysis.reasons,
        )

    def _slug_and_url(self, head: ArticleHead, sub: SanitizedSubmission) -> tuple[str, str]:
        """A slug is claimed once, at the first enrichment that gets one, and never moves."""
        slug = head.slug or self._claim_slug(head.id, slugify(sub.headline))
        url = sub.canonical_url or head.url or f"{self._website_url}/{sub.section}/{slug}"
        return slug, url

    def _claim_slug(self, article_id: str, base: str) -> str:
        for attempt in range(1, MAX_SLUG_ATTEMPTS + 1):
            candidate = numbered(base, attempt)
            if self._table.claim_slug(candidate, article_id):
                return candidate
        fallback = f"{base}-{article_id.lower()}"  # the id makes it unique
        if not self._table.claim_slug(fallback, article_id):
            raise RevisionConflict(f"slug {fallback} is taken")
        return fallback

    def _changed_fields(self, head: ArticleHead, sub: SanitizedSubmission) -> list[str]:
        if head.live_submission_key is None:
            return list(_WATCHED_FIELDS)
        previous = StoredSubmission.model_validate(self._documents.get_json(head.live_submission_key)).submission
        before, after = previous.model_dump(mode="json"), sub.model_dump(mode="json")
        return [name for name in _WATCHED_FIELDS if before.get(name) != after.get(name)]

    # --------------------------------------------------------------------------------- side effects
    def _prepare(self, new: ArticleHead) -> None:
        """What must exist before the head that refers to it commits; idempotent, harmless if it never does.

        Tag entries are verified against the head on read, and a schedule that fires for a state that
        never committed (or moved on) finds nothing to publish.
        """
        self._table.put_tag_entries(tag_entries(new))
        if new.status is ArticleStatus.SCHEDULED and new.schedule_name and new.publish_at and new.live_revision:
            due = DuePublication(article_id=new.id, revision=new.live_revision, publish_at=new.publish_at)
            self._schedules.ensure(new.schedule_name, due)


def _card(  # noqa: PLR0917 - a plain mapping of the parts of a card
    article_id: str,
    revision: int,
    sub: SanitizedSubmission,
    enrichment: Enrichment,
    slug: str,
    url: str,
    published_at: datetime,
    now: datetime,
    corrections: list[Correction],
) -> ArticleCard:
    return ArticleCard(
        id=article_id,
        revision=revision,
        headline=sub.headline,
        slug=slug,
        summary=enrichment.summary,
        url=url,
        section=sub.section,
        tags=sub.tags,
        language=enrichment.language,
        kind=sub.kind,
        authors=[Byline(name=a.name, url=a.url) for a in sub.authors],
        reading_time_minutes=enrichment.reading_time_minutes,
        word_count=enrichment.word_count,
        published_at=published_at,
        updated_at=now,
        lead_image=lead_image(sub),
        corrections=corrections,
    )
