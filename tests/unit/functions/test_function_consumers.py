"""The event consumers with injected dependencies: relay (stream), enrich (SQS), reconcile (rule and SQS)."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any, cast

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.enrich import handler as enrich_function
from functions.reconcile import handler as reconcile_function
from functions.relay import handler as relay_function
from shared.models.common import ArticleStatus
from shared.service.heads import RECONCILE_GRACE
from shared.service.relay import submitted_event
from shared.store.items import ArticleHead, head_item
from shared.store.queue import RetryQueue
from shared.store.scheduler import DuePublication
from shared.store.table import to_item
from tests.support.memory import MemoryDocuments
from tests.support.newsroom import NOW, PUBLISHER, SITE_BASE_URL, Newsroom, submission
from tests.unit.functions.conftest import FakeContext

QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:enrich"


def context() -> LambdaContext:
    return cast(LambdaContext, FakeContext())


def failures(response: Any) -> list[str]:
    return [f["itemIdentifier"] for f in response["batchItemFailures"]]


# ---------------------------------------------------------------------------------------------- relay
def stream_record(sequence: str, new: ArticleHead | None, old: ArticleHead | None) -> dict[str, Any]:
    """A DynamoDB stream record as Lambda delivers it (images in DynamoDB JSON, as the adapter wrote them)."""
    either = new or old
    changed: dict[str, Any] = {
        "ApproximateCreationDateTime": 1_796_000_000,
        "Keys": {"pk": {"S": either.pk if either else "SLUG#x"}, "sk": {"S": "HEAD" if either else "SLUG"}},
        "SequenceNumber": sequence,
        "SizeBytes": 1000,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    if new is not None:
        changed["NewImage"] = to_item(head_item(new))
    if old is not None:
        changed["OldImage"] = to_item(head_item(old))
    return {
        "eventID": f"event-{sequence}",
        "eventName": "MODIFY" if new and old else ("INSERT" if new else "REMOVE"),
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/newsroom/stream/2026-11-30T00:00:00.000",
        "dynamodb": changed,
    }


def relay_dependencies(newsroom: Newsroom) -> relay_function.Dependencies:
    return relay_function.Dependencies(bus=newsroom.bus, links=relay_function.feed_links(SITE_BASE_URL + "/"))


def test_the_relay_announces_a_batch_and_reports_only_the_refused_records() -> None:
    # GIVEN a batch: an accepted article (insert), a publication (version 1 -> 2), and bookkeeping
    newsroom = Newsroom()
    received = newsroom.head(newsroom.submit(submission(1)))
    first = newsroom.submit(submission(2))
    before = newsroom.head(first)
    newsroom.process(first)
    after = newsroom.head(first)
    bookkeeping = after.model_copy(update={"pending_attempts": 2})
    event = {
        "Records": [
            stream_record("100", received, None),
            stream_record("200", after, before),
            stream_record("300", bookkeeping, after),
        ]
    }
    # AND a bus that refuses FeedUpdated
    newsroom.bus.refuse = {"FeedUpdated"}

    # WHEN the relay runs
    response = relay_function.relay(event, context(), relay_dependencies(newsroom))

    # THEN only the publication's record is reported for retry; the other events went out
    assert failures(response) == ["200"]
    assert [e.detail_type for e in newsroom.bus.published] == ["ArticleSubmitted", "ArticlePublished"]

    # WHEN the bus accepts again and Lambda retries from that record
    newsroom.bus.refuse = set()
    retried = relay_function.relay({"Records": event["Records"][1:]}, context(), relay_dependencies(newsroom))

    # THEN nothing is reported, and the publication's events carry the same ids as the first time
    assert failures(retried) == []
    kinds = [e.detail_type for e in newsroom.bus.published]
    assert kinds == ["ArticleSubmitted", "ArticlePublished", "ArticlePublished", "FeedUpdated"]
    ids = [json.loads(e.detail)["metadata"]["event_id"] for e in newsroom.bus.published]
    assert ids[1] == ids[2]
    feeds = json.loads(newsroom.bus.published[3].detail)["data"]["feeds"]
    assert feeds[0] == {
        "feed": "all",
        "json_feed": f"{SITE_BASE_URL}/feeds/all/feed.json",
        "rss": f"{SITE_BASE_URL}/feeds/all/rss.xml",
        "atom": f"{SITE_BASE_URL}/feeds/all/atom.xml",
    }


def test_the_relay_ignores_items_that_are_not_article_heads() -> None:
    newsroom = Newsroom()
    record = stream_record("100", None, None)
    record["eventName"] = "INSERT"
    record["dynamodb"]["NewImage"] = {"pk": {"S": "SLUG#x"}, "sk": {"S": "SLUG"}, "article_id": {"S": "A"}}

    response = relay_function.relay({"Records": [record]}, context(), relay_dependencies(newsroom))

    assert failures(response) == [] and newsroom.bus.published == []


# ---------------------------------------------------------------------------------------------- enrich
class RecordingRetries(RetryQueue):
    """SQS at the boundary: the visibility changes asked for (no client is ever created)."""

    def __init__(self, fail: bool = False) -> None:
        super().__init__()
        self.fail = fail
        self.backed_off: list[tuple[str, str, int]] = []

    def back_off(self, queue_arn: str, receipt_handle: str, receive_count: int) -> None:
        if self.fail:
            raise ConnectionError("SQS is unavailable")
        self.backed_off.append((queue_arn, receipt_handle, receive_count))


class FlakyDocuments(MemoryDocuments):
    """The documents bucket failing for some keys (S3 errors after botocore's retries)."""

    def __init__(self) -> None:
        super().__init__()
        self.failing: set[str] = set()

    def get_json(self, key: str) -> Any:
        if key in self.failing:
            raise ConnectionError("S3 is unavailable")
        return super().get_json(key)


def sqs_record(message_id: str, body: str, receives: int = 1) -> dict[str, Any]:
    return {
        "messageId": message_id,
        "receiptHandle": f"receipt-{message_id}",
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": str(receives),
            "SentTimestamp": "1796000000000",
            "SenderId": "AIDAEXAMPLE",
            "ApproximateFirstReceiveTimestamp": "1796000000000",
        },
        "messageAttributes": {},
        "md5OfBody": "0" * 32,
        "eventSource": "aws:sqs",
        "eventSourceARN": QUEUE_ARN,
        "awsRegion": "us-east-1",
    }


def submitted_message(head: ArticleHead) -> str:
    """ArticleSubmitted as the rule delivers it to the queue: the EventBridge event, our envelope as detail."""
    outgoing = submitted_event(head)
    return json.dumps(
        {
            "version": "0",
            "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
            "detail-type": outgoing.detail_type,
            "source": "newsroom.pipeline",
            "account": "123456789012",
            "time": "2026-11-30T14:00:00Z",
            "region": "us-east-1",
            "resources": [],
            "detail": json.loads(outgoing.detail),
        }
    )


def test_enrich_publishes_and_backs_off_only_the_message_that_failed() -> None:
    # GIVEN two accepted articles; the second one's document cannot be read right now
    documents = FlakyDocuments()
    newsroom = Newsroom(documents=documents)
    good, bad = newsroom.submit(submission(1)), newsroom.submit(submission(2))
    documents.failing.add(newsroom.head(bad).submission_key)
    retries = RecordingRetries()
    event = {
        "Records": [
            sqs_record("m-1", submitted_message(newsroom.head(good))),
            sqs_record("m-2", submitted_message(newsroom.head(bad)), receives=3),
        ]
    }

    # WHEN enrich runs the batch
    response = enrich_function.enrich(event, context(), enrich_function.Dependencies(newsroom.publishing, retries))

    # THEN the first is published; the second is reported and made visible again after a backoff
    assert failures(response) == ["m-2"]
    assert newsroom.head(good).status is ArticleStatus.PUBLISHED
    assert newsroom.head(bad).status is ArticleStatus.RECEIVED
    assert retries.backed_off == [(QUEUE_ARN, "receipt-m-2", 3)]


def test_enrich_still_reports_a_failure_when_the_backoff_itself_fails() -> None:
    # GIVEN a batch whose second message fails, and an SQS that refuses the visibility change
    documents = FlakyDocuments()
    newsroom = Newsroom(documents=documents)
    good, bad = newsroom.submit(submission(1)), newsroom.submit(submission(2))
    documents.failing.add(newsroom.head(bad).submission_key)
    event = {
        "Records": [
            sqs_record("m-1", submitted_message(newsroom.head(good))),
            sqs_record("m-2", submitted_message(newsroom.head(bad))),
        ]
    }

    deps = enrich_function.Dependencies(newsroom.publishing, RecordingRetries(fail=True))
    response = enrich_function.enrich(event, context(), deps)

    # THEN the failure is still reported (the queue's own visibility timeout brings it back)
    assert failures(response) == ["m-2"]


def test_a_batch_that_failed_entirely_is_retried_entirely() -> None:
    documents = FlakyDocuments()
    newsroom = Newsroom(documents=documents)
    article = newsroom.submit(submission(1))
    documents.failing.add(newsroom.head(article).submission_key)
    retries = RecordingRetries()
    event = {"Records": [sqs_record("m-1", submitted_message(newsroom.head(article)))]}

    with pytest.raises(BatchProcessingError):
        enrich_function.enrich(event, context(), enrich_function.Dependencies(newsroom.publishing, retries))
    assert retries.backed_off == [(QUEUE_ARN, "receipt-m-1", 1)]


def test_enrich_of_a_redelivered_message_succeeds_without_writing() -> None:
    newsroom = Newsroom()
    article = newsroom.publish(submission(1))
    head = newsroom.head(article)
    event = {"Records": [sqs_record("m-1", submitted_message(head), receives=2)]}
    retries = RecordingRetries()

    response = enrich_function.enrich(event, context(), enrich_function.Dependencies(newsroom.publishing, retries))

    assert failures(response) == [] and retries.backed_off == []
    assert newsroom.head(article) == head


def test_enrich_reports_a_message_that_is_not_an_article_submitted() -> None:
    newsroom = Newsroom()
    article = newsroom.submit(submission(1))
    retries = RecordingRetries()
    event = {
        "Records": [
            sqs_record("m-1", json.dumps({"detail-type": "Other", "detail": {}})),
            sqs_record("m-2", submitted_message(newsroom.head(article))),
        ]
    }

    response = enrich_function.enrich(event, context(), enrich_function.Dependencies(newsroom.publishing, retries))

    assert failures(response) == ["m-1"]
    assert newsroom.head(article).status is ArticleStatus.PUBLISHED


# ---------------------------------------------------------------------------------------------- reconcile
def reconcile_dependencies(newsroom: Newsroom) -> reconcile_function.Dependencies:
    return reconcile_function.Dependencies(newsroom.reconciler)


def test_the_minute_rule_sweeps_and_reports_what_it_did() -> None:
    # GIVEN a stranded revision and a scheduled article whose schedule never fired
    newsroom = Newsroom()
    stranded = newsroom.submit(submission(1))
    planned = NOW + timedelta(minutes=5)
    late = newsroom.publish(submission(2, publish_at=planned.isoformat()), editor=PUBLISHER)
    newsroom.clock.now = planned + RECONCILE_GRACE + timedelta(minutes=1)
    rule_event = {"id": "rule-event-1", "detail-type": "Scheduled Event", "source": "aws.events", "detail": {}}

    # WHEN the rule fires
    result = reconcile_function.reconcile(rule_event, context(), reconcile_dependencies(newsroom))

    # THEN the revision is re-announced and the article published, under the rule event's id
    assert result == {"reannounced": [stranded], "published": [late], "cleared": [], "failed": []}
    assert [e.detail_type for e in newsroom.bus.published] == ["ArticleSubmitted"]
    assert newsroom.head(late).change.correlation_id == "rule-event-1"


def test_a_fired_schedule_publishes_its_article_and_a_malformed_one_is_reported() -> None:
    # GIVEN a scheduled article, its schedule's message, and a message that is not a schedule's
    newsroom = Newsroom()
    planned = NOW + timedelta(minutes=5)
    scheduled = newsroom.publish(submission(1, publish_at=planned.isoformat()), editor=PUBLISHER)
    due = DuePublication(article_id=scheduled, revision=1, publish_at=planned).model_dump_json()
    newsroom.clock.now = planned
    event = {"Records": [sqs_record("s-1", due), sqs_record("s-2", '{"article_id": 1}')]}

    # WHEN the schedule queue delivers them (the first one twice: at-least-once)
    response = reconcile_function.reconcile(event, context(), reconcile_dependencies(newsroom))
    head = newsroom.head(scheduled)
    again = reconcile_function.reconcile(
        {"Records": [event["Records"][0]]}, context(), reconcile_dependencies(newsroom)
    )

    # THEN the article is published once, dated by its planned time, and only the malformed one is reported
    assert failures(response) == ["s-2"] and failures(again) == []
    assert (head.status, head.published_at) == (ArticleStatus.PUBLISHED, planned)
    assert newsroom.head(scheduled) == head


@pytest.mark.parametrize(
    ("attribute", "value"),
    [
        ("version", {"S": "not a number"}),  # a schema bug
        ("card", {"B": base64.b64encode(b"not zlib").decode()}),  # a compressed attribute that is not
    ],
)
def test_an_unreadable_stream_record_holds_back_itself_and_what_follows(attribute: str, value: object) -> None:
    # GIVEN a batch whose second record is an article head the code cannot read
    newsroom = Newsroom()
    first = newsroom.head(newsroom.submit(submission(1)))
    third = newsroom.head(newsroom.submit(submission(3)))
    broken = stream_record("200", first, None)
    broken["dynamodb"]["NewImage"][attribute] = value
    event = {"Records": [stream_record("100", first, None), broken, stream_record("300", third, None)]}
    # WHEN the relay runs
    response = relay_function.relay(event, context(), relay_dependencies(newsroom))
    # THEN the record before it is announced, and it and the records after it are retried in order
    assert failures(response) == ["200", "300"]
    assert [json.loads(e.detail)["data"]["article_id"] for e in newsroom.bus.published] == [first.id]
