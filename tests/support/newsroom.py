"""The domain services wired over the in-memory adapters, with a clock the test moves by hand.

Only the AWS boundary is faked (``tests.support.memory``); every service is the real one. Helpers walk
an article through the pipeline the way the functions do: the API accepts a revision, enrichment
processes it, the relay derives events from the committed head.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.models.events import FeedFiles
from shared.models.feed import feed_path
from shared.models.site import SiteIdentity
from shared.models.stored import StoredSubmission
from shared.models.submission import ArticleSubmission
from shared.service.articles import ArticleReader
from shared.service.feeds import FeedService
from shared.service.lifecycle import Actor, LifecycleService
from shared.service.publishing import PublishingService, Result
from shared.service.reconcile import ReconcileService
from shared.service.relay import events_for
from shared.service.submissions import Accepted, Editor, SubmissionService
from shared.store.items import ArticleHead, revision_record
from shared.store.table import FeedWindow
from tests.support.articles import short_article
from tests.support.memory import MemoryBus, MemoryDocuments, MemorySchedules, MemoryTable

NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
WEBSITE_URL = "https://news.example.org"
SITE_BASE_URL = "https://www.example.org"
IDENTITY = SiteIdentity(
    publisher_name="Example News",
    website_url=WEBSITE_URL,
    site_base_url=SITE_BASE_URL,
    publisher_logo_url="https://news.example.org/logo.png",
    default_image_url="https://news.example.org/default.jpg",
    author_url_pattern="https://news.example.org/authors/{slug}",
)
EDITOR = Editor(principal="dana", may_schedule=False, correlation_id="req-editor")
PUBLISHER = Editor(principal="pat", may_schedule=True, correlation_id="req-publisher")
DESK = Actor(principal="pat", correlation_id="req-desk")


def article_id(n: int) -> str:
    """A valid article id (26 characters of Crockford base32) that sorts by ``n``."""
    return f"01JZ{n:022d}"


class Clock:
    """The one clock every service reads; tests move it explicitly."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def submission(n: int = 1, **overrides: Any) -> ArticleSubmission:
    """A small valid article (distinct text per ``n``), with fields replaced as given."""
    values = short_article(n, language="en")
    values.update(overrides)
    return ArticleSubmission.model_validate({k: v for k, v in values.items() if v is not ...})


def concurrently(action: Callable[[], object]) -> Callable[[], None]:
    """A hook for ``MemoryTable.before_save``/``before_create``: another writer commits right then."""

    def run() -> None:
        action()

    return run


def feed_files(feed: str) -> FeedFiles:
    """The relay's feed links, as the relay function builds them for the site's base URL."""
    folder = f"{SITE_BASE_URL}/{feed_path(feed)}"
    return FeedFiles(feed=feed, json_feed=f"{folder}/feed.json", rss=f"{folder}/rss.xml", atom=f"{folder}/atom.xml")


@dataclass
class Newsroom:
    clock: Clock = field(default_factory=Clock)
    table: MemoryTable = field(default_factory=MemoryTable)
    documents: MemoryDocuments = field(default_factory=MemoryDocuments)
    schedules: MemorySchedules = field(default_factory=MemorySchedules)
    bus: MemoryBus = field(default_factory=MemoryBus)

    def __post_init__(self) -> None:
        numbers: Iterator[int] = iter(range(1, 1_000_000))
        self.submissions = SubmissionService(
            self.table, self.documents, WEBSITE_URL, clock=self.clock, new_id=lambda: article_id(next(numbers))
        )
        self.publishing = PublishingService(self.table, self.documents, self.schedules, WEBSITE_URL, clock=self.clock)
        self.lifecycle = LifecycleService(self.table, self.schedules, clock=self.clock)
        self.reader = ArticleReader(self.table, self.documents)
        self.feeds = FeedService(self.table, IDENTITY, clock=self.clock)
        self.reconciler = ReconcileService(self.table, self.bus, self.lifecycle, clock=self.clock)

    # -- walking an article through the pipeline ------------------------------------------------------
    def submit(self, sub: ArticleSubmission | None = None, *, editor: Editor = EDITOR, key: str | None = None) -> str:
        accepted = self.submissions.submit(sub or submission(), editor, key)
        return accepted.body.id

    def process(self, article_id: str) -> Result:
        """Enrichment of the article's newest revision (what the enrich function does per message)."""
        return self.publishing.process(article_id, self.head(article_id).revision)

    def publish(self, sub: ArticleSubmission | None = None, *, editor: Editor = PUBLISHER) -> str:
        """Submitted and enriched: published, or scheduled if its publish_at is ahead."""
        new_id = self.submit(sub, editor=editor)
        self.process(new_id)
        return new_id

    def update(
        self, article_id: str, sub: ArticleSubmission, *, editor: Editor = EDITOR, if_match: int | None = None
    ) -> Accepted:
        current = if_match if if_match is not None else self.head(article_id).revision
        return self.submissions.update(article_id, sub, editor, current)

    def head(self, article_id: str) -> ArticleHead:
        return self.table.head(article_id)

    def document_key(self, article_id: str, revision: int) -> str:
        """The key of the stored submission a revision's record points at (the head holds the newest)."""
        head = self.head(article_id)
        record = revision_record(head) if revision == head.revision else self.table.get_revision(article_id, revision)
        assert record is not None, f"{article_id} has no revision {revision}"
        return record.submission_key

    def document(self, article_id: str, revision: int) -> StoredSubmission:
        return StoredSubmission.model_validate(self.documents.get_json(self.document_key(article_id, revision)))

    def empty_body(self, article_id: str, revision: int) -> None:
        """Replace a stored revision's body by one without text (what enrichment rejects)."""
        stored = self.document(article_id, revision)
        hollow = stored.model_copy(update={"submission": stored.submission.model_copy(update={"body_html": "<p></p>"})})
        self.documents.put_json(self.document_key(article_id, revision), hollow.model_dump(mode="json"))

    # -- looking at the outputs ---------------------------------------------------------------------------
    def feed(self, feed: str, limit: int = 100) -> list[str]:
        """Ids in a GSI feed (all, section#…, lang#…), newest first, as the index holds them."""
        entries, _ = self.table.feed_entries(feed, FeedWindow(limit=limit))
        return [e.article_id for e in entries]

    def page(self, feed: str, limit: int = 100) -> list[str]:
        """Ids on the first API page of any feed (tag feeds verified against their heads)."""
        return [card.id for card in self.feeds.page(feed, limit).items]

    def events(self, article_id: str) -> list[tuple[str, dict[str, Any]]]:
        """The events the relay derives from the article's current head: (detail-type, envelope)."""
        return [(e.detail_type, json.loads(e.detail)) for e in events_for(self.head(article_id), feed_files)]
