"""Seeding a 10,000-article archive fast enough for a benchmark (bench only).

moto's own O(table) costs (queries, transactions, projections, serialization) are fixed once, for the
local runtime and the benchmark alike, in ``infra/local/motofixes.py``. What remains here is for the
benchmark's seeding only.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from moto.dynamodb.models.dynamo_type import LimitedSizeDict


@contextlib.contextmanager
def unchecked_item_sizes() -> Iterator[None]:
    """For the benchmark's own seeding only: moto re-measures the whole item on every attribute set
    (quadratic in attributes) to enforce the 400 KB limit, which archived heads (~5 KB) never near."""
    original = LimitedSizeDict.__setitem__
    LimitedSizeDict.__setitem__ = dict.__setitem__  # type: ignore[method-assign]
    try:
        yield
    finally:
        LimitedSizeDict.__setitem__ = original  # type: ignore[method-assign]
