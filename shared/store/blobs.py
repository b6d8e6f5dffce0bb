"""S3 adapter: JSON documents in the private bucket, rendered files in the site bucket."""

from __future__ import annotations

import json
from typing import Any

from shared.store.clients import LazyClient


def json_document(document: Any) -> bytes:
    """The one serialization of stored JSON documents: UTF-8, compact, keys sorted (stable bytes)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


class BlobStore(LazyClient):
    service = "s3"

    def __init__(self, bucket: str, client: Any | None = None) -> None:
        super().__init__(client)
        self.bucket = bucket

    def put_json(self, key: str, document: Any) -> None:
        self.put_bytes(key, json_document(document), "application/json")

    def put_bytes(self, key: str, body: bytes, content_type: str, cache_control: str | None = None) -> None:
        extra = {"CacheControl": cache_control} if cache_control else {}
        self.client.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType=content_type, **extra)

    def get_json(self, key: str) -> Any:
        """The parsed document; raises KeyError when the object does not exist."""
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=key)
        except self.client.exceptions.NoSuchKey as error:
            raise KeyError(key) from error
        return json.loads(response["Body"].read())
