"""DynamoDB adapter for the single table: article heads, revisions, claims, feed and lookup indexes.

Key design (see docs/decisions.md):
| item            | pk                    | sk                     |
|-----------------|-----------------------|------------------------|
| article head    | ARTICLE#{id}          | HEAD                   |
| revision        | ARTICLE#{id}          | REV#{n:08d}            |
| slug claim      | SLUG#{slug}           | SLUG                   |
| external id     | EXTERNAL#{external_id}| EXTERNAL               |
| feed entry      | FEED#{name}           | {published_at}#{id}    |
| feed manifest   | FEEDMETA#{name}       | HEAD                   |
| related index   | INDEX#{key}           | {published_at}#{id}    |
| near-duplicates | SIMHASH#{band}        | {published_at}#{id}    |
| exact duplicate | FINGERPRINT#{sha256}  | FINGERPRINT            |

Every write is conditional or part of a transaction guarded by a condition on the article head.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from shared.errors import RevisionConflict, SlugTaken
from shared.store.clients import LazyClient

HEAD = "HEAD"


def article_pk(article_id: str) -> str:
    return f"ARTICLE#{article_id}"


def revision_sk(revision: int) -> str:
    return f"REV#{revision:08d}"


def _serialize(value: Any) -> dict[str, Any]:
    """Python value -> DynamoDB attribute value (the subset this table stores)."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int | float | Decimal):
        return {"N": str(value)}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, Mapping):
        return {"M": {k: _serialize(v) for k, v in value.items()}}
    if isinstance(value, list | tuple):
        return {"L": [_serialize(v) for v in value]}
    raise TypeError(f"cannot store {type(value).__name__}")


def _deserialize(attribute: Mapping[str, Any]) -> Any:
    ((kind, value),) = attribute.items()
    if kind == "S":
        return value
    if kind == "N":
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == "BOOL":
        return value
    if kind == "NULL":
        return None
    if kind == "M":
        return {k: _deserialize(v) for k, v in value.items()}
    if kind == "L":
        return [_deserialize(v) for v in value]
    if kind == "SS":
        return list(value)
    raise TypeError(f"unsupported attribute type {kind}")


def to_item(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _serialize(v) for k, v in values.items() if v is not None}


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _deserialize(v) for k, v in item.items()}


@dataclass(frozen=True)
class IndexedItem:
    """One entry of a time-ordered index partition (feed, related or near-duplicate)."""

    pk: str
    sk: str
    attributes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Publication:
    """Everything one publish transaction writes, prepared by the publishing service."""

    article_id: str
    revision: int
    head_updates: Mapping[str, Any]
    slug: str
    entries: Sequence[IndexedItem] = ()
    fingerprint: str | None = None


class ArticleTable(LazyClient):
    service = "dynamodb"

    def __init__(self, table_name: str, client: Any | None = None) -> None:
        super().__init__(client)
        self.table_name = table_name

    # ----------------------------------------------------------------- reads
    def get_head(self, article_id: str) -> dict[str, Any] | None:
        return self._get(article_pk(article_id), HEAD)

    def get_external(self, external_id: str) -> dict[str, Any] | None:
        return self._get(f"EXTERNAL#{external_id}", "EXTERNAL")

    def get_slug_owner(self, slug: str) -> str | None:
        claim = self._get(f"SLUG#{slug}", "SLUG")
        return str(claim["article_id"]) if claim else None

    def get_fingerprint(self, fingerprint: str) -> dict[str, Any] | None:
        return self._get(f"FINGERPRINT#{fingerprint}", "FINGERPRINT")

    def get_feed_manifest(self, feed: str) -> dict[str, Any] | None:
        return self._get(f"FEEDMETA#{feed}", HEAD)

    def _get(self, pk: str, sk: str) -> dict[str, Any] | None:
        response = self.client.get_item(
            TableName=self.table_name, Key=to_item({"pk": pk, "sk": sk}), ConsistentRead=True
        )
        return from_item(response["Item"]) if "Item" in response else None

    def query_newest(
        self, pk: str, limit: int, start_after: str | None = None, *, consistent: bool = False
    ) -> tuple[list[dict[str, Any]], bool]:
        """Up to ``limit`` items of a partition, newest sort key first, and whether more exist.

        One Query: it asks for one item more than it returns to know whether a next page exists.
        ``consistent`` for readers that act on what an event announced (the write is committed).
        """
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": pk}},
            "ScanIndexForward": False,
            "Limit": limit + 1,
            "ConsistentRead": consistent,
        }
        if start_after is not None:
            kwargs["ExclusiveStartKey"] = to_item({"pk": pk, "sk": start_after})
        items = [from_item(i) for i in self.client.query(**kwargs)["Items"]]
        return items[:limit], len(items) > limit

    # ---------------------------------------------------------------- writes
    def create_article(
        self,
        head: Mapping[str, Any],
        revision: Mapping[str, Any],
        external_id: str | None,
    ) -> None:
        """Head, first revision and external-id claim, all or nothing.

        Raises ``RevisionConflict`` when the id or the external id is already taken.
        """
        article_id = head["id"]
        items: list[dict[str, Any]] = [
            self._put({"pk": article_pk(article_id), "sk": HEAD, **head}),
            self._put({"pk": article_pk(article_id), "sk": revision_sk(revision["revision"]), **revision}),
        ]
        if external_id is not None:
            items.append(self._put({"pk": f"EXTERNAL#{external_id}", "sk": "EXTERNAL", "article_id": article_id}))
        try:
            self.client.transact_write_items(TransactItems=items)
        except self.client.exceptions.TransactionCanceledException as error:
            reasons = [r.get("Code") for r in error.response.get("CancellationReasons", [])]
            if "ConditionalCheckFailed" in reasons:
                raise RevisionConflict(str(error)) from error
            raise  # throttling or a conflicting transaction: not a domain outcome

    def publish(self, publication: Publication) -> None:
        """Mark the revision published and write its index entries, all or nothing.

        Raises ``RevisionConflict`` if the head moved on or was already processed, ``SlugTaken`` if
        another article holds the slug. Anything else (a fingerprint claimed by a concurrent
        duplicate, throttling) propagates: the message is retried and sees the new state.
        """
        p = publication
        updates = {**p.head_updates, "slug": p.slug}
        items: list[dict[str, Any]] = [
            self._update_head_if_received(p.article_id, p.revision, updates),
            {
                "Put": {
                    "TableName": self.table_name,
                    "Item": to_item({"pk": f"SLUG#{p.slug}", "sk": "SLUG", "article_id": p.article_id}),
                    "ConditionExpression": "attribute_not_exists(pk) OR article_id = :id",
                    "ExpressionAttributeValues": {":id": {"S": p.article_id}},
                }
            },
        ]
        if p.fingerprint is not None:
            items.append(
                {
                    "Put": {
                        "TableName": self.table_name,
                        "Item": to_item(
                            {
                                "pk": f"FINGERPRINT#{p.fingerprint}",
                                "sk": "FINGERPRINT",
                                "article_id": p.article_id,
                            }
                        ),
                        "ConditionExpression": "attribute_not_exists(pk) OR article_id = :id",
                        "ExpressionAttributeValues": {":id": {"S": p.article_id}},
                    }
                }
            )
        items += [
            {"Put": {"TableName": self.table_name, "Item": to_item({"pk": e.pk, "sk": e.sk, **e.attributes})}}
            for e in p.entries
        ]
        try:
            self.client.transact_write_items(TransactItems=items)
        except self.client.exceptions.TransactionCanceledException as error:
            reasons = [r.get("Code") for r in error.response.get("CancellationReasons", [])]
            if reasons and reasons[0] == "ConditionalCheckFailed":
                raise RevisionConflict(f"{p.article_id} r{p.revision} is no longer pending") from error
            if len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
                raise SlugTaken(p.slug) from error
            raise

    def reject(self, article_id: str, revision: int, updates: Mapping[str, Any]) -> None:
        try:
            self.client.transact_write_items(
                TransactItems=[self._update_head_if_received(article_id, revision, updates)]
            )
        except self.client.exceptions.TransactionCanceledException as error:
            raise RevisionConflict(f"{article_id} r{revision} is no longer pending") from error

    def put_feed_manifest(self, feed: str, manifest: Mapping[str, Any], expected_version: int) -> None:
        """Replace the manifest only if nobody else bumped the version since we read it."""
        item = to_item({"pk": f"FEEDMETA#{feed}", "sk": HEAD, **manifest})
        try:
            self.client.put_item(
                TableName=self.table_name,
                Item=item,
                ConditionExpression="attribute_not_exists(pk) OR version = :expected",
                ExpressionAttributeValues={":expected": {"N": str(expected_version)}},
            )
        except self.client.exceptions.ConditionalCheckFailedException as error:
            raise RevisionConflict(f"feed {feed} moved past version {expected_version}") from error

    # --------------------------------------------------------------- helpers
    def _put(self, values: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "Put": {
                "TableName": self.table_name,
                "Item": to_item(values),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }

    def _update_head_if_received(self, article_id: str, revision: int, updates: Mapping[str, Any]) -> dict[str, Any]:
        names = {f"#a{i}": name for i, name in enumerate(updates)}
        values = {f":v{i}": _serialize(value) for i, value in enumerate(updates.values())}
        assignments = ", ".join(f"#a{i} = :v{i}" for i in range(len(updates)))
        return {
            "Update": {
                "TableName": self.table_name,
                "Key": to_item({"pk": article_pk(article_id), "sk": HEAD}),
                "UpdateExpression": f"SET {assignments}",
                "ConditionExpression": "#rev = :rev AND #status = :received",
                "ExpressionAttributeNames": {**names, "#rev": "revision", "#status": "status"},
                "ExpressionAttributeValues": {
                    **values,
                    ":rev": {"N": str(revision)},
                    ":received": {"S": "received"},
                },
            }
        }


def json_attribute(value: Any) -> str:
    """Compact JSON for an attribute that is read whole (cards): cheaper than nested maps."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True, default=str)
