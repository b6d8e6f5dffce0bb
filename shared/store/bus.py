"""EventBridge adapter: publishes envelopes as events of the custom bus."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from shared.store.clients import LazyClient

if TYPE_CHECKING:
    from mypy_boto3_events.client import EventBridgeClient

_MAX_ENTRIES_PER_CALL = 10


@dataclass(frozen=True)
class OutgoingEvent:
    detail_type: str
    detail: str  # JSON of the envelope
    resources: tuple[str, ...] = ()


class EventPublishError(Exception):
    def __init__(self, failed: list[tuple[OutgoingEvent, str]]) -> None:
        self.failed = failed
        super().__init__(f"{len(failed)} event(s) not accepted: {failed[0][1]}")


class EventBus(LazyClient["EventBridgeClient"]):
    service = "events"

    def __init__(self, bus_name: str, source: str, client: EventBridgeClient | None = None) -> None:
        super().__init__(client)
        self.bus_name = bus_name
        self.source = source

    def publish(self, events: Sequence[OutgoingEvent]) -> None:
        """Put all events; raises EventPublishError naming those EventBridge did not accept.

        A call that fails as a whole (throttled or unreachable after botocore's retries) fails the events
        it carried, and the next calls are still made: callers learn exactly which events went out.
        """
        failed: list[tuple[OutgoingEvent, str]] = []
        for start in range(0, len(events), _MAX_ENTRIES_PER_CALL):
            chunk = events[start : start + _MAX_ENTRIES_PER_CALL]
            try:
                response = self.client.put_events(
                    Entries=[
                        {
                            "EventBusName": self.bus_name,
                            "Source": self.source,
                            "DetailType": event.detail_type,
                            "Detail": event.detail,
                            "Resources": list(event.resources),
                        }
                        for event in chunk
                    ]
                )
            except (ClientError, BotoCoreError) as error:
                failed += [(event, f"{type(error).__name__}: {error}") for event in chunk]
                continue
            if response.get("FailedEntryCount"):
                for event, entry in zip(chunk, response["Entries"], strict=True):
                    if "ErrorCode" in entry:
                        failed.append((event, f"{entry['ErrorCode']}: {entry.get('ErrorMessage', '')}"))
        if failed:
            raise EventPublishError(failed)
