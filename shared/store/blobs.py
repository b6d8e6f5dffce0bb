"""S3 adapter: the JSON documents of the private bucket (one sanitized submission per revision)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from shared.store.clients import LazyClient

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client


def json_document(document: Any) -> bytes:
    """The one serialization of stored JSON documents: UTF-8, compact, keys sorted (stable bytes)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


class BlobStore(LazyClient["S3Client"]):
    service = "s3"

    def __init__(self, bucket: str, client: S3Client | None = None) -> None:
        super().__init__(client)
        self.bucket = bucket

    def put_json(self, key: str, document: Any) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=key, Body=json_document(document), ContentType="application/json"
        )

    def get_json(self, key: str) -> Any:
        """The parsed document; raises KeyError when the object does not exist."""
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=key)
        except self.client.exceptions.NoSuchKey as error:
            raise KeyError(key) from error
        return json.loads(response["Body"].read())
