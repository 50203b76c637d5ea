"""The Slack transport: Web API calls, at most once.

Every `chat.postMessage` carries Slack message metadata naming its outbox row. When an
attempt may have landed without us hearing back (a timeout, a sender killed mid-call), the
next attempt first reads the channel (or the thread) around that time with
`include_all_metadata` and records the message it finds instead of posting it again. Edits
(`chat.update`) and App Home publishes are idempotent: they are simply sent again.

The client has no retry handlers of its own: one attempt is one request, so the outbox
decides about every retry (a blind SDK retry after a timeout is how duplicates happen).
"""

from __future__ import annotations

import base64
import http.client
import logging
import socket
from datetime import timedelta
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.outbox.transport import GiveUp, MaybeSent, OutboxCall, RetryLater, Transport
from storage.models import OutboxMessage
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

METADATA_EVENT = "loopbot_outbox"
REPOST = "_loopbot_repost"  # a private argument, never sent to Slack
# `ok: false` errors worth retrying. Auth and scope errors are fixed by an operator (a new
# token, a reinstall), after which the queue should still go out: retried, not dead-lettered.
RETRYABLE_ERRORS = {
    "ratelimited",
    "rate_limited",
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
    "not_authed",
    "invalid_auth",
    "token_revoked",
    "token_expired",
    "account_inactive",
    "missing_scope",
    "team_access_not_granted",
}
# HTTP statuses after which the request may have been carried out.
AMBIGUOUS_STATUSES = {500, 504}
# How far before an in-doubt attempt to look (clocks differ; Slack stamps ts itself).
LOOKBACK = timedelta(minutes=2)
HISTORY_PAGE = 200
HISTORY_PAGES = 10


def _dm_file(client: WebClient, user: str, **upload: Any) -> Any:
    """Attach a file in a person's DM with the bot: files need a channel id, not a user id."""
    channel = client.conversations_open(users=user)["channel"]["id"]
    return client.files_upload_v2(channel=channel, **upload)


def attachment(filename: str, title: str, content: bytes, alt_txt: str = "") -> dict:
    """One file for `loopbot.dm_files`; an outbox row is JSON, so bytes travel as base64."""
    return {
        "filename": filename,
        "title": title,
        "alt_txt": alt_txt,
        "content_base64": base64.b64encode(content).decode("ascii"),
    }


def _dm_files(client: WebClient, user: str, files: list[dict], initial_comment: str = "") -> Any:
    """Several files as one message in a person's DM (charts under their summary)."""
    channel = client.conversations_open(users=user)["channel"]["id"]
    uploads = [
        {
            "filename": f["filename"],
            "title": f["title"],
            "alt_txt": f.get("alt_txt") or None,
            "content": base64.b64decode(f["content_base64"]),
        }
        for f in files
    ]
    return client.files_upload_v2(
        channel=channel, file_uploads=uploads, initial_comment=initial_comment or None
    )


# Calls that take more than one Web API request; still one outbox row, retried as a whole.
COMPOSITE_METHODS = {"loopbot.dm_file": _dm_file, "loopbot.dm_files": _dm_files}


class SlackTransport(Transport):
    name = "slack"

    def __init__(self, client: WebClient, *, on_rate_limited=None):
        self.client = client
        # One attempt cannot outlast its requests' timeouts (a composite call makes up to four).
        self.in_doubt_after = float(client.timeout) * 4 + 1
        self.on_rate_limited = on_rate_limited
        self._channel_ids: dict[str, str] = {}  # channel name -> id, for `#name` settings

    # -- inside the claiming transaction ----------------------------------------------------
    def prepare(self, uow: UnitOfWork, message: OutboxMessage) -> dict[str, Any] | None:
        args = dict(message.payload)
        if message.thread_ref:
            parent = uow.outbox.message(message.thread_ref)
            if parent is None:
                return None
            args["channel"], args["thread_ts"] = parent.channel, parent.ts
        if message.update_ref:
            target = uow.outbox.message(message.update_ref)
            if target is None:
                return None
            args["channel"], args["ts"] = target.channel, target.ts
            if message.method == "chat.update":
                # Where to post it again if someone deleted the message meanwhile.
                args[REPOST] = {
                    "channel": target.channel,
                    "thread_ts": self._thread_of(uow, message),
                }
        if message.method == "chat.postMessage" and "metadata" not in args:
            args["metadata"] = _metadata(message.id, message.key)
        return args

    @staticmethod
    def _thread_of(uow: UnitOfWork, message: OutboxMessage) -> str | None:
        post = uow.outbox.post_of(message.update_ref)
        if post is None or not post.thread_ref:
            return None
        root = uow.outbox.message(post.thread_ref)
        return root.ts if root is not None else None

    def after_sent(self, uow: UnitOfWork, message: OutboxMessage, result: dict) -> None:
        named = message.ref or (message.update_ref if result.get("reposted") else None)
        if named and result.get("ts") and result.get("channel"):
            uow.outbox.remember(named, result["channel"], result["ts"])

    # -- outside any transaction --------------------------------------------------------------
    def send(self, call: OutboxCall) -> dict[str, Any]:
        args = {k: v for k, v in call.args.items() if k != REPOST}
        try:
            response = self._guarded(call.method, lambda: self._call(call.method, args))
        except GiveUp as refused:
            if call.method == "chat.update" and refused.reason.endswith(": message_not_found"):
                return self._repost(call)
            raise
        if not isinstance(response, dict) and hasattr(response, "data"):
            response = response.data
        result: dict[str, Any] = {}
        if isinstance(response, dict):
            if response.get("ts"):
                result["ts"] = response["ts"]
                result["channel"] = response.get("channel") or call.args.get("channel")
            files = response.get("files")
            if files:
                result["files"] = [f.get("id") for f in files if isinstance(f, dict)]
        return result

    def _repost(self, call: OutboxCall) -> dict[str, Any]:
        """The message was deleted: post it again where it was, with the edit's content."""
        where = call.args[REPOST]
        post = {k: call.args[k] for k in ("text", "blocks", "attachments") if k in call.args}
        if where.get("thread_ts"):
            post["thread_ts"] = where["thread_ts"]
        post["metadata"] = _metadata(call.id, call.key)
        log.warning("outbox %s: the message to edit is gone; posting it again", call.key)
        response = self._guarded(
            "chat.postMessage",
            lambda: self.client.chat_postMessage(channel=where["channel"], **post),
        )
        return {"channel": response.get("channel"), "ts": response.get("ts"), "reposted": True}

    def find_sent(self, call: OutboxCall) -> dict[str, Any] | None:
        if call.method == "chat.postMessage":
            return self._guarded("lookup", lambda: self._find_post(call))
        if call.method == "chat.update" and REPOST in call.args:
            # Only a re-post of a deleted message can have landed twice.
            where = call.args[REPOST]
            repost = OutboxCall(**{**call.__dict__, "args": where})
            found = self._guarded("lookup", lambda: self._find_post(repost))
            return None if found is None else {**found, "reposted": True}
        if call.method in ("loopbot.dm_file", "loopbot.dm_files"):
            return self._guarded("lookup", lambda: self._find_file(call))
        return None  # edits, publishes: sending again is harmless

    # -- the calls ------------------------------------------------------------------------------
    def _call(self, method: str, args: dict) -> Any:
        composite = COMPOSITE_METHODS.get(method)
        if composite is not None:
            return composite(self.client, **args)
        # The SDK's own method (chat_postMessage, views_publish…) encodes each call the way
        # Slack expects it; api_call covers anything without one.
        function = getattr(self.client, method.replace(".", "_"), None)
        if function is not None:
            return function(**args)
        return self.client.api_call(method, json=args)

    def _guarded(self, what: str, call):
        """Run `call`, turning what Slack and the network say into the outbox's three answers."""
        try:
            return call()
        except SlackApiError as error:
            raise self._classify(what, error) from error
        except URLError as error:
            reason = error.reason
            if isinstance(reason, (ConnectionRefusedError, socket.gaierror, TimeoutError)):
                # Refused, unknown host, or no connection in time: nothing was sent.
                raise RetryLater(f"{what}: {reason}") from error
            raise MaybeSent(f"{what}: {reason}") from error
        except (TimeoutError, http.client.HTTPException, ConnectionError, OSError) as error:
            # The request was sent and the answer never came (or came cut): it may have landed.
            raise MaybeSent(f"{what}: {type(error).__name__}: {error}") from error

    def _classify(self, what: str, error: SlackApiError):
        response = error.response
        status = getattr(response, "status_code", 200) if response is not None else 0
        code = ""
        if response is not None and isinstance(response.data, dict):
            code = str(response.data.get("error", ""))
        reason = f"{what}: {code or f'HTTP {status}'}"
        if status == 429 or code in ("ratelimited", "rate_limited"):
            if self.on_rate_limited is not None:
                self.on_rate_limited()
            return RetryLater(reason, retry_after=_retry_after(response))
        if status in AMBIGUOUS_STATUSES:
            return MaybeSent(reason)
        if status >= 500 or code in RETRYABLE_ERRORS:
            return RetryLater(reason, retry_after=_retry_after(response))
        return GiveUp(reason)

    # -- looking for an attempt that may have landed ---------------------------------------------
    def _conversation(self, channel: str) -> str:
        """The id conversations.history takes: a person's DM for a user id, the channel's id
        for a `#name` (chat.postMessage takes a name; the history methods do not)."""
        if channel[:1] in ("U", "W"):
            return self.client.conversations_open(users=channel)["channel"]["id"]
        if channel.startswith("#"):
            return self._channel_id(channel[1:]) or channel
        return channel

    def _channel_id(self, name: str) -> str | None:
        if name not in self._channel_ids:
            cursor = None
            for _ in range(HISTORY_PAGES):
                page = self.client.conversations_list(
                    types="public_channel,private_channel",
                    exclude_archived=True,
                    limit=HISTORY_PAGE,
                    cursor=cursor,
                )
                for found in page.get("channels") or []:
                    self._channel_ids[found["name"]] = found["id"]
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if name in self._channel_ids or not cursor:
                    break
        return self._channel_ids.get(name)

    def _messages_since(self, channel: str, thread_ts: str | None, oldest: float):
        cursor = None
        for _ in range(HISTORY_PAGES):
            query: dict[str, Any] = {
                "channel": channel,
                "oldest": f"{oldest:.6f}",
                "limit": HISTORY_PAGE,
                "include_all_metadata": True,
            }
            if cursor:
                query["cursor"] = cursor
            if thread_ts:
                page = self.client.conversations_replies(ts=thread_ts, **query)
            else:
                page = self.client.conversations_history(**query)
            yield from page.get("messages") or []
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not page.get("has_more") or not cursor:
                return

    def _find_post(self, call: OutboxCall) -> dict[str, Any] | None:
        channel = self._conversation(str(call.args.get("channel", "")))
        since = call.in_doubt_since or call.created_at
        oldest = (since - LOOKBACK).timestamp()
        for message in self._messages_since(channel, call.args.get("thread_ts"), oldest):
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == METADATA_EVENT and payload.get("outbox_id") == call.id:
                log.info("outbox %s had reached Slack already; recorded, not re-sent", call.key)
                return {"channel": channel, "ts": message["ts"], "found": True}
        return None

    def _find_file(self, call: OutboxCall) -> dict[str, Any] | None:
        channel = self._conversation(str(call.args.get("user", "")))
        since = call.in_doubt_since or call.created_at
        files = call.args.get("files") or [call.args]
        name = files[0].get("filename")
        for message in self._messages_since(channel, None, (since - LOOKBACK).timestamp()):
            files = [f for f in message.get("files") or [] if f.get("name") == name]
            if files:
                return {"files": [f.get("id") for f in files], "found": True}
        return None


def _metadata(outbox_id: int, key: str) -> dict[str, Any]:
    return {"event_type": METADATA_EVENT, "event_payload": {"outbox_id": outbox_id, "key": key}}


def _retry_after(response) -> float | None:
    headers = getattr(response, "headers", None) or {}
    for name, value in headers.items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            try:
                return max(0.0, float(raw))
            except (TypeError, ValueError):
                return None
    return None
