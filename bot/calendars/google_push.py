"""Google Calendar push notifications: the watch channel loopbot opens, and checking what arrives.

`GoogleCalendar.new_channel()` makes a channel (an id and a random token) and `watch()` opens it
on the organizer's calendar (`events.watch`); Google then POSTs an empty body to the channel's
address with `X-Goog-*` headers on every change. As Google documents, a notification is only a
nudge ("something changed"): the receiver verifies it came through a channel it opened
(`X-Goog-Channel-ID` known, `X-Goog-Channel-Token` equal to that channel's token), answers 200,
and runs the sync (`event_states`) to learn what changed. State `sync` is the handshake Google
sends as a channel opens.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.calendars.push import NotificationRejected

RESOURCE_STATES = frozenset({"sync", "exists", "not_exists"})


@dataclass(frozen=True)
class WatchChannel:
    """What to keep about an open channel: to verify notifications and to stop it."""

    id: str
    resource_id: str  # Google's id of the watched collection ("" until watch() returns)
    token: str  # secret sent back in X-Goog-Channel-Token
    address: str
    expires: datetime | None


@dataclass(frozen=True)
class GoogleNotification:
    channel_id: str
    resource_id: str
    state: str  # sync | exists | not_exists
    message_number: int

    @property
    def needs_sync(self) -> bool:
        """False for the handshake sent when a channel opens; True for a change."""
        return self.state != "sync"


def verify_google_notification(
    headers: Mapping[str, str], channels: Iterable[WatchChannel]
) -> GoogleNotification:
    """The notification in `headers` (any case), if it came through one of `channels` and
    carries that channel's token; else NotificationRejected."""
    lowered = {name.lower(): value for name, value in headers.items()}
    channel_id = lowered.get("x-goog-channel-id", "")
    channel = next((c for c in channels if c.id == channel_id), None)
    if channel is None:
        raise NotificationRejected(f"no open channel {channel_id!r}")
    token = lowered.get("x-goog-channel-token", "")
    if not hmac.compare_digest(token.encode(), channel.token.encode()):
        raise NotificationRejected(f"wrong token for channel {channel_id}")
    resource_id = lowered.get("x-goog-resource-id", "")
    # An empty resource id: the channel is being opened and Google's answer is not in yet.
    if channel.resource_id and resource_id != channel.resource_id:
        raise NotificationRejected(f"channel {channel_id} watches another resource")
    state = lowered.get("x-goog-resource-state", "")
    if state not in RESOURCE_STATES:
        raise NotificationRejected(f"unknown resource state {state!r}")
    number = lowered.get("x-goog-message-number", "0")
    return GoogleNotification(
        channel_id, resource_id, state, int(number) if number.isdigit() else 0
    )
