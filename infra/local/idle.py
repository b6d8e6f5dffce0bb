"""Pieces of the runtime's honest idleness that read the world: unfinished work declared by the
template, and the process's memory.

A DynamoDB table may declare, in its CloudFormation metadata, a sparse index of unfinished work:

    "Metadata": {"newsroom:local": {"unfinishedWorkIndex": "Pending"}}

Items in that index whose sort key (an ISO-8601 time) is at or before now are work the system still
has to do by itself (a reconciler's queue); later ones are reported as ``next_due_at`` and do not
keep the runtime busy.
"""

from __future__ import annotations

import datetime as dt
import resource
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from infra.local.deploy import Deployment
from infra.local.template import Template

METADATA_KEY: Final = "newsroom:local"
_SAMPLE: Final = 5


@dataclass(frozen=True)
class UnfinishedIndex:
    table_logical_id: str
    table_name: str
    index_name: str
    sort_key: str | None

    @property
    def label(self) -> str:
        return f"{self.table_logical_id}/{self.index_name}"


def unfinished_indexes(template: Template, deployment: Deployment) -> tuple[list[UnfinishedIndex], list[str]]:
    """(indexes, problems) declared by the template's tables."""
    found, problems = [], []
    for table in deployment.of_type("AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable"):
        metadata = template.resources[table.logical_id].metadata.get(METADATA_KEY) or {}
        index_name = metadata.get("unfinishedWorkIndex")
        if not index_name:
            continue
        index = next(
            (i for i in table.properties.get("GlobalSecondaryIndexes") or [] if i.get("IndexName") == index_name),
            None,
        )
        if index is None:
            problems.append(f"{table.logical_id}: unfinishedWorkIndex {index_name} is not a GSI of the table")
            continue
        sort_key = next((k["AttributeName"] for k in index.get("KeySchema", []) if k.get("KeyType") == "RANGE"), None)
        found.append(UnfinishedIndex(table.logical_id, str(table.physical_id), str(index_name), sort_key))
    return found, problems


def _moment(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def scan_unfinished(ddb: Any, index: UnfinishedIndex, now: dt.datetime) -> dict[str, Any]:
    """Due items (count and a few keys), and when the next one falls due."""
    due, sample = 0, []  # type: tuple[int, list[dict[str, Any]]]
    upcoming: dt.datetime | None = None
    kwargs: dict[str, Any] = {"TableName": index.table_name, "IndexName": index.index_name}
    while True:
        page = ddb.scan(**kwargs)
        for item in page.get("Items", []):
            raw = (item.get(index.sort_key) or {}).get("S") if index.sort_key else None
            moment = _moment(raw)
            if moment is None or moment <= now:  # no readable time: treat as due (never hide work)
                due += 1
                if len(sample) < _SAMPLE:
                    sample.append({name: next(iter(value.values())) for name, value in item.items()})
            elif upcoming is None or moment < upcoming:
                upcoming = moment
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return {
        "due": due,
        "sample": sample,
        "next_due_at": upcoming.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if upcoming else None,
    }


def memory() -> dict[str, float]:
    """Resident memory of this process now and its high-water mark, in MB."""
    current = peak = 0.0
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                current = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    if not peak:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    return {"rss_mb": round(current, 1), "peak_rss_mb": round(peak, 1)}
