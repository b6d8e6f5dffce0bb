"""An archive of already-published articles, written fast: heads as the pipeline publishes them.

A few template articles go through the real pipeline once (POST, relay, enrich); their published
heads are then cloned, with new ids, slugs, URLs and publication times spaced at a steady rate, and
serialized once with the store adapter's own functions (``head_item``, ``to_item``) and put straight
into moto's table, with their tag entries and slug claims, before the table's stream is enabled. Only
the articles published after the archive is in place are measured: the archive itself costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from bench import articles
from bench.harness import ACCOUNT, EDITOR, REGION, TABLE, Stack

TEMPLATES: Final = 8
PUBLISHED_PER_DAY: Final = 500  # a newsroom with wire copy: the archive's publication times are this far apart
_SERIALIZED: dict[tuple[int, int], tuple[list[Any], list[dict[str, Any]], Archive]] = {}
POPULAR_TAG: Final = "Ukraine"  # every archived article carries it (the tag feed read at full depth)


@dataclass(frozen=True)
class Archive:
    size: int
    newest: datetime
    oldest: datetime

    @property
    def span(self) -> timedelta:
        return self.newest - self.oldest


def templates(built: Stack) -> list[Any]:
    """Publish a few articles through the pipeline and return their published heads."""
    from shared.store.table import ArticleTable  # noqa: PLC0415

    mix = articles.Mix(scheduled_every=0)  # templates publish at once
    ids = []
    for number in range(TEMPLATES):
        submission = articles.article(number, 2, run="template", mix=mix)
        submission["tags"] = [POPULAR_TAG, *[t for t in submission["tags"] if t != POPULAR_TAG]][:3]
        response = built.call_api("POST", "/articles", submission, claims=EDITOR)
        if response.status != 202:
            raise RuntimeError(f"template article refused: {response.status} {response.raw}")
        ids.append(response.body["id"])
    built.settle()
    table = ArticleTable(TABLE, client=built.observer)
    heads = [table.get_head(i) for i in ids]
    if any(h is None or h.status.value != "published" for h in heads):
        raise RuntimeError("a template article was not published")
    return heads


def seed(heads: list[Any], size: int) -> Archive:
    """Write ``size`` published heads (clones of ``heads``), newest a minute ago, PUBLISHED_PER_DAY apart."""
    from moto.dynamodb.models import dynamodb_backends  # noqa: PLC0415
    from moto.dynamodb.models.dynamo_type import DynamoType, Item  # noqa: PLC0415

    from bench.moto_speedups import unchecked_item_sizes  # noqa: PLC0415

    key = (id(heads), size)
    if key not in _SERIALIZED:  # once per run: the stores of several scenarios get the same archive
        _SERIALIZED[key] = (heads, *_items(heads, size))
    _, items, seeded = _SERIALIZED[key]
    table = dynamodb_backends[ACCOUNT][REGION].get_table(TABLE)
    if table.stream_shard is not None:
        raise RuntimeError("seed the archive before the table's stream is enabled: it is history, not new writes")
    with unchecked_item_sizes():  # straight into moto's table: the items are the adapter's own, already valid
        for item in items:
            hash_key, range_key = DynamoType(item["pk"]), DynamoType(item["sk"])
            table.items[hash_key][range_key] = Item(hash_key, range_key, item)
    return seeded


def _items(heads: list[Any], size: int) -> tuple[list[dict[str, Any]], Archive]:
    """The archive's items as the store adapter serializes them."""
    from shared.ids import new_article_id  # noqa: PLC0415
    from shared.store.items import head_item, slug_key, tag_entries, tag_pk  # noqa: PLC0415
    from shared.store.table import to_item  # noqa: PLC0415

    newest = datetime.now(UTC) - timedelta(minutes=1)
    step = timedelta(days=1) / PUBLISHED_PER_DAY
    items: list[dict[str, Any]] = []
    for n in range(size):
        template = heads[n % len(heads)]
        published = newest - step * (size - 1 - n)
        article_id = new_article_id(int(published.timestamp() * 1000))
        slug = f"{template.slug}-a{n}"
        url = template.url.rsplit("/", 1)[0] + f"/{slug}"
        card = template.card.model_copy(update={"id": article_id, "slug": slug, "url": url, "published_at": published,
                                                "updated_at": published})  # fmt: skip
        head = template.model_copy(
            update={
                "id": article_id,
                "submitted_at": published,
                "accepted_at": published,
                "updated_at": published,
                "published_at": published,
                "slug": slug,
                "url": url,
                "card": card,
                "external_id": None,
                "submission_key": f"submissions/{article_id}/00000001.json",
                "live_submission_key": f"submissions/{article_id}/00000001.json",
            }
        )
        items.append(to_item(head_item(head)))
        items += [to_item({"pk": tag_pk(e.tag_key), "sk": e.sort_key, "id": article_id}) for e in tag_entries(head)]
        pk, sk = slug_key(slug)
        items.append(to_item({"pk": pk, "sk": sk, "slug": slug, "article_id": article_id}))
    return items, Archive(size=size, newest=newest, oldest=newest - step * (size - 1))
