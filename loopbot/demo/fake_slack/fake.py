"""FakeSlack: the Web API families over one workspace, served by the recording server."""

from __future__ import annotations

import copy
from typing import Any
from zoneinfo import ZoneInfo

from loopbot.demo.fake_slack import chat, conversations, files, usergroups, users, views
from loopbot.demo.fake_slack.server import FILE_UPLOAD, RESPONSE_URL, RecordingServer, Reply
from loopbot.demo.fake_slack.workspace import (
    APP_ID,
    BOT_ID,
    BOT_USER_ID,
    TEAM_ID,
    DirectoryUser,
    Method,
    SlackApiFault,
    Workspace,
)

METHODS: dict[str, Method] = {
    **users.METHODS,
    **conversations.METHODS,
    **chat.METHODS,
    **views.METHODS,
    **files.METHODS,
    **usergroups.METHODS,
}


class FakeSlack(RecordingServer):
    """A fake Slack Web API server; see the package docstring.

    ``token`` (optional) makes the fake accept only that exact bot token; otherwise any
    ``xoxb-`` token is accepted.
    """

    team_id = TEAM_ID
    bot_user_id = BOT_USER_ID
    bot_id = BOT_ID
    app_id = APP_ID

    def __init__(self, token: str | None = None):
        super().__init__()
        self.token = token
        self.workspace = Workspace(lambda: self.url)
        self.triggers = self.workspace.triggers  # trigger_id -> user_id; SlackRequests fills it
        self.add_user(BOT_USER_ID, "loopbot", "loopbot@example.invalid", "UTC", is_bot=True)

    # ------------------------------------------------------------------ directory

    def add_user(
        self,
        user_id: str,
        name: str,
        email: str,
        tz: str,
        tz_label: str | None = None,
        is_bot: bool = False,
    ) -> None:
        ZoneInfo(tz)  # fail at setup, not in the middle of a request, on a bad zone name
        with self._lock:
            self.workspace.users[user_id] = {
                "id": user_id,
                "name": name,
                "email": email,
                "tz": tz,
                "tz_label": tz_label,
                "is_bot": is_bot,
            }

    def add_usergroup(self, group_id: str, handle: str, name: str, users: list[str]) -> None:
        """A user group (Slack's "subteam"); `set_usergroup_users` changes its members."""
        with self._lock:
            self.workspace.usergroups[group_id] = {
                "id": group_id,
                "handle": handle,
                "name": name,
                "users": list(users),
            }

    def set_usergroup_users(self, group_id: str, users: list[str]) -> None:
        with self._lock:
            self.workspace.usergroups[group_id]["users"] = list(users)

    def add_channel(self, channel_id: str, name: str) -> None:
        with self._lock:
            self.workspace.channels[channel_id] = {"id": channel_id, "name": name.lstrip("#")}

    def dm_channel(self, user_id: str) -> str:
        """The stable D-id of the bot's DM with ``user_id`` (what conversations.open returns)."""
        with self._lock:
            return self.workspace.dm_channel(user_id)

    # The Directory protocol of loopbot.demo.transcript, served live from the fake.
    def lookup_user(self, user_id: str) -> DirectoryUser | None:
        with self._lock:
            user = self.workspace.users.get(user_id)
            return DirectoryUser(user["name"], user["tz"]) if user else None

    def lookup_channel(self, channel_id: str) -> str | None:
        with self._lock:
            channel = self.workspace.channels.get(channel_id)
            return channel["name"] if channel else None

    def dm_user(self, channel_id: str) -> str | None:
        with self._lock:
            return self.workspace.user_of_dm.get(channel_id)

    def trigger_user(self, trigger_id: str) -> str | None:
        with self._lock:
            return self.triggers.get(trigger_id)

    def new_response_url(
        self,
        user_id: str | None = None,
        channel_id: str | None = None,
        message_ts: str | None = None,
    ) -> str:
        """A URL on the fake that behaves like an interaction's ``response_url``.

        ``user_id``/``channel_id`` say whose interaction it belongs to (the transcript shows
        ephemeral responses to that user); ``message_ts`` lets ``replace_original`` and
        ``delete_original`` act on that stored message.
        """
        with self._lock:
            return chat.new_response_url(self.workspace, user_id, channel_id, message_ts)

    def reset(self) -> None:
        """Forget calls, faults, latency, messages, views and files; keep users and channels."""
        with self._lock:
            self._clear_recording()
            self.workspace.clear()
            self._changed.notify_all()

    # ------------------------------------------------------------------ state for tests

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Top-level messages in ``channel`` (id, user id or ``#name``), oldest first, with
        updates applied and each one's thread replies under ``"replies"``."""
        with self._lock:
            return self.workspace.threaded(channel)

    def delete_message(self, channel: str, ts: str) -> None:
        """A person deletes a message by hand (the bot's edits of it then fail)."""
        with self._lock:
            channel_id = self.workspace.resolve_channel(channel, create_dm=False)
            stored = self.workspace.messages.get(channel_id or "", [])
            self.workspace.messages[channel_id or ""] = [m for m in stored if m["ts"] != ts]

    def thread(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        """Replies in the thread of ``thread_ts`` (without the parent), oldest first."""
        for message in self.messages(channel):
            if message["ts"] == thread_ts:
                return message["replies"]
        return []

    def ephemerals(self, user_id: str | None = None) -> list[dict[str, Any]]:
        """Ephemeral messages (chat.postEphemeral and response_url), optionally for one user."""
        with self._lock:
            return [
                copy.deepcopy(e)
                for e in self.workspace.ephemerals
                if user_id is None or e.get("user") == user_id
            ]

    def view(self, view_id: str) -> dict[str, Any] | None:
        with self._lock:
            view = self.workspace.views.get(view_id)
            return copy.deepcopy(view) if view else None

    def views_of(self, user_id: str) -> list[dict[str, Any]]:
        """Modals opened for ``user_id`` (known from the trigger map), oldest first."""
        with self._lock:
            return [
                copy.deepcopy(v)
                for vid, v in self.workspace.views.items()
                if self.workspace.view_owner.get(vid) == user_id
            ]

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        with self._lock:
            view = self.workspace.home_views.get(user_id)
            return copy.deepcopy(view) if view else None

    def file(self, file_id: str) -> dict[str, Any] | None:
        """An uploaded file: id, name, title, length, content (bytes), channels."""
        with self._lock:
            stored = self.workspace.files.get(file_id)
            return copy.deepcopy(stored) if stored else None

    # ------------------------------------------------------------------ answering

    def _response_url_meta(self, key: str) -> dict[str, Any]:
        return dict(self.workspace.response_urls.get(key, {}))

    def _route(
        self,
        method: str,
        params: dict[str, Any],
        headers: dict[str, str],
        body: bytes,
        meta: dict[str, Any],
    ) -> Reply:
        if method == RESPONSE_URL:
            if not meta:
                return Reply(404, {"ok": False, "error": "expired_url"})
            return Reply(200, chat.answer_response_url(self.workspace, params, meta))
        if method == FILE_UPLOAD:
            if not files.receive_upload(self.workspace, params["file_id"], body):
                return Reply(404, "Not Found")
            return Reply(200, f"OK - {len(body)}")

        handler = METHODS.get(method)
        if handler is None:
            status = 200 if method and "/" not in method else 404
            return Reply(status, {"ok": False, "error": "unknown_method"})
        auth_error = self._auth_error(headers, params)
        if auth_error:
            return Reply(200, {"ok": False, "error": auth_error})
        try:
            result = handler(self.workspace, params)
        except SlackApiFault as failure:
            return Reply(200, {"ok": False, "error": failure.error})
        return Reply(200, {"ok": True, **result})

    def _auth_error(self, headers: dict[str, str], params: dict[str, Any]) -> str | None:
        authorization = headers.get("authorization", "")
        if authorization.lower().startswith("bearer "):
            token = authorization[len("bearer ") :].strip()
        else:
            # Slack also accepts the token as a form/query argument.
            token = str(params.get("token") or "")
        if not token:
            return "not_authed"
        if not token.startswith("xoxb-") or (self.token is not None and token != self.token):
            return "invalid_auth"
        return None
