"""DynamoDB adapter for the single table. Item shapes and keys live in :mod:`shared.store.items`.

Every state write is conditional: a head is replaced only if its ``version`` is still the one read,
claims and new heads are first-writer-wins. Transactions carry a ``ClientRequestToken``, so a
transaction botocore resends after a lost reply is applied once. Derived items (a superseded
revision's record, tag entries) are written unconditionally: they are the same on every write, and tag
entries are verified against the head when read.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from shared.errors import RevisionConflict
from shared.models.article import ArticleCard
from shared.models.common import ArticleStatus
from shared.store.clients import LazyClient
from shared.store.items import (
    FEED_ALL_INDEX,
    FEED_LANG_INDEX,
    FEED_SECTION_INDEX,
    FEED_SORT_ATTRIBUTE,
    HEAD,
    INDEX_ATTRIBUTES,
    MAIN_FEED_KEY,
    PENDING_INDEX,
    PENDING_KEY,
    PENDING_PARTITION_ATTRIBUTE,
    PENDING_SORT_ATTRIBUTE,
    REVISION_PREFIX,
    TAKEDOWN_INDEX,
    TAKEDOWN_KEY,
    TAKEDOWN_PARTITION_ATTRIBUTE,
    TAKEDOWN_SORT_ATTRIBUTE,
    ArticleHead,
    ExternalClaim,
    FeedEntry,
    Removal,
    RevisionItem,
    Signature,
    SlugClaim,
    TagEntry,
    article_pk,
    card_from,
    external_key,
    feed_sort_key,
    head_from_item,
    head_item,
    iso,
    revision_sk,
    slug_key,
    tag_pk,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

_BATCH_WRITE_MAX: Final = 25
_BATCH_GET_MAX: Final = 100
_UNPROCESSED_RETRIES: Final = 5


class ClaimTaken(Exception):
    """A create lost: ``what`` names what exists already ("article" or "external_id")."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


# -- attribute values --------------------------------------------------------------------------------
def serialize(value: Any) -> dict[str, Any]:
    """Python value -> DynamoDB attribute value (the subset this table stores)."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int | float | Decimal):
        return {"N": str(value)}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, bytes | bytearray):
        return {"B": bytes(value)}
    if isinstance(value, Mapping):
        return {"M": {k: serialize(v) for k, v in value.items()}}
    if isinstance(value, list | tuple):
        return {"L": [serialize(v) for v in value]}
    raise TypeError(f"cannot store {type(value).__name__}")


def deserialize(attribute: Mapping[str, Any]) -> Any:
    ((kind, value),) = attribute.items()
    if kind == "S":
        return value
    if kind == "N":
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() else float(number)
    if kind in ("BOOL", "NULL"):
        return value if kind == "BOOL" else None
    if kind == "M":
        return {k: deserialize(v) for k, v in value.items()}
    if kind == "L":
        return [deserialize(v) for v in value]
    if kind == "B":  # bytes from boto3; base64 text in a Lambda event
        return value if isinstance(value, bytes | bytearray) else base64.b64decode(value)
    if kind == "SS":
        return list(value)
    raise TypeError(f"unsupported attribute type {kind}")


def to_item(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: serialize(v) for k, v in values.items() if v is not None}


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    return {k: deserialize(v) for k, v in item.items()}


def head_from_image(image: Mapping[str, Any]) -> ArticleHead | None:
    """A head from a stream image (DynamoDB JSON); None for an image that is not an article head."""
    values = from_item(image)
    if values.get("entity") != "article" or values.get("sk") != HEAD:
        return None
    return head_from_item(values)


def _plain(model: Any, **extra: Any) -> dict[str, Any]:
    return {**model.model_dump(mode="json"), **extra}


# -- feeds -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FeedWindow:
    """Which part of a feed to read: strictly before and/or from a sort key, newest or oldest first."""

    limit: int
    before: str | None = None  # sort keys < before
    since: str | None = None  # sort keys >= since
    newest_first: bool = True


@dataclass(frozen=True)
class Neighbour:
    """A recent article of the same language, as near-duplicate and related lookups compare it."""

    article_id: str
    sort_key: str
    signature: Signature


@dataclass(frozen=True)
class FeedCandidate:
    """A head as a tag feed needs it to verify an entry: is it still published, tagged, in place?"""

    article_id: str
    status: ArticleStatus
    feeds: tuple[str, ...]
    sort_key: str | None
    card: ArticleCard | None


def _index_for(feed: str) -> tuple[str, str] | None:
    """The GSI and its partition attribute serving a feed; None for tag feeds (base-table partitions)."""
    if feed == MAIN_FEED_KEY:
        return FEED_ALL_INDEX, INDEX_ATTRIBUTES[FEED_ALL_INDEX]
    if feed.startswith("section#"):
        return FEED_SECTION_INDEX, INDEX_ATTRIBUTES[FEED_SECTION_INDEX]
    if feed.startswith("lang#"):
        return FEED_LANG_INDEX, INDEX_ATTRIBUTES[FEED_LANG_INDEX]
    if feed.startswith("tag#"):
        return None
    raise ValueError(f"unknown feed {feed!r}")


class ArticleTable(LazyClient["DynamoDBClient"]):
    service = "dynamodb"

    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        super().__init__(client)
        self.table_name = table_name

    @property
    def db(self) -> DynamoDBClient:
        return self.client

    # ----------------------------------------------------------------------------------------- reads
    def get_head(self, article_id: str) -> ArticleHead | None:
        item = self._get(article_pk(article_id), HEAD)
        return head_from_item(item) if item else None

    def get_revision(self, article_id: str, revision: int) -> RevisionItem | None:
        item = self._get(article_pk(article_id), revision_sk(revision))
        return RevisionItem.model_validate(item) if item else None

    def list_revisions(self, article_id: str) -> list[RevisionItem]:
        revisions: list[RevisionItem] = []
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :rev)",
            "ExpressionAttributeValues": {":pk": {"S": article_pk(article_id)}, ":rev": {"S": REVISION_PREFIX}},
            "ConsistentRead": True,
        }
        while True:
            response = self.db.query(**kwargs)
            revisions += [RevisionItem.model_validate(from_item(i)) for i in response["Items"]]
            if "LastEvaluatedKey" not in response:
                return revisions
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def get_slug_claim(self, slug: str) -> SlugClaim | None:
        item = self._get(*slug_key(slug))
        return SlugClaim.model_validate(item) if item else None

    def get_external_claim(self, external_id: str) -> ExternalClaim | None:
        item = self._get(*external_key(external_id))
        return ExternalClaim.model_validate(item) if item else None

    def _get(self, pk: str, sk: str) -> dict[str, Any] | None:
        response = self.db.get_item(TableName=self.table_name, Key=to_item({"pk": pk, "sk": sk}), ConsistentRead=True)
        return from_item(response["Item"]) if "Item" in response else None

    def feed_entries(self, feed: str, window: FeedWindow) -> tuple[list[FeedEntry], bool]:
        """One Query of a GSI feed (all, section, language): entries and whether more exist."""
        index = _index_for(feed)
        if index is None:
            raise ValueError(f"{feed} is a tag feed: use tag_entries")
        index_name, partition = index
        items, more = self._window(index_name, partition, feed, FEED_SORT_ATTRIBUTE, window)
        entries = []
        for item in items:
            signature = Signature.model_validate_json(item["sig"]) if "sig" in item else None
            entries.append(
                FeedEntry(
                    article_id=_article_id(item),
                    sort_key=item[FEED_SORT_ATTRIBUTE],
                    card=card_from(item["card"]),
                    signature=signature,
                )
            )
        return entries, more

    def recent_signatures(self, language_feed: str, limit: int) -> list[Neighbour]:
        """The newest published articles of a language with their signatures, and nothing else (one Query)."""
        index = _index_for(language_feed)
        if index is None or not language_feed.startswith("lang#"):
            raise ValueError(f"{language_feed} is not a language feed")
        index_name, partition = index
        window = FeedWindow(limit=limit)
        wanted = ("pk", FEED_SORT_ATTRIBUTE, "sig")
        items, _ = self._window(index_name, partition, language_feed, FEED_SORT_ATTRIBUTE, window, attributes=wanted)
        return [
            Neighbour(_article_id(i), i[FEED_SORT_ATTRIBUTE], Signature.model_validate_json(i["sig"]))
            for i in items
            if "sig" in i
        ]

    def tag_entries(self, feed: str, window: FeedWindow) -> tuple[list[TagEntry], bool]:
        """One Query of a tag feed's entries (not yet verified against the heads)."""
        tag = feed.removeprefix("tag#")
        items, more = self._window(None, "pk", tag_pk(tag), "sk", window)
        return [TagEntry(tag_key=tag, sort_key=i["sk"], article_id=i["id"]) for i in items], more

    def _window(
        self,
        index: str | None,
        partition: str,
        value: str,
        sort: str,
        window: FeedWindow,
        *,
        attributes: tuple[str, ...] = (),
    ) -> tuple[list[dict[str, Any]], bool]:
        condition = "#p = :p"
        values: dict[str, Any] = {":p": {"S": value}}
        if window.before is not None and window.since is not None:
            condition += " AND #s BETWEEN :since AND :last"
            values[":since"] = {"S": window.since}
            values[":last"] = {"S": _just_below(window.before)}
        elif window.before is not None:
            condition += " AND #s < :before"
            values[":before"] = {"S": window.before}
        elif window.since is not None:
            condition += " AND #s >= :since"
            values[":since"] = {"S": window.since}
        names = {"#p": partition, "#s": sort} if "#s" in condition else {"#p": partition}
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
            "ScanIndexForward": not window.newest_first,
            "Limit": window.limit + 1,
        }
        if index is not None:
            kwargs["IndexName"] = index
        if attributes:  # read units are billed on the whole projected item either way; the answer is smaller
            projected = {f"#a{i}": name for i, name in enumerate(attributes)}
            kwargs["ProjectionExpression"] = ", ".join(projected)
            kwargs["ExpressionAttributeNames"] = {**names, **projected}
        # A Query returns at most 1 MB: keep reading until the window is full or the range is exhausted.
        items: list[dict[str, Any]] = []
        while True:
            response = self.db.query(**kwargs)
            items += [from_item(i) for i in response["Items"]]
            if len(items) > window.limit or "LastEvaluatedKey" not in response:
                return items[: window.limit], len(items) > window.limit
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]
            kwargs["Limit"] = window.limit + 1 - len(items)

    def feed_candidates(self, article_ids: Sequence[str]) -> dict[str, FeedCandidate]:
        """The heads a page of tag entries points at (BatchGetItem, only what verification needs)."""
        wanted = list(dict.fromkeys(article_ids))
        found: dict[str, FeedCandidate] = {}
        for start in range(0, len(wanted), _BATCH_GET_MAX):
            keys = [to_item({"pk": article_pk(i), "sk": HEAD}) for i in wanted[start : start + _BATCH_GET_MAX]]
            request: dict[str, Any] = {
                self.table_name: {
                    "Keys": keys,
                    "ProjectionExpression": "id, #st, feeds, published_at, card",
                    "ExpressionAttributeNames": {"#st": "status"},
                }
            }
            for _ in range(_UNPROCESSED_RETRIES):
                response = self.db.batch_get_item(RequestItems=request)
                for item in response["Responses"].get(self.table_name, []):
                    values = from_item(item)
                    published = values.get("published_at")
                    found[values["id"]] = FeedCandidate(
                        article_id=values["id"],
                        status=ArticleStatus(values["status"]),
                        feeds=tuple(values.get("feeds", [])),
                        sort_key=feed_sort_key(datetime.fromisoformat(published), values["id"]) if published else None,
                        card=card_from(values["card"]) if values.get("card") else None,
                    )
                request = response.get("UnprocessedKeys") or {}
                if not request:
                    break
                time.sleep(0.05)
            else:
                raise RuntimeError("BatchGetItem left keys unprocessed after retries")
        return found

    def pending(self, now: datetime, limit: int) -> list[str]:
        """Ids of heads whose unfinished work is due (the sparse ``Pending`` index), oldest first."""
        response = self.db.query(
            TableName=self.table_name,
            IndexName=PENDING_INDEX,
            KeyConditionExpression="#p = :p AND #t <= :now",
            ExpressionAttributeNames={"#p": PENDING_PARTITION_ATTRIBUTE, "#t": PENDING_SORT_ATTRIBUTE},
            ExpressionAttributeValues={":p": {"S": PENDING_KEY}, ":now": {"S": iso(now)}},
            Limit=limit,
        )
        return [str(from_item(i)["pk"]).removeprefix("ARTICLE#") for i in response["Items"]]

    def removals(self, since: datetime, limit: int = 100) -> list[Removal]:
        """Articles taken down since ``since``, newest first (the sparse ``Takedowns`` index)."""
        response = self.db.query(
            TableName=self.table_name,
            IndexName=TAKEDOWN_INDEX,
            KeyConditionExpression="#p = :p AND #t >= :since",
            ExpressionAttributeNames={"#p": TAKEDOWN_PARTITION_ATTRIBUTE, "#t": TAKEDOWN_SORT_ATTRIBUTE},
            ExpressionAttributeValues={":p": {"S": TAKEDOWN_KEY}, ":since": {"S": iso(since)}},
            ScanIndexForward=False,
            Limit=limit,
        )
        removals = []
        for item in response["Items"]:
            values = from_item(item)
            takedown = json.loads(values["takedown"])
            removals.append(
                Removal(
                    article_id=_article_id(values),
                    at=takedown["at"],
                    reason=takedown["reason"],
                    feeds=values.get("feeds", []),
                )
            )
        return removals

    # ---------------------------------------------------------------------------------------- writes
    def create(self, head: ArticleHead, *, external: ExternalClaim | None = None) -> None:
        """A new head (it holds its first revision's record), with its ``external_id`` claim if it has one:
        one conditional Put, or a transaction of both. Raises :class:`ClaimTaken` naming what exists."""
        put_head = self._put_new(head_item(head))
        if external is None:
            try:
                self.db.put_item(**put_head["Put"])
            except self.db.exceptions.ConditionalCheckFailedException as error:
                raise ClaimTaken("article") from error
            return
        pk, sk = external_key(external.external_id)
        self._transact([put_head, self._put_new(_plain(external, pk=pk, sk=sk))], ["article", "external_id"])

    def accept_revision(self, head: ArticleHead, superseded: RevisionItem, expected_version: int) -> None:
        """The head of a new revision and the record of the revision it supersedes (until now held by the
        head). Raises RevisionConflict if the head moved."""
        put_head = self._put_head(head, expected_version)
        record = _plain(superseded, pk=head.pk, sk=revision_sk(superseded.revision))
        put_record = {"Put": {"TableName": self.table_name, "Item": to_item(record)}}  # derived: same every time
        try:
            self._transact([put_head, put_record], ["head", "revision"])
        except ClaimTaken as error:
            raise RevisionConflict(f"{head.id}: {error.what} changed since version {expected_version}") from error

    def save_head(self, head: ArticleHead, expected_version: int) -> None:
        """Replace the head if it is still at ``expected_version``; else RevisionConflict."""
        put = self._put_head(head, expected_version)["Put"]
        try:
            self.db.put_item(**put)
        except self.db.exceptions.ConditionalCheckFailedException as error:
            raise RevisionConflict(f"{head.id} moved past version {expected_version}") from error

    def set_pending(self, article_id: str, expected_version: int, pending_at: datetime | None, attempts: int) -> None:
        """Bookkeeping of the reconciler: when to look again. Leaves ``version`` alone (nothing to announce)."""
        names = {
            "#v": "version",
            "#n": "pending_attempts",
            "#t": PENDING_SORT_ATTRIBUTE,
            "#p": PENDING_PARTITION_ATTRIBUTE,
        }
        values: dict[str, Any] = {":v": {"N": str(expected_version)}, ":n": {"N": str(attempts)}}
        if pending_at is None:
            expression = "SET #n = :n REMOVE #t, #p"
        else:
            expression = "SET #n = :n, #t = :t, #p = :p"
            values |= {":t": {"S": iso(pending_at)}, ":p": {"S": PENDING_KEY}}
        try:
            self.db.update_item(
                TableName=self.table_name,
                Key=to_item({"pk": article_pk(article_id), "sk": HEAD}),
                UpdateExpression=expression,
                ConditionExpression="#v = :v",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
        except self.db.exceptions.ConditionalCheckFailedException as error:
            raise RevisionConflict(f"{article_id} moved past version {expected_version}") from error

    def claim_slug(self, slug: str, article_id: str) -> bool:
        """True if the slug is now (or already was) this article's; False if another article holds it."""
        pk, sk = slug_key(slug)
        try:
            self.db.put_item(
                TableName=self.table_name,
                Item=to_item(_plain(SlugClaim(slug=slug, article_id=article_id), pk=pk, sk=sk)),
                ConditionExpression="attribute_not_exists(pk) OR article_id = :id",
                ExpressionAttributeValues={":id": {"S": article_id}},
            )
        except self.db.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def put_tag_entries(self, entries: Iterable[TagEntry]) -> None:
        """Idempotent (same keys, same values), 25 per BatchWriteItem, unprocessed items retried."""
        requests = [
            {"PutRequest": {"Item": to_item({"pk": tag_pk(e.tag_key), "sk": e.sort_key, "id": e.article_id})}}
            for e in entries
        ]
        for start in range(0, len(requests), _BATCH_WRITE_MAX):
            pending: dict[str, Any] = {self.table_name: requests[start : start + _BATCH_WRITE_MAX]}
            for attempt in range(_UNPROCESSED_RETRIES):
                pending = self.db.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
                if not pending:
                    break
                time.sleep(0.05 * 2**attempt)
            else:
                raise RuntimeError("BatchWriteItem left items unprocessed after retries")

    # --------------------------------------------------------------------------------------- helpers
    def _put_new(self, values: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "Put": {
                "TableName": self.table_name,
                "Item": to_item(values),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }

    def _put_head(self, head: ArticleHead, expected_version: int) -> dict[str, Any]:
        return {
            "Put": {
                "TableName": self.table_name,
                "Item": to_item(head_item(head)),
                "ConditionExpression": "#v = :expected",
                "ExpressionAttributeNames": {"#v": "version"},
                "ExpressionAttributeValues": {":expected": {"N": str(expected_version)}},
            }
        }

    def _transact(self, items: list[dict[str, Any]], names: list[str]) -> None:
        """One transaction; a resend by botocore reuses the token and is applied once."""
        try:
            self.db.transact_write_items(TransactItems=items, ClientRequestToken=str(uuid.uuid4()))  # type: ignore[arg-type]
        except self.db.exceptions.TransactionCanceledException as error:
            reasons = [r.get("Code") for r in error.response.get("CancellationReasons", [])]
            failed = [names[i] for i, code in enumerate(reasons) if code == "ConditionalCheckFailed" and i < len(names)]
            if failed:
                raise ClaimTaken(failed[0]) from error
            raise  # throttling or a conflicting transaction: not a domain outcome, the caller retries


def _article_id(item: Mapping[str, Any]) -> str:
    """The id of a head read through an index (indexes project the keys, not ``id``)."""
    return str(item["pk"]).removeprefix("ARTICLE#")


def _just_below(key: str) -> str:
    """The largest practical sort key below ``key`` (for an inclusive BETWEEN standing for ``< key``)."""
    return key[:-1] + chr(ord(key[-1]) - 1) + "\U0010ffff" if key else key
