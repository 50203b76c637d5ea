"""Who is who, for the transcript: names and time zones of people, names of channels."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple, Protocol


class UserInfo(NamedTuple):
    name: str
    tz: str


class Directory(Protocol):
    """Who is who; FakeSlack implements this from its own directory."""

    def lookup_user(self, user_id: str) -> tuple[str, str] | None:
        """(display name, IANA time zone) or None."""
        ...

    def lookup_channel(self, channel_id: str) -> str | None:
        """Channel name without '#', or None."""
        ...

    def dm_user(self, channel_id: str) -> str | None:
        """The person a D-channel is a DM with, or None."""
        ...

    def trigger_user(self, trigger_id: str) -> str | None:
        """The person whose click produced ``trigger_id``, or None."""
        ...


@dataclass
class StaticDirectory:
    """A Directory from plain dicts: users id → (name, tz), channels id → name, etc."""

    users: dict[str, tuple[str, str]] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)
    dms: dict[str, str] = field(default_factory=dict)  # D-id -> user id
    triggers: dict[str, str] = field(default_factory=dict)  # trigger_id -> user id

    def lookup_user(self, user_id: str) -> tuple[str, str] | None:
        return self.users.get(user_id)

    def lookup_channel(self, channel_id: str) -> str | None:
        return self.channels.get(channel_id)

    def dm_user(self, channel_id: str) -> str | None:
        return self.dms.get(channel_id)

    def trigger_user(self, trigger_id: str) -> str | None:
        return self.triggers.get(trigger_id)
