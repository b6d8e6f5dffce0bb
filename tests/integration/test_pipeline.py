"""An article's life through the real handlers and adapters on moto: submit, correct, schedule, take
down, restore; every output and every event checked at each step, with redeliveries and races."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.integration.conftest import (
    EDITOR,
    PUBLISHER,
    SCHEDULE_GROUP,
    SOURCE,
    TABLE,
    FakeContext,
    HttpResponse,
    Pump,
    Resources,
    call_api,
    handler_module,
)
from tests.support.articles import seed_style_article, short_article


def submit(article: dict[str, Any], claims: dict[str, str] = EDITOR, **kwargs: Any) -> str:
    response = call_api("POST", "/articles", article, claims=claims, **kwargs)
    assert response.status == 202, response.body
    return str(response.body["id"])


def feed_ids(query: dict[str, str] | None = None) -> list[str]:
    response = call_api("GET", "/feed", query=query)
    assert response.status == 200, response.body
    return [item["id"] for item in response.body["items"]]


def feed_file(path: str) -> HttpResponse:
    response = call_api("GET", f"/feeds/{path}")
    assert response.status == 200, response.raw
    return response


def detail_types(events: list[dict[str, Any]]) -> list[str]:
    return [e["detail-type"] for e in events]


def test_a_submitted_article_is_published_everywhere(aws: Resources, pump: Pump) -> None:
    # GIVEN an editor's article
    article_id = submit(seed_style_article())
    # WHEN the pipeline runs
    pump.run()
    # THEN readers get it, with its revision as ETag, and it is in every feed it belongs to
    read = call_api("GET", f"/articles/{article_id}")
    assert read.status == 200 and read.headers["etag"] == '"1"'
    assert read.body["status"] == "published" and read.body["reading_time_minutes"] == 2
    assert "public" in read.headers["cache-control"]
    for query in (None, {"section": "news"}, {"tag": "Russia"}, {"language": "en"}):
        assert feed_ids(query) == [article_id]
    for path in ("all/feed.json", "tag/russia/rss.xml", "section/news/atom.xml", "lang/en/feed.json"):
        assert article_id in feed_file(path).raw
    assert read.body["url"] in call_api("GET", "/sitemaps/news.xml").raw
    # AND each public step was announced on the bus once, in order (the accepted revision went to the
    # enrich queue, not the bus)
    assert detail_types(aws.published_events()) == ["ArticlePublished", "FeedUpdated"]


def test_redelivering_everything_changes_nothing(aws: Resources, pump: Pump) -> None:
    # GIVEN a published article and the messages that got it there
    article_id = submit(seed_style_article())
    pump.relay()
    submitted = pump.queue_event(aws.enrich_queue)
    assert len(submitted["Records"]) == 1
    message = json.loads(submitted["Records"][0]["body"])  # as an EventBridge rule would have delivered it
    assert (message["detail-type"], message["source"]) == ("ArticleSubmitted", SOURCE)
    assert message["id"] == message["detail"]["metadata"]["event_id"]
    assert message["detail"]["data"]["article_id"] == article_id
    aws.sqs.change_message_visibility(
        QueueUrl=aws.enrich_queue, ReceiptHandle=submitted["Records"][0]["receiptHandle"], VisibilityTimeout=0
    )
    pump.run()
    items_before, events_before = aws.items(), aws.published_events()
    # WHEN the same message is delivered again
    result = handler_module("enrich").handler(submitted, FakeContext())
    pump.run()
    # THEN nothing was written and nothing announced
    assert result == {"batchItemFailures": []}
    assert aws.items() == items_before
    assert aws.published_events() == []
    assert detail_types(events_before) == ["ArticlePublished", "FeedUpdated"]
    assert call_api("GET", f"/articles/{article_id}").status == 200


def test_a_correction_is_a_new_revision_in_the_same_place(aws: Resources, pump: Pump) -> None:
    # GIVEN two published articles, the first older
    first = submit(seed_style_article())
    pump.run()
    second = submit(short_article(1))
    pump.run()
    before = call_api("GET", f"/articles/{first}").body
    aws.published_events()
    # WHEN, a second later (dates are shown to the second), the first is corrected with a note, echoing its ETag
    _wait_for_the_next_second()
    corrected = seed_style_article(
        headline="Russia is first to recognize the Taliban government",
        tags=["Russia", "Taliban"],
        correction={"kind": "correction", "text": "An earlier version misdated the decision."},
    )
    response = call_api("PUT", f"/articles/{first}", corrected, claims=EDITOR, headers={"If-Match": '"1"'})
    assert response.status == 202 and response.body["revision"] == 2
    pump.run()
    # THEN readers see revision 2 with its dated correction, at the same URL and place in the feed
    after = call_api("GET", f"/articles/{first}")
    assert after.headers["etag"] == '"2"'
    assert after.body["headline"].startswith("Russia is first")
    assert (after.body["slug"], after.body["url"], after.body["published_at"]) == (
        before["slug"],
        before["url"],
        before["published_at"],
    )
    assert after.body["updated_at"] > before["updated_at"]
    assert [c["text"] for c in after.body["corrections"]] == ["An earlier version misdated the decision."]
    assert feed_ids() == [second, first]
    # AND it moved between tag feeds
    assert first in feed_ids({"tag": "Taliban"}) and first not in feed_ids({"tag": "Afghanistan"})
    # AND the feeds show the correction and the new modification date
    item = next(i for i in json.loads(feed_file("all/feed.json").raw)["items"] if i["id"] == first)
    assert item["date_modified"] > item["date_published"]
    assert "misdated" in feed_file("all/rss.xml").raw
    # AND ArticleUpdated names what changed
    events = aws.published_events()
    assert detail_types(events) == ["ArticleUpdated", "FeedUpdated"]
    updated = events[0]["detail"]["data"]
    assert {"headline", "tags"} <= set(updated["changed_fields"])
    assert updated["correction"]["kind"] == "correction" and updated["previous_revision"] == 1
    # AND the revision list has both, with the correction
    revisions = call_api("GET", f"/articles/{first}/revisions", claims=EDITOR).body["items"]
    assert [(r["revision"], r["status"]) for r in revisions] == [(1, "superseded"), (2, "published")]
    assert revisions[1]["correction"]["text"] == "An earlier version misdated the decision."


def test_updates_need_the_current_revision(aws: Resources, pump: Pump) -> None:
    article_id = submit(seed_style_article())
    pump.run()
    changed = seed_style_article(headline="A new headline for the same story")
    # WHEN an update comes without If-Match, or with a stale one
    missing = call_api("PUT", f"/articles/{article_id}", changed, claims=EDITOR)
    first = call_api("PUT", f"/articles/{article_id}", changed, claims=EDITOR, headers={"If-Match": '"1"'})
    stale = call_api(
        "PUT",
        f"/articles/{article_id}",
        seed_style_article(headline="Other"),
        claims=EDITOR,
        headers={"If-Match": '"1"'},
    )
    # THEN the first is 428, the stale one 412 naming the current revision, and only one revision was added
    assert missing.status == 428 and missing.headers["content-type"] == "application/problem+json"
    assert first.status == 202
    assert stale.status == 412 and stale.body["current_revision"] == 2
    listed = call_api("GET", f"/articles/{article_id}/revisions", claims=EDITOR)
    assert [r["revision"] for r in listed.body["items"]] == [1, 2]
    assert [i["sk"] for i in aws.items() if i["sk"].startswith("REV#")] == ["REV#00000001"]  # 2 is in the head


def test_an_update_accepted_during_enrichment_wins(aws: Resources, pump: Pump) -> None:
    # GIVEN a submitted article whose enrichment has not run yet
    article_id = submit(seed_style_article())
    # WHEN a corrected revision is accepted before the first is enriched
    response = call_api(
        "PUT", f"/articles/{article_id}", seed_style_article(headline="Second take"), claims=EDITOR,
        headers={"If-Match": '"1"'},
    )  # fmt: skip
    assert response.status == 202
    pump.run()
    # THEN revision 2 is what readers see; revision 1 was never published over it
    read = call_api("GET", f"/articles/{article_id}")
    assert read.body["revision"] == 2 and read.body["headline"] == "Second take"
    published = [e for e in aws.published_events() if e["detail-type"] == "ArticlePublished"]
    assert [e["detail"]["data"]["revision"] for e in published] == [2]


def test_takedown_reaches_every_output_and_restore_brings_it_back(aws: Resources, pump: Pump) -> None:
    # GIVEN a published article and a related one published later
    gone = submit(seed_style_article())
    pump.run()
    kept = submit(seed_style_article(headline="Taliban officials visit Moscow", external_id="wire:kept"))
    pump.run()
    assert gone in call_api("GET", f"/articles/{kept}").body["related"] + [
        call_api("GET", f"/articles/{kept}").body["duplicate_of"]
    ]
    aws.published_events()
    # WHEN a publisher takes it down
    response = call_api("DELETE", f"/articles/{gone}", {"reason": "legal request"}, claims=PUBLISHER)
    assert response.status == 200 and response.body["status"] == "unpublished"
    # THEN readers get 410, no feed or sitemap lists it, Atom carries a tombstone, "Read more" drops it
    assert call_api("GET", f"/articles/{gone}").status == 410
    for query in (None, {"section": "news"}, {"tag": "Russia"}, {"language": "en"}):
        assert gone not in feed_ids(query)
    for path in ("all/feed.json", "all/rss.xml", "tag/russia/feed.json", "section/news/rss.xml"):
        assert gone not in feed_file(path).raw
    assert "legal" not in feed_file("all/atom.xml").raw
    assert f'article:{gone}"' in feed_file("all/atom.xml").raw and "at:deleted-entry" in feed_file("all/atom.xml").raw
    assert gone not in call_api("GET", "/sitemaps/news.xml").raw
    assert gone not in call_api("GET", f"/articles/{kept}").body["related"]
    # AND the newsroom still reads it and its revisions (legal hold)
    assert call_api("GET", f"/articles/{gone}", claims=EDITOR).body["unpublish_reason"] == "legal request"
    pump.run()
    events = aws.published_events()
    assert detail_types(events) == ["ArticleUnpublished", "FeedUpdated"]
    # WHEN the takedown is sent again
    again = call_api("DELETE", f"/articles/{gone}", {"reason": "legal request"}, claims=PUBLISHER)
    # THEN nothing changes and nothing is announced
    assert again.status == 200
    pump.run()
    assert aws.published_events() == []
    # WHEN it is restored
    restored = call_api("POST", f"/articles/{gone}/publish", {}, claims=PUBLISHER)
    # THEN it is back in its place in every feed, announced as restored
    assert restored.status == 200 and restored.body["status"] == "published"
    assert feed_ids() == [kept, gone]
    assert gone in feed_ids({"tag": "Russia"})
    assert "at:deleted-entry" not in feed_file("all/atom.xml").raw
    pump.run()
    published = aws.published_events()
    assert detail_types(published) == ["ArticlePublished", "FeedUpdated"]
    assert published[0]["detail"]["data"]["restored"] is True


def test_roles_decide_who_may_do_what(aws: Resources, pump: Pump) -> None:
    article_id = submit(seed_style_article())
    pump.run()
    future = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    # anonymous writes are 401, an editor may not take down or schedule, anonymous may not read drafts
    assert call_api("POST", "/articles", seed_style_article()).status == 401
    assert call_api("DELETE", f"/articles/{article_id}", {"reason": "x"}, claims=EDITOR).status == 403
    assert call_api("POST", f"/articles/{article_id}/publish", {}, claims=EDITOR).status == 403
    assert call_api("POST", "/articles", seed_style_article(publish_at=future), claims=EDITOR).status == 403
    draft = submit(short_article(2))
    assert call_api("GET", f"/articles/{draft}").status == 404
    assert call_api("GET", f"/articles/{draft}", claims=EDITOR).body["status"] == "received"
    assert call_api("GET", f"/articles/{draft}/revisions").status == 401
    assert call_api("GET", f"/articles/{draft}", query={"revision": "1"}).status == 401


def test_a_scheduled_article_publishes_once_at_its_time(aws: Resources, pump: Pump) -> None:
    # GIVEN an embargoed article
    at = (datetime.now(UTC) + timedelta(hours=1)).replace(microsecond=0)
    article_id = submit(seed_style_article(publish_at=at.isoformat()), claims=PUBLISHER)
    pump.run()
    # THEN it is enriched and scheduled, but nobody outside the newsroom sees it
    assert call_api("GET", f"/articles/{article_id}").status == 404
    assert call_api("GET", f"/articles/{article_id}", claims=EDITOR).body["status"] == "scheduled"
    assert feed_ids() == []
    schedules = aws.scheduler.list_schedules(GroupName=SCHEDULE_GROUP)["Schedules"]
    assert [s["Name"] for s in schedules] == [f"article-{article_id}-r1"]
    assert detail_types(aws.published_events()) == ["ArticleScheduled"]
    # WHEN its time comes, and the schedule's message is delivered twice
    assert pump.fire_due_schedules(at + timedelta(seconds=1)) == 1
    due = pump.queue_event(aws.schedule_queue)
    assert handler_module("reconcile").handler(due, FakeContext()) == {"batchItemFailures": []}
    assert handler_module("reconcile").handler(due, FakeContext()) == {"batchItemFailures": []}
    pump.run()
    # THEN it is published once, dated by its time
    read = call_api("GET", f"/articles/{article_id}")
    assert read.status == 200 and read.body["published_at"].startswith(at.strftime("%Y-%m-%dT%H:%M:%S"))
    assert feed_ids() == [article_id]
    assert detail_types(aws.published_events()) == ["ArticlePublished", "FeedUpdated"]


def test_a_takedown_cancels_the_schedule_and_publish_now_goes_on_top(aws: Resources, pump: Pump) -> None:
    at = (datetime.now(UTC) + timedelta(hours=3)).replace(microsecond=0)
    early = submit(seed_style_article(publish_at=at.isoformat()), claims=PUBLISHER)
    cancelled = submit(short_article(5, publish_at=at.isoformat()), claims=PUBLISHER)
    pump.run()
    older = submit(short_article(6))
    pump.run()
    # WHEN one scheduled article is published now and the other taken down
    assert call_api("POST", f"/articles/{early}/publish", {}, claims=PUBLISHER).status == 200
    assert call_api("DELETE", f"/articles/{cancelled}", {"reason": "story dropped"}, claims=PUBLISHER).status == 200
    # THEN the first is on top of the feed now, and neither schedule remains
    assert feed_ids() == [early, older]
    assert aws.scheduler.list_schedules(GroupName=SCHEDULE_GROUP)["Schedules"] == []
    assert call_api("GET", f"/articles/{cancelled}").status == 410


def test_idempotency_key_replays_the_first_answer(aws: Resources, pump: Pump) -> None:
    article = seed_style_article()
    first = call_api("POST", "/articles", article, claims=EDITOR, headers={"Idempotency-Key": "k-1"})
    again = call_api("POST", "/articles", article, claims=EDITOR, headers={"Idempotency-Key": "k-1"})
    other = call_api("POST", "/articles", short_article(3), claims=EDITOR, headers={"Idempotency-Key": "k-1"})
    assert first.status == again.status == 202
    assert again.body == first.body and again.headers["idempotent-replayed"] == "true"
    assert other.status == 422 and other.body["errors"][0]["field"] == "idempotency-key"
    heads = [i for i in aws.items() if i["sk"] == "HEAD"]
    assert len(heads) == 1


def test_stranded_work_is_finished_by_the_reconciler(aws: Resources, pump: Pump) -> None:
    from shared.service.lifecycle import LifecycleService  # noqa: PLC0415
    from shared.service.reconcile import ReconcileService  # noqa: PLC0415
    from shared.store.queue import WorkQueue  # noqa: PLC0415
    from shared.store.table import ArticleTable  # noqa: PLC0415
    from tests.support.memory import MemorySchedules  # noqa: PLC0415

    # GIVEN an accepted article whose announcement was lost (its message never reaches enrich)
    article_id = submit(seed_style_article())
    pump.relay()
    lost = pump.queue_event(aws.enrich_queue)["Records"][0]
    aws.sqs.purge_queue(QueueUrl=aws.enrich_queue)
    # WHEN the reconciler sweeps after the grace period
    later = datetime.now(UTC) + timedelta(minutes=16)
    table = ArticleTable(TABLE)
    enrich_queue = WorkQueue(f"arn:aws:sqs:us-east-1:123456789012:{aws.enrich_queue.rsplit('/', 1)[-1]}", SOURCE)
    reconciler = ReconcileService(table, enrich_queue, LifecycleService(table, MemorySchedules()), clock=lambda: later)
    sweep = reconciler.sweep("sweep-1")
    again = pump.queue_event(aws.enrich_queue)["Records"][0]
    aws.sqs.change_message_visibility(
        QueueUrl=aws.enrich_queue, ReceiptHandle=again["receiptHandle"], VisibilityTimeout=0
    )
    pump.run()
    # THEN it re-announced the same message (same event id), and the article is published
    assert sweep.reannounced == [article_id]
    assert json.loads(again["body"])["id"] == json.loads(lost["body"])["id"]
    assert call_api("GET", f"/articles/{article_id}").status == 200
    # AND a second sweep finds nothing left to do
    assert reconciler.sweep("sweep-2").reannounced == []


@pytest.mark.parametrize("fmt", ["ninjs", "jsonld"])
def test_a_published_article_is_served_in_partner_formats(aws: Resources, pump: Pump, fmt: str) -> None:
    article_id = submit(seed_style_article())
    pump.run()
    response = call_api("GET", f"/articles/{article_id}", query={"format": fmt})
    assert response.status == 200
    document = json.loads(response.raw)
    assert call_api("GET", f"/articles/{article_id}").body["url"] in json.dumps(document)


def _wait_for_the_next_second() -> None:
    """Sleep until the wall clock's second changes, so that a later write shows a later date."""
    started = int(time.time())
    while int(time.time()) == started:
        time.sleep(0.02)
