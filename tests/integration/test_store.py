"""The adapters against moto: every mapped outcome and error path of shared/store, one test each."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.stub import Stubber

from shared.errors import RevisionConflict
from shared.models.article import ArticleCard
from shared.models.common import ArticleStatus
from shared.models.events import ArticleSubmitted, BusMessage
from shared.service.relay import submitted_event
from shared.store.blobs import BlobStore
from shared.store.bus import EventBus, EventPublishError, OutgoingEvent
from shared.store.clients import aws_client, reset_clients
from shared.store.items import (
    ArticleHead,
    ChangeType,
    ExternalClaim,
    HeadChange,
    RevisionItem,
    TagEntry,
    Takedown,
    feed_sort_key,
)
from shared.store.queue import RetryQueue, WorkQueue, backoff_seconds
from shared.store.scheduler import DuePublication, Schedules
from shared.store.table import ArticleTable, ClaimTaken, FeedWindow
from tests.integration.conftest import BUS, DOCUMENTS, SCHEDULE_GROUP, SOURCE, TABLE, Resources

NOW = datetime(2026, 11, 30, 14, 5, tzinfo=UTC)


def head(article_id: str = "01JZ0000000000000000000001", **overrides: Any) -> ArticleHead:
    values: dict[str, Any] = {
        "id": article_id,
        "version": 1,
        "revision": 1,
        "status": ArticleStatus.RECEIVED,
        "submitted_at": NOW,
        "accepted_at": NOW,
        "updated_at": NOW,
        "submission_key": f"submissions/{article_id}/00000001.json",
        "content_hash": "h1",
        "correlation_id": "c1",
        "headline": "A headline",
        "section": "news",
        "change": HeadChange(type=ChangeType.SUBMITTED, revision=1, at=NOW, correlation_id="c1", write_id="w1"),
    }
    return ArticleHead.model_validate(values | overrides)


def published(article_id: str, minutes: int, **overrides: Any) -> ArticleHead:
    at = NOW + timedelta(minutes=minutes)
    card = ArticleCard(
        id=article_id, revision=1, headline=f"Story {minutes}", slug=f"story-{minutes}",
        url=f"https://news.example.org/news/story-{minutes}", section="news", language="en",
        reading_time_minutes=1, word_count=100, published_at=at, updated_at=at,
    )  # fmt: skip
    values: dict[str, Any] = {
        "status": ArticleStatus.PUBLISHED,
        "processed_revision": 1,
        "live_revision": 1,
        "published_at": at,
        "card": card,
        "feeds": ["all", "section#news", "lang#en", "tag#russia"],
    }
    return head(article_id, **(values | overrides))


def revision(article_id: str, number: int = 1) -> RevisionItem:
    return RevisionItem(
        id=article_id, revision=number, accepted_at=NOW, correlation_id="c", content_hash="h",
        submission_key=f"submissions/{article_id}/{number:08d}.json",
    )  # fmt: skip


def ids(n: int) -> str:
    return f"01JZ{n:022d}"


@pytest.fixture
def table(aws: Resources) -> ArticleTable:
    return ArticleTable(TABLE)


def test_create_writes_the_head_with_its_external_id_claim_atomically(table: ArticleTable) -> None:
    first = head(ids(1), external_id="wire:1")
    table.create(first, external=ExternalClaim(external_id="wire:1", article_id=first.id))
    assert table.get_head(first.id) == first
    assert table.get_external_claim("wire:1") == ExternalClaim(external_id="wire:1", article_id=first.id)
    assert table.list_revisions(first.id) == []  # the head holds revision 1's record


@pytest.mark.parametrize(("taken", "with_claim"), [("article", False), ("article", True), ("external_id", True)])
def test_create_names_what_was_taken_and_writes_nothing(table: ArticleTable, taken: str, with_claim: bool) -> None:
    table.create(head(ids(1)), external=ExternalClaim(external_id="e", article_id=ids(1)))
    second = head(ids(1) if taken == "article" else ids(2), headline="Another")
    external = ExternalClaim(external_id="e" if taken == "external_id" else "e2", article_id=second.id)
    with pytest.raises(ClaimTaken) as raised:
        table.create(second, external=external if with_claim else None)
    assert raised.value.what == taken
    assert table.get_external_claim("e2") is None and table.get_head(ids(2)) is None
    assert table.get_head(ids(1)) == head(ids(1))


def test_save_head_is_conditional_on_the_version(table: ArticleTable) -> None:
    current = head(ids(1))
    table.create(current)
    newer = current.model_copy(update={"version": 2, "headline": "Changed"})
    table.save_head(newer, expected_version=1)
    with pytest.raises(RevisionConflict):
        table.save_head(newer.model_copy(update={"version": 3}), expected_version=1)
    assert table.get_head(current.id) == newer


def test_accept_revision_refuses_a_moved_head_and_records_the_superseded_revision(table: ArticleTable) -> None:
    current = head(ids(1))
    table.create(current)
    second = current.model_copy(update={"version": 2, "revision": 2})
    with pytest.raises(RevisionConflict):
        table.accept_revision(second, revision(current.id, 1), expected_version=5)
    assert table.list_revisions(current.id) == [] and table.get_head(current.id) == current
    table.accept_revision(second, revision(current.id, 1), expected_version=1)
    assert table.list_revisions(current.id) == [revision(current.id, 1)]
    assert table.get_head(current.id) == second


def test_set_pending_moves_the_mark_without_touching_the_version(table: ArticleTable) -> None:
    current = head(ids(1), pending_at=NOW)
    table.create(current)
    assert table.pending(NOW, 10) == [current.id]
    table.set_pending(current.id, 1, NOW + timedelta(minutes=5), 1)
    assert table.pending(NOW, 10) == []
    assert table.pending(NOW + timedelta(minutes=5), 10) == [current.id]
    table.set_pending(current.id, 1, None, 0)
    assert table.pending(NOW + timedelta(days=1), 10) == []
    with pytest.raises(RevisionConflict):
        table.set_pending(current.id, 2, None, 0)
    assert table.get_head(current.id).version == 1  # type: ignore[union-attr]


def test_slug_claims_are_first_writer_wins_and_idempotent(table: ArticleTable) -> None:
    assert table.claim_slug("a-story", ids(1)) is True
    assert table.claim_slug("a-story", ids(1)) is True
    assert table.claim_slug("a-story", ids(2)) is False
    assert table.get_slug_claim("a-story").article_id == ids(1)  # type: ignore[union-attr]


def test_feeds_are_indexes_of_published_heads(table: ArticleTable) -> None:
    # GIVEN three published heads and one taken down
    for n in range(1, 4):
        table.create(published(ids(n), minutes=n * 30))
    taken = published(ids(4), minutes=10).model_copy(update={"status": ArticleStatus.UNPUBLISHED})
    table.create(taken)
    # THEN each feed index lists the published ones newest first, one Query a page
    entries, more = table.feed_entries("all", FeedWindow(limit=2))
    assert [e.article_id for e in entries] == [ids(3), ids(2)] and more
    rest, more = table.feed_entries("all", FeedWindow(limit=2, before=entries[-1].sort_key))
    assert [e.article_id for e in rest] == [ids(1)] and not more
    assert [e.article_id for e in table.feed_entries("lang#en", FeedWindow(limit=10))[0]] == [ids(3), ids(2), ids(1)]
    assert table.feed_entries("section#sport", FeedWindow(limit=10))[0] == []
    # AND an hour window reads only that hour, oldest first when asked
    hour = FeedWindow(limit=10, since="2026-11-30T14", before="2026-11-30T15", newest_first=False)
    assert [e.article_id for e in table.feed_entries("all", hour)[0]] == [ids(1)]
    with pytest.raises(ValueError, match="tag feed"):
        table.feed_entries("tag#russia", FeedWindow(limit=1))


def test_tag_entries_are_batched_and_checked_against_heads(table: ArticleTable) -> None:
    heads = [published(ids(n), minutes=n) for n in range(1, 31)]
    for current in heads:
        table.create(current)
    entries = [TagEntry(tag_key="russia", sort_key=h.feed_sk or "", article_id=h.id) for h in heads]
    table.put_tag_entries(entries)  # 30 entries: two BatchWriteItem calls
    found, more = table.tag_entries("tag#russia", FeedWindow(limit=25))
    assert len(found) == 25 and more and found[0].article_id == ids(30)
    candidates = table.feed_candidates([ids(n) for n in range(1, 31)] + [ids(99)])
    assert len(candidates) == 30 and ids(99) not in candidates
    assert candidates[ids(5)].sort_key == feed_sort_key(heads[4].published_at, ids(5))  # type: ignore[arg-type]
    assert candidates[ids(5)].status is ArticleStatus.PUBLISHED and "tag#russia" in candidates[ids(5)].feeds


def test_takedowns_are_listed_for_tombstones(table: ArticleTable) -> None:
    gone = published(ids(1), minutes=1).model_copy(
        update={
            "status": ArticleStatus.UNPUBLISHED,
            "takedown": Takedown(reason="legal", at=NOW + timedelta(hours=1), was_published=True),
        }
    )
    never = gone.model_copy(update={"id": ids(2), "takedown": Takedown(reason="dropped", at=NOW, was_published=False)})
    table.create(gone)
    table.create(never)
    removals = table.removals(NOW - timedelta(days=1))
    assert [(r.article_id, r.reason) for r in removals] == [(ids(1), "legal")]
    assert table.removals(NOW + timedelta(hours=2)) == []


def test_blob_store_round_trip_and_missing_key(aws: Resources) -> None:
    store = BlobStore(DOCUMENTS)
    store.put_json("a/b.json", {"é": 1})
    assert store.get_json("a/b.json") == {"é": 1}
    with pytest.raises(KeyError):
        store.get_json("missing.json")


def test_event_bus_names_the_refused_entries(aws: Resources) -> None:
    bus = EventBus(BUS, SOURCE, client=aws.events)
    events = [OutgoingEvent("A", "{}"), OutgoingEvent("B", "{}")]
    with Stubber(aws.events) as stub:
        stub.add_response(
            "put_events",
            {"FailedEntryCount": 1, "Entries": [{"EventId": "1"}, {"ErrorCode": "Throttled", "ErrorMessage": "slow"}]},
        )
        with pytest.raises(EventPublishError) as raised:
            bus.publish(events)
    assert [(e.detail_type, reason) for e, reason in raised.value.failed] == [("B", "Throttled: slow")]


def test_a_call_that_fails_as_a_whole_fails_its_events_and_the_next_call_is_still_made(aws: Resources) -> None:
    # GIVEN twelve events (two PutEvents calls) and a first call throttled after botocore's retries
    bus = EventBus(BUS, SOURCE, client=aws.events)
    events = [OutgoingEvent(f"E{n}", "{}") for n in range(12)]
    with Stubber(aws.events) as stub:
        stub.add_client_error("put_events", service_error_code="ThrottlingException", http_status_code=400)
        stub.add_response("put_events", {"FailedEntryCount": 0, "Entries": [{"EventId": "a"}, {"EventId": "b"}]})
        # WHEN they are published
        with pytest.raises(EventPublishError) as raised:
            bus.publish(events)
        # THEN both calls were made, and exactly the first call's ten events are named as not accepted
        stub.assert_no_pending_responses()
    assert [e.detail_type for e, _ in raised.value.failed] == [f"E{n}" for n in range(10)]
    assert all("ThrottlingException" in reason for _, reason in raised.value.failed)


def test_work_queue_sends_events_as_a_rule_would_deliver_them(aws: Resources) -> None:
    # GIVEN twelve accepted revisions' events (two SendMessageBatch calls)
    queue = WorkQueue(f"arn:aws:sqs:us-east-1:123456789012:{aws.enrich_queue.rsplit('/', 1)[-1]}", SOURCE)
    events = [
        submitted_event(head(ids(n), accepted_at=NOW + timedelta(seconds=n), correlation_id=f"c{n}"))
        for n in range(1, 13)
    ]
    # WHEN they are sent
    queue.publish(events)
    # THEN each is one message with the shape an EventBridge rule delivers, read by the consumer's model
    bodies = []
    while batch := aws.sqs.receive_message(QueueUrl=aws.enrich_queue, MaxNumberOfMessages=10).get("Messages", []):
        bodies += [m["Body"] for m in batch]
        aws.sqs.delete_message_batch(
            QueueUrl=aws.enrich_queue,
            Entries=[{"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(batch)],
        )
    messages = sorted((BusMessage[ArticleSubmitted].model_validate_json(b) for b in bodies), key=lambda m: m.time)
    assert [m.detail.data.article_id for m in messages] == [ids(n) for n in range(1, 13)]
    assert {(m.detail_type, m.source) for m in messages} == {("ArticleSubmitted", SOURCE)}
    assert all(m.id == m.detail.metadata.event_id and m.time == m.detail.metadata.occurred_at for m in messages)


def test_work_queue_names_the_events_sqs_did_not_take(aws: Resources) -> None:
    # GIVEN twelve events, a first batch call that fails as a whole and a second that refuses one entry
    queue = WorkQueue("arn:aws:sqs:us-east-1:123456789012:enrich", SOURCE, client=aws.sqs)
    events = [submitted_event(head(ids(n))) for n in range(1, 13)]
    with Stubber(aws.sqs) as stub:
        stub.add_client_error("send_message_batch", service_error_code="RequestThrottled", http_status_code=400)
        stub.add_response(
            "send_message_batch",
            {
                "Successful": [{"Id": "0", "MessageId": "m", "MD5OfMessageBody": "x"}],
                "Failed": [{"Id": "1", "SenderFault": False, "Code": "InternalError", "Message": "try again"}],
            },
        )
        # WHEN they are sent  THEN both calls were made and exactly the refused events are named
        with pytest.raises(EventPublishError) as raised:
            queue.publish(events)
        stub.assert_no_pending_responses()
    assert [json.loads(e.detail)["data"]["article_id"] for e, _ in raised.value.failed] == [
        *(ids(n) for n in range(1, 11)),
        ids(12),
    ]
    assert raised.value.failed[-1][1] == "InternalError: try again"


def test_schedules_are_created_once_and_cancelled_quietly(aws: Resources) -> None:
    schedules = Schedules(SCHEDULE_GROUP, "arn:aws:sqs:us-east-1:123456789012:schedule", "arn:aws:iam::1:role/r",
                          "arn:aws:sqs:us-east-1:123456789012:schedule-dlq")  # fmt: skip
    due = DuePublication(article_id=ids(1), revision=1, publish_at=NOW)
    schedules.ensure("article-x-r1", due)
    schedules.ensure("article-x-r1", due.model_copy(update={"revision": 9}))
    stored = aws.scheduler.get_schedule(Name="article-x-r1", GroupName=SCHEDULE_GROUP)
    assert stored["ScheduleExpression"] == "at(2026-11-30T14:05:00)"
    assert DuePublication.model_validate_json(stored["Target"]["Input"]).revision == 1
    assert stored["ActionAfterCompletion"] == "DELETE"
    schedules.cancel("article-x-r1")
    schedules.cancel("article-x-r1")
    assert aws.scheduler.list_schedules(GroupName=SCHEDULE_GROUP)["Schedules"] == []


def test_a_failed_message_comes_back_after_a_backoff(aws: Resources) -> None:
    aws.sqs.send_message(QueueUrl=aws.enrich_queue, MessageBody="x")
    message = aws.sqs.receive_message(QueueUrl=aws.enrich_queue)["Messages"][0]
    RetryQueue().back_off("arn:aws:sqs:us-east-1:123456789012:enrich", message["ReceiptHandle"], receive_count=3)
    assert aws.sqs.receive_message(QueueUrl=aws.enrich_queue).get("Messages", []) == []
    assert [backoff_seconds(n) for n in (1, 2, 3, 10)] == [2, 4, 8, 300]


def test_clients_come_from_one_session_and_can_be_created_concurrently(aws: Resources) -> None:
    # GIVEN no client created yet in this process
    reset_clients()
    # WHEN eight threads ask for four services at once
    services = ["dynamodb", "s3", "events", "sqs"] * 2
    with ThreadPoolExecutor(max_workers=8) as pool:
        clients = list(pool.map(aws_client, services))
    # THEN each service has one client, and all share one loader (the second client reuses what the first read)
    assert all(clients[i] is clients[i + 4] for i in range(4))
    assert len({id(client._loader) for client in clients}) == 1
    # AND they work
    assert clients[0].describe_table(TableName=TABLE)["Table"]["TableName"] == TABLE
