"""PublishingService against in-memory fakes of the table (with its guarded transactions) and the buckets."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from shared.errors import RevisionConflict
from shared.models.article import Article, ArticleCard
from shared.models.common import ArticleStatus
from shared.models.stored import SanitizedSubmission, StoredSubmission, content_hash, submission_key
from shared.service.publishing import Outcome, PublishingService, card_of, sort_key

WEBSITE = "https://news.example.org/"
# Lower-case words only: no names, so an article's index keys are exactly those of its tags.
ENGLISH_WORDS = (
    "the council said that water supply in eastern districts was restored on monday after crews worked "
    "through night to repair a damaged pipe while residents queued for bottled at schools and city promised "
    "review how old networks are maintained before winter engineers pressure valves pumping station mayor "
    "budget contractors report inspection leaks storm grid hospital emergency generators trucks delivered "
    "neighbourhood officials warned"
)
UKRAINIAN_WORDS = (
    "рятувальники працюють на місці удару у місті мешканці чекають воду і світло після нічної атаки "
    "енергетики відновили живлення лікарні школи укриття генератори волонтери привезли хліб міська рада "
    "пообіцяла допомогу родинам які втратили житло"
)


def prose(vocabulary: str, count: int, seed: int) -> str:
    """``count`` words drawn from the vocabulary by a fixed pseudo-random sequence (same seed, same text)."""
    words, state, out = vocabulary.split(), seed, []
    for _ in range(count):
        state = (state * 1103515245 + 12345) % 2**31
        out.append(words[(state >> 16) % len(words)])
    return " ".join(out)


@pytest.fixture
def service(publishing_table, buckets, now):
    return PublishingService(publishing_table, buckets, WEBSITE, clock=lambda: now)


@pytest.fixture
def receive(publishing_table, buckets, make_payload, now) -> Callable[..., str]:
    """Commit a received revision as SubmissionService does: the stored submission, then a head pointing at it."""

    def receive(article_id: str, revision: int = 1, submitted_at: datetime = now, **overrides: Any) -> str:
        clean = SanitizedSubmission.model_validate(make_payload(**overrides))
        stored = StoredSubmission(
            id=article_id,
            revision=revision,
            submitted_at=submitted_at,
            correlation_id=f"req-{article_id}-{revision}",
            submitted_by="cms",
            content_hash=content_hash(clean),
            submission=clean,
        )
        key = submission_key(article_id, revision)
        buckets.put_json(key, stored.model_dump(mode="json"))
        publishing_table.seed(
            f"ARTICLE#{article_id}",
            "HEAD",
            entity="article",
            id=article_id,
            revision=revision,
            status=ArticleStatus.RECEIVED.value,
            submitted_at=submitted_at.isoformat(),
            updated_at=submitted_at.isoformat(),
            submission_key=key,
            content_hash=stored.content_hash,
            correlation_id=stored.correlation_id,
            external_id=clean.external_id,
            headline=clean.headline,
            section=clean.section,
        )
        return key

    return receive


@pytest.fixture
def articles(make_id) -> Iterator[str]:
    return (make_id(n) for n in range(1, 1000))


def document(buckets, article_id: str, table) -> Article:
    """The document the head points at: keys are content-addressed, so other attempts may exist."""
    return Article.model_validate(buckets.get_json(head(table, article_id)["document_key"]))


def published_documents(buckets) -> list[str]:
    return sorted(key for key in buckets.objects if key.startswith("articles/"))


def head(table, article_id: str) -> dict[str, Any]:
    value = table.get_head(article_id)
    assert value is not None
    return value


def index_items(table) -> list[tuple[str, str]]:
    """Every feed, index, near-duplicate, slug and fingerprint item: what publishing may write."""
    prefixes = ("FEED#", "INDEX#", "SIMHASH#", "SLUG#", "FINGERPRINT#")
    return sorted(key for key in table.items if key[0].startswith(prefixes))


# ----------------------------------------------------------------------------------------- publishing


def test_a_received_revision_is_published(service, publishing_table, buckets, receive, articles, now, sort_key_of):
    # GIVEN a received revision without a canonical URL, submitted before "now"
    article_id = next(articles)
    submitted_at = now - timedelta(minutes=5)
    receive(article_id, submitted_at=submitted_at, canonical_url=..., publish_at=...)

    # WHEN it is processed
    result = service.process(article_id, 1)

    # THEN it is published, and the result is the document written for revision 1
    assert result.outcome is Outcome.PUBLISHED
    (document_key,) = published_documents(buckets)
    assert document_key.startswith(f"articles/{article_id}/00000001-") and document_key.endswith(".json")
    article = document(buckets, article_id, publishing_table)
    assert result.article == article
    assert article.status is ArticleStatus.PUBLISHED
    assert article.slug == "ukraine-and-partners-agree-on-air-defence-package"
    assert article.url == "https://news.example.org/news/ukraine-and-partners-agree-on-air-defence-package"
    assert (article.published_at, article.updated_at, article.submitted_at) == (submitted_at, now, submitted_at)
    assert article.headline == "Ukraine and partners agree on air defence package"
    assert article.summary == "Ministers meeting in Brussels agreed to send more systems."
    assert article.word_count == 11
    assert article.fingerprint is not None and article.duplicate_of is None

    # AND the head records it, pointing at the document
    feeds = ["all", "section#news", "lang#en", "tag#ukraine", "tag#defence"]
    order = sort_key_of(submitted_at, article_id)
    stored_head = head(publishing_table, article_id)
    assert {k: stored_head[k] for k in ("status", "slug", "url", "document_key", "feeds", "feed_sort")} == {
        "status": "published",
        "slug": article.slug,
        "url": article.url,
        "document_key": document_key,
        "feeds": feeds,
        "feed_sort": order,
    }
    assert stored_head["published_at"] == submitted_at.isoformat()
    assert stored_head["updated_at"] == now.isoformat()
    assert stored_head["duplicate_of"] is None

    # AND the slug and the fingerprint are claimed for it
    assert publishing_table.item(f"SLUG#{article.slug}", "SLUG")["article_id"] == article_id
    assert publishing_table.get_fingerprint(article.fingerprint)["article_id"] == article_id

    # AND every feed it belongs to has one entry, keyed by publication time then id, carrying its card
    for feed in feeds:
        entries = publishing_table.partition(f"FEED#{feed}")
        assert list(entries) == [order]
        assert entries[order]["id"] == article_id
        card = ArticleCard.model_validate(json.loads(entries[order]["card"]))
        assert (card.id, card.revision, card.slug, card.url) == (article_id, 1, article.slug, article.url)
        assert (card.headline, card.summary) == (article.headline, article.summary)
        assert [a.name for a in card.authors] == ["Olena Kovalenko"]
        assert (card.reading_time_minutes, card.word_count) == (1, 11)
        assert (card.published_at, card.updated_at) == (submitted_at, now)


def test_the_canonical_url_is_the_public_link_when_given(service, buckets, receive, articles, publishing_table):
    # GIVEN a received revision that names its canonical URL
    article_id = next(articles)
    receive(article_id, canonical_url="https://partner.example.com/stories/air-defence")

    # WHEN it is published
    service.process(article_id, 1)

    # THEN that URL is its link, while the slug is still derived from the headline
    article = document(buckets, article_id, publishing_table)
    assert article.url == "https://partner.example.com/stories/air-defence"
    assert article.slug == "ukraine-and-partners-agree-on-air-defence-package"


def test_a_publish_at_in_the_past_backdates_the_article(service, publishing_table, buckets, receive, articles, now):
    # GIVEN a revision submitted now that says it was published at dawn, Kyiv time
    article_id = next(articles)
    dawn_in_kyiv = datetime(2025, 7, 3, 6, 0, tzinfo=timezone(timedelta(hours=3)))
    receive(article_id, submitted_at=now, publish_at=dawn_in_kyiv.isoformat())

    # WHEN it is published
    service.process(article_id, 1)

    # THEN it counts as published at that moment, and feeds order it there (in UTC)
    article = document(buckets, article_id, publishing_table)
    assert article.published_at == datetime(2025, 7, 3, 3, 0, tzinfo=UTC)
    assert article.submitted_at == now
    order = f"2025-07-03T03:00:00.000000Z#{article_id}"
    assert head(publishing_table, article_id)["feed_sort"] == order
    assert list(publishing_table.partition("FEED#all")) == [order]


def test_without_a_summary_the_lede_is_the_summary(service, buckets, receive, articles, publishing_table):
    # GIVEN a revision without a summary
    article_id = next(articles)
    receive(
        article_id,
        summary=...,
        body_html="<p>Water is back in the <b>eastern</b> districts.</p><p>Crews worked through the night.</p>",
    )

    # WHEN it is published
    service.process(article_id, 1)

    # THEN its summary is the first paragraph as text
    assert document(buckets, article_id, publishing_table).summary == "Water is back in the eastern districts."


def test_reading_time_of_300_english_words_is_two_minutes(service, buckets, receive, articles):
    # GIVEN a 300-word English text
    article_id = next(articles)
    receive(article_id, language="en", body_html=f"<p>{prose(ENGLISH_WORDS, 300, seed=1)}</p>")

    # WHEN it is published
    result = service.process(article_id, 1)

    # THEN it reads in two minutes
    assert result.article is not None
    assert (result.article.word_count, result.article.reading_time_minutes) == (300, 2)
    assert result.article.language == "en"


def test_a_ukrainian_text_without_a_language_is_read_as_ukrainian(
    service, publishing_table, buckets, receive, articles
):
    # GIVEN 200 Ukrainian words under a Ukrainian headline, with no declared language
    article_id = next(articles)
    receive(
        article_id,
        language=...,
        tags=[],
        headline="Рятувальники працюють у Києві",
        body_html=f"<p>{prose(UKRAINIAN_WORDS, 200, seed=7)}</p>",
        canonical_url=...,
    )

    # WHEN it is published
    service.process(article_id, 1)

    # THEN its language is detected as Ukrainian and read at the Ukrainian rate (184 wpm: 2 min, not 1)
    article = document(buckets, article_id, publishing_table)
    assert (article.language, article.detected_language) == ("uk", "uk")
    assert (article.word_count, article.reading_time_minutes) == (200, 2)
    # AND it is in the Ukrainian feed, under a romanized slug
    assert head(publishing_table, article_id)["feeds"] == ["all", "section#news", "lang#uk"]
    assert article.slug == "riatuvalnyky-pratsiuiut-u-kyievi"


def test_a_text_in_an_undetected_script_without_a_language_falls_back_to_english(
    service, buckets, receive, articles, publishing_table
):
    # GIVEN a Greek text (a script language detection does not know) with no declared language
    article_id = next(articles)
    receive(article_id, language=..., tags=[], body_html="<p>Η Αθήνα ανακοίνωσε σήμερα νέα μέτρα.</p>")

    # WHEN it is published
    service.process(article_id, 1)

    # THEN the language falls back to English, as ArticleSubmission.language documents
    assert document(buckets, article_id, publishing_table).language == "en"


# ------------------------------------------------------------------------------------ nothing to do


def test_a_revision_already_published_is_skipped(service, publishing_table, buckets, journal, receive, articles):
    # GIVEN a revision that was published already
    article_id = next(articles)
    receive(article_id)
    service.process(article_id, 1)
    items, objects, written = dict(publishing_table.items), dict(buckets.objects), list(journal)

    # WHEN its message is delivered again
    result = service.process(article_id, 1)

    # THEN it is skipped and nothing is written
    assert result.outcome is Outcome.SKIPPED and result.article is None
    assert (publishing_table.items, buckets.objects, journal) == (items, objects, written)


def test_a_revision_superseded_by_a_newer_one_is_skipped(
    service, publishing_table, buckets, journal, receive, articles
):
    # GIVEN an article whose head is already at revision 2
    article_id = next(articles)
    receive(article_id, revision=1)
    receive(article_id, revision=2)
    items, objects, written = dict(publishing_table.items), dict(buckets.objects), list(journal)

    # WHEN the message for revision 1 arrives
    result = service.process(article_id, 1)

    # THEN it is skipped and nothing is written
    assert result.outcome is Outcome.SKIPPED
    assert (publishing_table.items, buckets.objects, journal) == (items, objects, written)


def test_an_article_without_a_head_is_an_error(service, publishing_table, buckets, articles):
    # WHEN a revision of an article that does not exist is processed
    with pytest.raises(LookupError):
        service.process(next(articles), 1)

    # THEN nothing was written
    assert (publishing_table.items, buckets.objects) == ({}, {})


# ------------------------------------------------------------------------------------------- slugs


def test_a_slug_held_by_another_article_gets_a_number(service, publishing_table, buckets, receive, articles):
    # GIVEN a published article, and another with the same headline but other words
    first, second = next(articles), next(articles)
    receive(first, canonical_url=...)
    service.process(first, 1)
    receive(second, canonical_url=..., body_html="<p>A different story under the same headline.</p>")

    # WHEN the second is published
    result = service.process(second, 1)

    # THEN it gets the slug with a "-2" suffix, everywhere
    slug = "ukraine-and-partners-agree-on-air-defence-package"
    assert result.outcome is Outcome.PUBLISHED
    article = document(buckets, second, publishing_table)
    assert result.article == article
    assert article.slug == f"{slug}-2"
    assert article.url == f"https://news.example.org/news/{slug}-2"
    assert head(publishing_table, second)["slug"] == f"{slug}-2"
    assert head(publishing_table, second)["url"] == article.url
    card = json.loads(publishing_table.partition("FEED#all")[head(publishing_table, second)["feed_sort"]]["card"])
    assert (card["slug"], card["url"]) == (f"{slug}-2", article.url)

    # AND each slug is claimed by its own article
    assert publishing_table.item(f"SLUG#{slug}", "SLUG")["article_id"] == first
    assert publishing_table.item(f"SLUG#{slug}-2", "SLUG")["article_id"] == second
    assert document(buckets, first, publishing_table).slug == slug


# ---------------------------------------------------------------------------------------- conflicts


def test_losing_to_a_concurrent_delivery_is_a_skip(service, publishing_table, journal, receive, articles):
    # GIVEN a received revision whose message is being handled twice at once
    article_id = next(articles)
    receive(article_id)
    winner: list[Any] = []
    publishing_table.before_commit = lambda: winner.append(service.process(article_id, 1))

    # WHEN the other delivery commits first
    result = service.process(article_id, 1)

    # THEN this one is skipped, and the revision was published exactly once
    assert [r.outcome for r in winner] == [Outcome.PUBLISHED]
    assert result.outcome is Outcome.SKIPPED
    assert [line for line in journal if line.startswith("table.")] == [
        f"table.publish {article_id} r1 ukraine-and-partners-agree-on-air-defence-package"
    ]
    assert head(publishing_table, article_id)["status"] == "published"


def test_the_document_of_a_concurrent_winner_is_kept(publishing_table, buckets, receive, articles, now):
    # GIVEN a clock that moves on, and a message handled twice at once: the other delivery finishes
    # entirely while this one is still enriching (after it read the head)
    ticks = (now + timedelta(seconds=s) for s in range(1000))
    service = PublishingService(publishing_table, buckets, WEBSITE, clock=lambda: next(ticks))
    article_id = next(articles)
    receive(article_id)
    publishing_table.before_fingerprint_lookup = lambda: service.process(article_id, 1)

    # WHEN this delivery finishes
    result = service.process(article_id, 1)

    # THEN it is skipped, and the document the head points at is still the one the winner published
    assert result.outcome is Outcome.SKIPPED
    committed = head(publishing_table, article_id)
    published = Article.model_validate(buckets.get_json(committed["document_key"]))
    assert published.updated_at.isoformat() == committed["updated_at"]


def test_losing_to_a_newer_revision_is_a_skip(service, publishing_table, buckets, receive, articles):
    # GIVEN revision 1 being published while revision 2 is submitted
    article_id = next(articles)
    receive(article_id, revision=1)
    publishing_table.before_commit = lambda: receive(article_id, revision=2)

    # WHEN revision 1 tries to commit
    result = service.process(article_id, 1)

    # THEN it is skipped and revision 2 stays received, with nothing of revision 1 indexed
    assert result.outcome is Outcome.SKIPPED
    assert head(publishing_table, article_id)["revision"] == 2
    assert head(publishing_table, article_id)["status"] == "received"
    assert index_items(publishing_table) == []


def test_a_conflict_while_the_revision_is_still_pending_is_raised(service, publishing_table, receive, articles):
    # GIVEN a commit that fails as conflicting although the head still says "revision 1, received"
    article_id = next(articles)
    receive(article_id)

    def spurious_conflict() -> None:
        raise RevisionConflict("cancelled")

    publishing_table.before_commit = spurious_conflict

    # WHEN the revision is processed, THEN the conflict is raised for the message to be retried
    with pytest.raises(RevisionConflict):
        service.process(article_id, 1)
    assert head(publishing_table, article_id)["status"] == "received"
    assert index_items(publishing_table) == []


# ---------------------------------------------------------------------------------------- rejection


@pytest.mark.parametrize("body", ["<p> </p>", "<p>— … !</p>", "<figure><hr></figure>"])
def test_a_body_without_readable_text_is_rejected(
    service, publishing_table, buckets, journal, receive, articles, now, body
):
    # GIVEN a received revision whose body has no words
    article_id = next(articles)
    receive(article_id, body_html=body)
    journal.clear()

    # WHEN it is processed
    result = service.process(article_id, 1)

    # THEN it is rejected with the reason on the head, and nothing is published
    assert result.outcome is Outcome.REJECTED and result.article is None
    stored_head = head(publishing_table, article_id)
    assert stored_head["status"] == "rejected"
    assert stored_head["rejection_reasons"] == ["body_html has no readable text"]
    assert stored_head["updated_at"] == now.isoformat()
    assert "document_key" not in stored_head
    assert journal == [f"table.reject {article_id} r1"]
    assert published_documents(buckets) == []
    assert index_items(publishing_table) == []


def test_a_rejection_that_loses_to_a_concurrent_delivery_is_a_skip(service, publishing_table, receive, articles):
    # GIVEN an empty body whose message is handled twice at once
    article_id = next(articles)
    receive(article_id, body_html="<p> </p>")
    publishing_table.before_commit = lambda: service.process(article_id, 1)

    # WHEN the other delivery rejects it first, THEN this one is skipped
    assert service.process(article_id, 1).outcome is Outcome.SKIPPED
    assert head(publishing_table, article_id)["status"] == "rejected"


# ------------------------------------------------------------------------------------------ duplicates


def test_an_exact_copy_of_another_article_is_its_duplicate(service, publishing_table, buckets, receive, articles):
    # GIVEN a published article, and another with the same words in other case, punctuation and markup
    original, copy = next(articles), next(articles)
    text = prose(ENGLISH_WORDS, 120, seed=2)
    receive(original, body_html=f"<p>{text}</p>")
    service.process(original, 1)
    receive(copy, headline="Water restored", body_html=f"<div><p>{text.upper()}!</p></div>")

    # WHEN the copy is published
    result = service.process(copy, 1)

    # THEN it is published as a duplicate of the original
    assert result.outcome is Outcome.PUBLISHED
    article = document(buckets, copy, publishing_table)
    assert article.duplicate_of == original
    assert head(publishing_table, copy)["duplicate_of"] == original
    # AND the fingerprint stays claimed by the original alone
    assert article.fingerprint == document(buckets, original, publishing_table).fingerprint
    claims = [key for key in index_items(publishing_table) if key[0].startswith("FINGERPRINT#")]
    assert claims == [(f"FINGERPRINT#{article.fingerprint}", "FINGERPRINT")]
    assert publishing_table.get_fingerprint(article.fingerprint)["article_id"] == original


def test_a_copy_with_one_word_changed_is_a_near_duplicate(service, publishing_table, buckets, receive, articles):
    # GIVEN a published 300-word story and an unrelated one
    original, unrelated, edited = next(articles), next(articles), next(articles)
    words = prose(ENGLISH_WORDS, 300, seed=3).split(" ")
    receive(original, body_html=f"<p>{' '.join(words)}</p>")
    service.process(original, 1)
    receive(unrelated, headline="Another story", body_html=f"<p>{prose(ENGLISH_WORDS, 300, seed=53)}</p>")
    service.process(unrelated, 1)
    assert document(buckets, unrelated, publishing_table).duplicate_of is None
    # AND a copy of the first with one word changed
    words[150] = "tuesday"
    receive(edited, headline="Water restored", body_html=f"<p>{' '.join(words)}</p>")

    # WHEN the copy is published
    result = service.process(edited, 1)

    # THEN it is a duplicate of the first story (not of the unrelated one), and claims no fingerprint
    assert result.article is not None
    assert result.article.duplicate_of == original
    assert result.article.fingerprint != document(buckets, original, publishing_table).fingerprint
    assert publishing_table.get_fingerprint(result.article.fingerprint) is None


# --------------------------------------------------------------------------------------------- related


def test_related_articles_are_ranked_by_shared_keys(
    service, publishing_table, buckets, receive, articles, now, sort_key_of
):
    # GIVEN an article tagged Ukraine, Defence, NATO and Energy (its index keys, as nothing in the text is a name)
    tags = ["Ukraine", "Defence", "NATO", "Energy"]
    keys = ["entity:ukraine", "topic:defence", "entity:nato", "topic:energy"]
    text = prose(ENGLISH_WORDS, 150, seed=4)
    target, duplicate = next(articles), next(articles)
    # AND a published exact copy of it (same keys: it would rank first)
    receive(duplicate, tags=tags, publish_at=..., body_html=f"<p>{text}</p>")
    service.process(duplicate, 1)
    assert publishing_table.partition("INDEX#entity:ukraine")[sort_key_of(now, duplicate)]["keys"] == keys

    # AND candidates sharing fewer and fewer of its keys, published over the previous hours
    candidates = {
        "same keys": keys,
        "first three": keys[:3],
        "first two": keys[:2],
        "ukraine only": keys[:1],
        "nato and poland": ["entity:nato", "entity:poland"],
        "defence among others": ["topic:defence", "topic:drones", "topic:budget"],
        "energy only": ["topic:energy"],
    }
    ids = {}
    for hours, (name, candidate_keys) in enumerate(candidates.items(), start=1):
        ids[name] = next(articles)
        order = sort_key_of(now - timedelta(hours=hours), ids[name])
        for key in candidate_keys:
            publishing_table.seed(f"INDEX#{key}", order, id=ids[name], keys=candidate_keys)
    # AND entries under the article's own id (as an earlier revision leaves them)
    for key in keys:
        publishing_table.seed(f"INDEX#{key}", sort_key_of(now - timedelta(days=1), target), id=target, keys=keys)
    receive(target, tags=tags, publish_at=..., body_html=f"<p>{text}</p>")

    # WHEN it is published
    result = service.process(target, 1)

    # THEN its related articles are the five closest, closest first, without itself or its duplicate
    assert result.article is not None
    assert result.article.duplicate_of == duplicate
    assert result.article.related == [
        ids["same keys"],
        ids["first three"],
        ids["first two"],
        ids["ukraine only"],
        ids["nato and poland"],
    ]
    assert document(buckets, target, publishing_table).related == result.article.related


def test_equally_related_articles_are_newest_first(service, publishing_table, receive, articles, now, sort_key_of):
    # GIVEN two candidates with the same keys as the article, one older than the other
    older, newer, target = next(articles), next(articles), next(articles)
    keys = ["entity:ukraine", "topic:defence"]
    publishing_table.seed("INDEX#entity:ukraine", sort_key_of(now - timedelta(hours=2), older), id=older, keys=keys)
    publishing_table.seed("INDEX#topic:defence", sort_key_of(now - timedelta(hours=1), newer), id=newer, keys=keys)
    receive(target, tags=["Ukraine", "Defence"], body_html=f"<p>{prose(ENGLISH_WORDS, 80, seed=5)}</p>")

    # WHEN the article is published, THEN the newer candidate comes first
    result = service.process(target, 1)
    assert result.article is not None and result.article.related == [newer, older]


# ------------------------------------------------------------------------------------- sort key, card


def test_the_sort_key_orders_by_time_in_utc_then_by_id(make_id):
    # GIVEN moments given in different offsets
    kyiv = timezone(timedelta(hours=3))
    earlier = datetime(2025, 7, 3, 11, 59, 59, 999999, tzinfo=kyiv)  # 08:59:59.999999 UTC
    later = datetime(2025, 7, 3, 9, 0, tzinfo=UTC)

    # THEN the key is the UTC time with microseconds, then the id
    assert sort_key(later, make_id(1)) == f"2025-07-03T09:00:00.000000Z#{make_id(1)}"
    assert sort_key(earlier, make_id(1)) == f"2025-07-03T08:59:59.999999Z#{make_id(1)}"
    # AND comparing keys as strings compares times, then ids
    assert sort_key(earlier, make_id(9)) < sort_key(later, make_id(1)) < sort_key(later, make_id(2))
    assert sort_key(later.astimezone(kyiv), make_id(1)) == sort_key(later, make_id(1))


def test_the_card_of_a_published_article_carries_its_listing_fields(
    service, buckets, receive, articles, now, publishing_table
):
    # GIVEN a published article
    article_id = next(articles)
    receive(article_id)
    service.process(article_id, 1)
    article = document(buckets, article_id, publishing_table)

    # WHEN its card is taken
    card = card_of(article)

    # THEN it has what a feed shows of it
    assert card == ArticleCard(
        id=article_id,
        revision=1,
        headline="Ukraine and partners agree on air defence package",
        slug="ukraine-and-partners-agree-on-air-defence-package",
        summary="Ministers meeting in Brussels agreed to send more systems.",
        url="https://news.example.org/news/air-defence",
        section="news",
        tags=["Ukraine", "Defence"],
        language="en",
        kind="article",
        authors=["Olena Kovalenko"],
        reading_time_minutes=1,
        word_count=11,
        published_at=datetime(2025, 7, 3, 8, 30, tzinfo=UTC),
        updated_at=now,
        lead_image=article.lead_image,
    )
    assert card.lead_image is not None and card.lead_image.agency == "Anadolu"
