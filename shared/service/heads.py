"""Writing article heads: the one place a new head is derived from the old one and committed.

Every head write replaces the whole head, conditional on the version read, and records what it did
(``change``) so that the relay can announce it. A write carries a unique ``write_id``: when a reply is
lost and botocore's retry finds the condition false, re-reading the head tells whether it was our own
write that landed (done) or someone else's (a real conflict).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any, Final, Protocol

from shared.errors import RevisionConflict
from shared.models.common import ArticleStatus
from shared.store.items import ArticleHead, ChangeType, HeadChange

# How long accepted work may wait before the reconciler looks at it. The pipeline takes seconds; a backlog
# can take minutes, and re-announcing queued work would only add to it (see docs/decisions.md).
RECONCILE_GRACE: Final = timedelta(minutes=15)
COMMIT_ATTEMPTS: Final = 4


class HeadStore(Protocol):
    def get_head(self, article_id: str) -> ArticleHead | None: ...
    def save_head(self, head: ArticleHead, expected_version: int) -> None: ...


def change(
    kind: ChangeType, revision: int, at: datetime, correlation_id: str, by: str | None = None, **details: Any
) -> HeadChange:
    return HeadChange(
        type=kind,
        revision=revision,
        at=at,
        correlation_id=correlation_id,
        by=by,
        write_id=str(uuid.uuid4()),
        **details,
    )


def successor(head: ArticleHead, record: HeadChange, **updates: Any) -> ArticleHead:
    """The head after a write: version + 1, the change recorded, ``updates`` applied, validated."""
    values = head.model_dump()
    values.update(updates)
    values.update(version=head.version + 1, change=record, updated_at=record.at)
    new = ArticleHead.model_validate(values)
    due = pending_at(new, record.at, keep=head.pending_at)
    # Finished work takes its retry count with it: the next stranded revision starts from the first wait.
    return new.model_copy(update={"pending_at": due, "pending_attempts": new.pending_attempts if due else 0})


def pending_at(head: ArticleHead, now: datetime, keep: datetime | None = None) -> datetime | None:
    """When the reconciler should look at this head, or None when no work is pending.

    A revision waiting for enrichment: a grace period after it was accepted (an earlier mark is kept,
    so repeated writes do not postpone it). A scheduled article: a grace period after its time, in case
    its schedule never fires.
    """
    if head.revision > head.processed_revision:
        return keep if keep is not None and keep <= now + RECONCILE_GRACE else head.accepted_at + RECONCILE_GRACE
    if head.status is ArticleStatus.SCHEDULED and head.publish_at is not None:
        return head.publish_at + RECONCILE_GRACE
    return None


def commit(store: HeadStore, new: ArticleHead, expected_version: int) -> bool:
    """Save ``new``; True if it (or our own earlier attempt of it) is now the head, False on a real conflict."""
    try:
        store.save_head(new, expected_version)
    except RevisionConflict:
        current = store.get_head(new.id)
        return current is not None and current.change.write_id == new.change.write_id
    return True
