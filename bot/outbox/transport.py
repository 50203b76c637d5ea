"""What the outbox sender asks of a transport, and the registry that picks one per row.

A row's `method` names its call, e.g. `chat.postMessage`, `mail.send`, `calendar.put`; the
transport registered under the longest prefix of it delivers the row (Slack is registered
under "", so it takes whatever nobody else claims). A transport:

- `prepare(uow, message)` turns the stored row into the call's arguments, inside the claiming
  transaction (Slack looks up the channel and ts of a `thread_ref` here); returning None means
  "not yet: it waits for another row" and the row is tried again soon;
- `send(call)` makes the call and returns what should be kept of the answer (a JSON-able dict,
  stored as the row's `result`), or raises `RetryLater` (nothing happened; 429, 5xx, refused
  connections), `MaybeSent` (the call may have landed: a timeout) or `GiveUp` (refused for
  good: the row becomes a dead letter with the reason);
- `find_sent(call)` (optional) looks for an earlier attempt of an in-doubt row on the other
  side and returns its result, or None when it did not land (then it is sent again); a
  transport without it is re-sent as is, which must then be harmless (idempotent calls);
- `after_sent(uow, message, result)` runs in the transaction that records the row as sent
  (Slack remembers where a named message landed; a calendar hook can copy an event id);
- `in_doubt_after` is how long one attempt can take: a row still `sending` after that long
  was abandoned by a sender that died, and is retried as in doubt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.models import OutboxMessage
from storage.uow import UnitOfWork


class DeliveryError(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class RetryLater(DeliveryError):
    """Nothing happened on the other side; try again after the backoff (or `retry_after`)."""

    def __init__(self, reason: str, *, retry_after: float | None = None):
        super().__init__(reason)
        self.retry_after = retry_after


class MaybeSent(DeliveryError):
    """The call may have reached the other side without us hearing back (a timeout, a
    connection cut mid-answer): look before sending it again."""


class GiveUp(DeliveryError):
    """Refused for good (no such channel, invalid blocks, a bad address): a dead letter."""


@dataclass(frozen=True)
class OutboxCall:
    id: int
    key: str
    method: str
    args: dict[str, Any]
    loop_id: int | None
    created_at: datetime
    # Set when an earlier attempt may have landed: when the first such attempt started.
    in_doubt_since: datetime | None = None


class Transport:
    """Defaults for a transport; subclasses override `send` and whatever else they need."""

    name = "transport"
    in_doubt_after = 60.0

    def prepare(self, uow: UnitOfWork, message: OutboxMessage) -> dict[str, Any] | None:
        return dict(message.payload)

    def send(self, call: OutboxCall) -> dict[str, Any] | None:
        raise GiveUp(f"{self.name} cannot send {call.method}")

    find_sent = None  # or a method: (call) -> dict | None

    def after_sent(self, uow: UnitOfWork, message: OutboxMessage, result: dict) -> None:
        return None


class Transports:
    """Transports by method prefix; the longest matching prefix wins."""

    def __init__(self) -> None:
        self._by_prefix: dict[str, Transport] = {}

    def register(self, prefix: str, transport: Transport) -> None:
        self._by_prefix[prefix] = transport

    def for_method(self, method: str) -> Transport | None:
        matches = [p for p in self._by_prefix if method.startswith(p)]
        return self._by_prefix[max(matches, key=len)] if matches else None

    def all(self) -> list[Transport]:
        return list(self._by_prefix.values())
