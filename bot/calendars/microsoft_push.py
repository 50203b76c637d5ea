"""Microsoft Graph change notifications: the subscription loopbot holds, and checking what arrives.

`MicrosoftCalendar.subscribe()` asks Graph to POST to a public URL whenever an event in the
organizer's mailbox is created, updated or deleted. As Graph documents:
- on creation Graph first POSTs `?validationToken=...` to that URL; the endpoint must answer
  200, `text/plain`, the token exactly, within 10 seconds (`graph_validation_token`);
- each notification carries the `clientState` the subscription was made with; one that does not
  match is not from Graph and is dropped (`verify_graph_notifications`). Answer 202 to the rest,
  then run the sync (`event_states`): a notification says what changed, not how.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.calendars.push import NotificationRejected


@dataclass(frozen=True)
class Subscription:
    id: str
    resource: str
    client_state: str  # secret Graph sends back with every notification
    notification_url: str
    expires: datetime


@dataclass(frozen=True)
class GraphChange:
    subscription_id: str
    change_type: str  # created | updated | deleted
    event_id: str  # Graph's id of the event (resourceData.id)


def graph_validation_token(query: Mapping[str, str]) -> str | None:
    """The token to echo back (200, text/plain) when Graph validates the notification URL;
    None for an ordinary notification."""
    return query.get("validationToken")


def verify_graph_notifications(
    body: bytes, subscriptions: Iterable[Subscription]
) -> list[GraphChange]:
    """The changes in a notification POST whose subscription is ours and whose clientState
    matches it. Items failing that are dropped; NotificationRejected when none is left."""
    try:
        items = json.loads(body)["value"]
    except (ValueError, KeyError, TypeError):
        raise NotificationRejected("not a Graph change notification") from None
    known = {s.id: s for s in subscriptions}
    changes = []
    for item in items if isinstance(items, list) else []:
        subscription = known.get(str(item.get("subscriptionId", "")))
        state = str(item.get("clientState", ""))
        if subscription is None or not hmac.compare_digest(
            state.encode(), subscription.client_state.encode()
        ):
            continue
        data = item.get("resourceData") or {}
        changes.append(
            GraphChange(subscription.id, str(item.get("changeType", "")), str(data.get("id", "")))
        )
    if not changes:
        raise NotificationRejected("no notification with a known subscription and clientState")
    return changes
