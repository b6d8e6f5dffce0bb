"""Nothing stranded: the reconciler finishes whatever was committed but never completed.

Every head with unfinished work is in the sparse ``Pending`` index with the time to look at it (a
grace period after a revision was accepted; a grace period after a scheduled article's time). Once a
minute the reconciler reads what is due and

* re-announces a revision still waiting for enrichment, with the event id the relay used, so its
  consumer runs again (after events refused for a while, a message in a DLQ, a crash) and anyone who
  saw the first announcement recognises the repeat; it then waits longer before the next attempt;
* publishes a scheduled article whose schedule never fired (the same conditional write the schedule
  would have made);
* drops a mark that no longer means anything.

Its own bookkeeping (the next time to look) does not bump the head's version, so it announces nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final, Protocol

from shared.errors import RevisionConflict
from shared.models.common import ArticleStatus, utcnow
from shared.service.lifecycle import LifecycleService
from shared.service.relay import Publisher, submitted_event
from shared.store.bus import EventPublishError
from shared.store.items import ArticleHead
from shared.store.scheduler import DuePublication

SWEEP_LIMIT: Final = 200
FIRST_RETRY: Final = timedelta(minutes=15)
MAX_RETRY: Final = timedelta(hours=1)


class ReconcileTable(Protocol):
    def get_head(self, article_id: str) -> ArticleHead | None: ...
    def pending(self, now: datetime, limit: int) -> list[str]: ...
    def set_pending(
        self, article_id: str, expected_version: int, pending_at: datetime | None, attempts: int
    ) -> None: ...


@dataclass
class Sweep:
    reannounced: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    cleared: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # re-announcement refused by the bus: retried next sweep


def next_attempt(now: datetime, attempts: int) -> datetime:
    """Exponential backoff: 15, 30, 60 minutes after each re-announcement, at most an hour."""
    delay: timedelta = min(FIRST_RETRY * (2**attempts), MAX_RETRY)
    return now + delay


class ReconcileService:
    def __init__(
        self,
        table: ReconcileTable,
        bus: Publisher,
        lifecycle: LifecycleService,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._table = table
        self._bus = bus
        self._lifecycle = lifecycle
        self._clock = clock

    def sweep(self, correlation_id: str, limit: int = SWEEP_LIMIT) -> Sweep:
        now = self._clock()
        result = Sweep()
        waiting: list[ArticleHead] = []
        for article_id in self._table.pending(now, limit):
            head = self._table.get_head(article_id)
            if head is None or head.pending_at is None or head.pending_at > now:
                continue  # finished (or rescheduled) since the index was read
            if head.revision > head.processed_revision:
                waiting.append(head)
                continue
            try:
                self._settle(head, now, correlation_id, result)
            except RevisionConflict:
                continue  # it moved while we looked: the next sweep sees the new state
        self._reannounce(waiting, now, result)
        return result

    def _reannounce(self, heads: list[ArticleHead], now: datetime, result: Sweep) -> None:
        """Announce again every revision still waiting, together (10 per PutEvents), with the relay's ids."""
        if not heads:
            return
        events = {head.id: submitted_event(head) for head in heads}
        refused: set[str] = set()
        try:
            self._bus.publish(list(events.values()))
        except EventPublishError as error:
            failed = {event for event, _ in error.failed}
            refused = {article_id for article_id, event in events.items() if event in failed}
        for head in heads:
            if head.id in refused:
                result.failed.append(head.id)  # its mark stays due; an outage must not block the rest
                continue
            try:
                attempts = head.pending_attempts
                self._table.set_pending(head.id, head.version, next_attempt(now, attempts), attempts + 1)
            except RevisionConflict:
                pass  # it moved (enriched, most likely) since we read it
            result.reannounced.append(head.id)

    def _settle(self, head: ArticleHead, now: datetime, correlation_id: str, result: Sweep) -> None:
        if head.status is ArticleStatus.SCHEDULED and head.publish_at is not None and head.publish_at <= now:
            assert head.live_revision is not None  # a scheduled head has an enriched revision
            due = DuePublication(article_id=head.id, revision=head.live_revision, publish_at=head.publish_at)
            self._lifecycle.publish_due(due, correlation_id)
            result.published.append(head.id)
        else:
            self._table.set_pending(head.id, head.version, None, 0)
            result.cleared.append(head.id)

    def publish_due(self, due: Sequence[DuePublication], correlation_id: str) -> list[str]:
        """Schedules that fired (the schedule queue): publish each if it still waits for that time."""
        published = []
        for item in due:
            applied = self._lifecycle.publish_due(item, correlation_id)
            if applied is not None and applied.transition.value == "done":
                published.append(item.article_id)
        return published
