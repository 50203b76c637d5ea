"""What the fake Slack workspace holds: people, channels, DMs, messages, views and files.

The Web API families (users, conversations, chat, views, files) read and change it through
the helpers here; the server calls them one at a time under its lock, so nothing here locks.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

TEAM_ID = "T0LOOPBOT"
TEAM_NAME = "Loopbot Test"
TEAM_DOMAIN = "loopbot-test"
BOT_USER_ID = "U0LOOPBOT"
BOT_ID = "B0LOOPBOT"
APP_ID = "A0LOOPBOT"


class DirectoryUser(NamedTuple):
    name: str
    tz: str


class SlackApiFault(Exception):
    """Raised inside a method handler to answer ``{"ok": false, "error": ...}``."""

    def __init__(self, error: str):
        super().__init__(error)
        self.error = error


Params = dict[str, Any]
Method = Callable[["Workspace", Params], dict[str, Any]]


def _tz_offset(tz: str) -> int:
    offset = datetime.now(ZoneInfo(tz)).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


class Workspace:
    """The directory survives ``clear()``; what the bot posted, opened and uploaded does not.

    ``root_url`` gives the server's root URL (files and response URLs point back at it).
    """

    def __init__(self, root_url: Callable[[], str]):
        self.root_url = root_url
        self.triggers: dict[str, str] = {}  # trigger_id -> user_id; SlackRequests can fill it
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.dm_of_user: dict[str, str] = {}
        self.user_of_dm: dict[str, str] = {}
        self.response_urls: dict[str, dict[str, Any]] = {}
        self.usergroups: dict[str, dict[str, Any]] = {}  # id -> handle, name, users
        self.clear()

    def clear(self) -> None:
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.ephemerals: list[dict[str, Any]] = []
        self.views: dict[str, dict[str, Any]] = {}
        self.view_owner: dict[str, str] = {}
        self.home_views: dict[str, dict[str, Any]] = {}
        self.files: dict[str, dict[str, Any]] = {}
        self.ts_counter = 0
        self.view_counter = 0
        self.file_counter = 0
        self.hash_counter = 0

    # ------------------------------------------------------------------ directory

    def dm_channel(self, user_id: str) -> str:
        channel = self.dm_of_user.get(user_id)
        if channel is None:
            channel = "D" + user_id[1:]
            self.dm_of_user[user_id] = channel
            self.user_of_dm[channel] = user_id
        return channel

    def resolve_channel(self, channel: Any, *, create_dm: bool = True) -> str | None:
        """A channel id for an id, a user id (→ their DM) or a ``#name``; None if unknown."""
        if not isinstance(channel, str) or not channel:
            return None
        if channel.startswith("#"):
            name = channel[1:]
            for channel_id, info in self.channels.items():
                if info["name"] == name:
                    return channel_id
            return None
        if channel[0] in "UW":
            if channel not in self.users:
                return None
            if create_dm:
                return self.dm_channel(channel)
            return self.dm_of_user.get(channel)
        if channel[0] == "D":
            return channel if channel in self.user_of_dm else None
        if channel[0] in "CG":
            # Channels the test never declared are accepted, so that a test only has to
            # add the channels whose names it wants to see.
            return channel
        return None

    def require_channel(self, params: Params, key: str = "channel") -> str:
        channel_id = self.resolve_channel(params.get(key))
        if channel_id is None:
            raise SlackApiFault("channel_not_found")
        return channel_id

    def user_object(self, user: dict[str, Any]) -> dict[str, Any]:
        tz = user["tz"]
        label = user["tz_label"] or datetime.now(ZoneInfo(tz)).tzname() or tz
        return {
            "id": user["id"],
            "team_id": TEAM_ID,
            "name": user["email"].split("@")[0],
            "deleted": False,
            "real_name": user["name"],
            "tz": tz,
            "tz_label": label,
            "tz_offset": _tz_offset(tz),
            "is_bot": user["is_bot"],
            "is_app_user": False,
            "is_admin": False,
            "updated": 1_700_000_000,
            "profile": {
                "real_name": user["name"],
                "display_name": user["name"],
                "email": user["email"],
                "team": TEAM_ID,
            },
        }

    def channel_object(self, channel_id: str) -> dict[str, Any]:
        if channel_id in self.user_of_dm:
            return {
                "id": channel_id,
                "is_im": True,
                "is_channel": False,
                "user": self.user_of_dm[channel_id],
            }
        name = self.channels.get(channel_id, {}).get("name", channel_id.lower())
        return {
            "id": channel_id,
            "name": name,
            "is_im": False,
            "is_channel": channel_id.startswith("C"),
            "is_private": channel_id.startswith("G"),
            "is_member": True,
        }

    # ------------------------------------------------------------------ messages

    def next_ts(self) -> str:
        """Slack's ts: the wall-clock time the message was stored, unique and increasing
        (clients look for their own messages "around that time" with oldest/latest)."""
        now = int(time.time() * 1_000_000)
        self.ts_counter = max(now, self.ts_counter + 100)
        seconds, micros = divmod(self.ts_counter, 1_000_000)
        return f"{seconds}.{micros:06d}"

    def find_message(self, channel_id: str, ts: Any) -> dict[str, Any]:
        for message in self.messages.get(channel_id, []):
            if message["ts"] == ts:
                return message
        raise SlackApiFault("message_not_found")

    def new_message(self, channel_id: str, params: Params, **extra: Any) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "message",
            "ts": self.next_ts(),
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": TEAM_ID,
            "text": params.get("text") or "",
        }
        for key in ("blocks", "attachments", "metadata"):
            if params.get(key):
                message[key] = params[key]
        thread_ts = params.get("thread_ts")
        if thread_ts:
            message["thread_ts"] = thread_ts
            parent = next(
                (m for m in self.messages.get(channel_id, []) if m["ts"] == thread_ts), None
            )
            if parent is not None:
                parent["thread_ts"] = thread_ts
                parent["reply_count"] = parent.get("reply_count", 0) + 1
                parent["latest_reply"] = message["ts"]
        message.update(extra)
        message["channel"] = channel_id
        self.messages.setdefault(channel_id, []).append(message)
        return message

    def threaded(self, channel: str) -> list[dict[str, Any]]:
        """Copies of the top-level messages in ``channel``, each with its "replies"."""
        channel_id = self.resolve_channel(channel, create_dm=False)
        stored = self.messages.get(channel_id or "", [])
        parents = [copy.deepcopy(m) for m in stored if m.get("thread_ts") in (None, m["ts"])]
        by_ts = {m["ts"]: m for m in parents}
        for message in parents:
            message["replies"] = []
        for message in stored:
            thread_ts = message.get("thread_ts")
            if thread_ts is None or thread_ts == message["ts"]:
                continue
            parent = by_ts.get(thread_ts)
            if parent is not None:
                parent["replies"].append(copy.deepcopy(message))
            else:
                parents.append(copy.deepcopy(message) | {"replies": []})
        return parents


def public(message: dict[str, Any], *, metadata: bool = True) -> dict[str, Any]:
    # "channel" is kept on stored messages for convenience; Slack's message objects
    # don't carry it (nor their metadata, unless a reader asks for it).
    hidden = {"channel"} if metadata else {"channel", "metadata"}
    return {k: v for k, v in message.items() if k not in hidden}


def require_text_or_blocks(params: Params) -> None:
    if not (params.get("text") or params.get("blocks") or params.get("attachments")):
        raise SlackApiFault("no_text")
