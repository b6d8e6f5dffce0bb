"""Takedown, restore, publish-now and the scheduled publication: state changes of an enriched article.

Each is one conditional write of the head (on the version read), so it happens once however often it
is asked for: a redelivered takedown finds the article unpublished, a schedule that fires twice or for
a state that moved on (rescheduled, taken down, published early) finds nothing to do. Leaving or
rejoining the feeds is part of the same write: the feed indexes follow the head's status.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from shared.errors import Conflict, NotFound, RevisionConflict
from shared.ids import is_article_id
from shared.models.common import ArticleStatus, utcnow
from shared.service.heads import COMMIT_ATTEMPTS, HeadStore, change, commit, successor
from shared.store.items import ArticleHead, ChangeType, TagEntry, Takedown, tag_entries
from shared.store.scheduler import DuePublication


class LifecycleTable(HeadStore, Protocol):
    def put_tag_entries(self, entries: Sequence[TagEntry]) -> None: ...


class ScheduleCanceller(Protocol):
    def cancel(self, name: str) -> None: ...


class Transition(StrEnum):
    DONE = "done"
    ALREADY = "already"  # the article was already in the asked-for state: nothing written
    NOTHING = "nothing"  # a schedule fired for a state that moved on


@dataclass(frozen=True)
class Applied:
    transition: Transition
    head: ArticleHead


@dataclass(frozen=True)
class Actor:
    principal: str | None
    correlation_id: str


class LifecycleService:
    def __init__(
        self,
        table: LifecycleTable,
        schedules: ScheduleCanceller,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._table = table
        self._schedules = schedules
        self._clock = clock

    def unpublish(self, article_id: str, reason: str, actor: Actor) -> Applied:
        """Take a published or scheduled article down: out of every feed, 410 to readers."""
        for _ in range(COMMIT_ATTEMPTS):
            head = self._head(article_id)
            if head.status is ArticleStatus.UNPUBLISHED:
                return Applied(Transition.ALREADY, head)
            if head.status not in (ArticleStatus.PUBLISHED, ArticleStatus.SCHEDULED):
                raise Conflict(f"article {article_id} is {head.status.value}: only a published or scheduled "
                               "article can be taken down")  # fmt: skip
            now = self._clock()
            left = head.feeds if head.status is ArticleStatus.PUBLISHED else []
            record = change(
                ChangeType.UNPUBLISHED, head.live_revision or head.revision, now, actor.correlation_id,
                actor.principal, reasons=[reason], previous_feeds=left,
            )  # fmt: skip
            new = successor(
                head,
                record,
                status=ArticleStatus.UNPUBLISHED,
                takedown=Takedown(reason=reason, at=now, by=actor.principal, was_published=bool(left)),
                schedule_name=None,
            )
            if commit(self._table, new, head.version):
                if head.schedule_name:
                    self._schedules.cancel(head.schedule_name)  # a late fire would find it unpublished anyway
                return Applied(Transition.DONE, new)
        raise RevisionConflict(f"{article_id} kept changing; retry")

    def publish(self, article_id: str, actor: Actor) -> Applied:
        """Restore a taken-down article to its place, or publish a scheduled one now."""
        for _ in range(COMMIT_ATTEMPTS):
            head = self._head(article_id)
            if head.status is ArticleStatus.PUBLISHED:
                return Applied(Transition.ALREADY, head)
            if head.status not in (ArticleStatus.UNPUBLISHED, ArticleStatus.SCHEDULED) or head.card is None:
                raise Conflict(f"article {article_id} is {head.status.value} and has no enriched revision to "
                               "publish yet")  # fmt: skip
            now = self._clock()
            restored = head.takedown is not None and head.takedown.was_published
            new = self._published(head, now, actor.correlation_id, actor.principal, restored=restored)
            if self._commit_published(head, new):
                return Applied(Transition.DONE, new)
        raise RevisionConflict(f"{article_id} kept changing; retry")

    def publish_due(self, due: DuePublication, correlation_id: str) -> Applied | None:
        """A schedule fired: publish the revision it names, if the article still waits for that time."""
        for _ in range(COMMIT_ATTEMPTS):
            head = self._table.get_head(due.article_id)
            if head is None:
                return None
            waiting = (
                head.status is ArticleStatus.SCHEDULED
                and head.live_revision == due.revision
                and head.publish_at == due.publish_at
            )
            if not waiting:
                return Applied(Transition.NOTHING, head)
            new = self._published(head, self._clock(), correlation_id, None, restored=False, keep_time=True)
            if self._commit_published(head, new):
                return Applied(Transition.DONE, new)
        raise RevisionConflict(f"{due.article_id} kept changing; retry")

    # ---------------------------------------------------------------------------------------- helpers
    def _published(
        self,
        head: ArticleHead,
        now: datetime,
        correlation_id: str,
        principal: str | None,
        *,
        restored: bool,
        keep_time: bool = False,
    ) -> ArticleHead:
        assert head.card is not None
        # A restore goes back to its place; publishing a scheduled article early puts it on top now.
        published_at = head.published_at if (restored or keep_time) and head.published_at else now
        card = head.card.model_copy(update={"published_at": published_at})
        record = change(
            ChangeType.PUBLISHED, head.live_revision or head.revision, now, correlation_id, principal,
            restored=restored,
        )  # fmt: skip
        return successor(
            head,
            record,
            status=ArticleStatus.PUBLISHED,
            published_at=published_at,
            card=card,
            takedown=None,
            schedule_name=None,
        )

    def _commit_published(self, head: ArticleHead, new: ArticleHead) -> bool:
        if new.feed_sk != head.feed_sk:
            self._table.put_tag_entries(tag_entries(new))  # before the head that makes them visible
        if not commit(self._table, new, head.version):
            return False
        if head.schedule_name:
            self._schedules.cancel(head.schedule_name)
        return True

    def _head(self, article_id: str) -> ArticleHead:
        head = self._table.get_head(article_id) if is_article_id(article_id) else None
        if head is None:
            raise NotFound(f"article {article_id} does not exist")
        return head
