"""A fake Slack Web API on a local thread, for tests and ``loopbot demo``.

Point slack_sdk at it with ``WebClient(base_url=fake.base_url, token="xoxb-...")``. It answers
the methods loopbot uses with Slack's documented response shapes, keeps the resulting state
(messages, modals, App Home tabs, files) so tests can look at what people would see, records
every request in order, and can inject rate limits, server errors and latency.
"""

from __future__ import annotations

import contextlib
import copy
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

TEAM_ID = "T0LOOPBOT"
TEAM_NAME = "Loopbot Test"
TEAM_DOMAIN = "loopbot-test"
BOT_USER_ID = "U0LOOPBOT"
BOT_ID = "B0LOOPBOT"
APP_ID = "A0LOOPBOT"

# Fields that slack_sdk JSON-encodes when it sends a form body; decoded so that tests see the
# same structure whichever encoding the client chose.
_JSON_FIELDS = frozenset({"blocks", "attachments", "view", "files", "metadata", "user_auth_blocks"})

# Methods that are not Web API methods but requests to other URLs the fake serves.
RESPONSE_URL = "response_url"
FILE_UPLOAD = "file_upload"


@dataclass
class Call:
    """One request the fake received, in arrival-processing order."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str]  # keys lower-cased
    body: bytes
    at: float
    status: int
    response: Any = None  # the decoded JSON the fake answered with, when it was JSON
    path: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the call took effect (HTTP 200 and not ``ok: false``)."""
        if self.status != 200:
            return False
        return not (isinstance(self.response, dict) and self.response.get("ok") is False)


class DirectoryUser(NamedTuple):
    name: str
    tz: str


class SlackApiFault(Exception):
    """Raised inside a method handler to answer ``{"ok": false, "error": ...}``."""

    def __init__(self, error: str):
        super().__init__(error)
        self.error = error


@dataclass
class _Fault:
    status: int
    error: str
    retry_after: int | None
    remaining: int


@dataclass
class _Reply:
    status: int
    payload: Any  # dict → JSON body, str → text body
    headers: dict[str, str] = field(default_factory=dict)

    def encode(self) -> tuple[bytes, str]:
        if isinstance(self.payload, str):
            return self.payload.encode(), "text/plain; charset=utf-8"
        return json.dumps(self.payload).encode(), "application/json; charset=utf-8"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # The default backlog of 5 makes bursts of concurrent clients wait for a SYN retry (~1 s).
    request_queue_size = 128
    fake: FakeSlack


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        self.server.fake._serve(self)

    def do_GET(self) -> None:
        self.server.fake._serve(self)

    def log_message(self, format: str, *args: Any) -> None:
        # The default writes every request to stderr, which drowns test output.
        return


def _decode_fields(params: dict[str, Any]) -> dict[str, Any]:
    for key in _JSON_FIELDS & params.keys():
        value = params[key]
        if isinstance(value, str) and value[:1] in ("[", "{"):
            with contextlib.suppress(ValueError):
                params[key] = json.loads(value)
    return params


def _parse_form(raw: str) -> dict[str, Any]:
    return {k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()}


def _tz_offset(tz: str) -> int:
    offset = datetime.now(ZoneInfo(tz)).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


class FakeSlack:
    """A fake Slack Web API server; see the module docstring.

    ``token`` (optional) makes the fake accept only that exact bot token; otherwise any
    ``xoxb-`` token is accepted.
    """

    team_id = TEAM_ID
    bot_user_id = BOT_USER_ID
    bot_id = BOT_ID
    app_id = APP_ID

    def __init__(self, token: str | None = None):
        self.token = token
        self.triggers: dict[str, str] = {}  # trigger_id -> user_id; SlackRequests can fill it
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._users: dict[str, dict[str, Any]] = {}
        self._channels: dict[str, dict[str, Any]] = {}
        self._dm_of_user: dict[str, str] = {}
        self._user_of_dm: dict[str, str] = {}
        self._response_urls: dict[str, dict[str, Any]] = {}
        self._methods: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "users.info": self._users_info,
            "users.list": self._users_list,
            "users.lookupByEmail": self._users_lookup_by_email,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.getPermalink": self._chat_get_permalink,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "files.getUploadURLExternal": self._files_get_upload_url_external,
            "files.completeUploadExternal": self._files_complete_upload_external,
            "reactions.add": self._reactions_add,
        }
        self._clear_state()
        self.add_user(BOT_USER_ID, "loopbot", "loopbot@example.invalid", "UTC", is_bot=True)

    def _clear_state(self) -> None:
        self._calls: list[Call] = []
        self._faults: dict[str, deque[_Fault]] = {}
        self._latency: dict[str | None, float] = {}
        self._messages: dict[str, list[dict[str, Any]]] = {}
        self._ephemerals: list[dict[str, Any]] = []
        self._views: dict[str, dict[str, Any]] = {}
        self._view_owner: dict[str, str] = {}
        self._home_views: dict[str, dict[str, Any]] = {}
        self._files: dict[str, dict[str, Any]] = {}
        self._ts_counter = 0
        self._view_counter = 0
        self._file_counter = 0
        self._hash_counter = 0

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> FakeSlack:
        if self._server is not None:
            return self
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, name="fake-slack", kwargs={"poll_interval": 0.05}
        )
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """Root URL, e.g. ``http://127.0.0.1:PORT/``."""
        return f"http://127.0.0.1:{self.port}/"

    @property
    def base_url(self) -> str:
        """What ``WebClient(base_url=...)`` takes; slack_sdk urljoins method names onto it."""
        return f"{self.url}api/"

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
            self._users[user_id] = {
                "id": user_id,
                "name": name,
                "email": email,
                "tz": tz,
                "tz_label": tz_label,
                "is_bot": is_bot,
            }

    def add_channel(self, channel_id: str, name: str) -> None:
        with self._lock:
            self._channels[channel_id] = {"id": channel_id, "name": name.lstrip("#")}

    def dm_channel(self, user_id: str) -> str:
        """The stable D-id of the bot's DM with ``user_id`` (what conversations.open returns)."""
        with self._lock:
            channel = self._dm_of_user.get(user_id)
            if channel is None:
                channel = "D" + user_id[1:]
                self._dm_of_user[user_id] = channel
                self._user_of_dm[channel] = user_id
            return channel

    # The Directory protocol from loopbot.transcript, served live from the fake.
    def lookup_user(self, user_id: str) -> DirectoryUser | None:
        with self._lock:
            user = self._users.get(user_id)
            return DirectoryUser(user["name"], user["tz"]) if user else None

    def lookup_channel(self, channel_id: str) -> str | None:
        with self._lock:
            channel = self._channels.get(channel_id)
            return channel["name"] if channel else None

    def dm_user(self, channel_id: str) -> str | None:
        with self._lock:
            return self._user_of_dm.get(channel_id)

    def trigger_user(self, trigger_id: str) -> str | None:
        with self._lock:
            return self.triggers.get(trigger_id)

    # ------------------------------------------------------------------ response_url

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
            key = f"{len(self._response_urls) + 1:06d}"
            url = f"{self.url}response_url/{key}"
            self._response_urls[key] = {
                "url": url,
                "user_id": user_id,
                "channel_id": channel_id,
                "message_ts": message_ts,
            }
            return url

    # ------------------------------------------------------------------ recorded calls

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if c.method == method]

    def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 5.0,
    ) -> Call:
        """The first recorded call to ``method`` matching ``predicate``, waiting if needed."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for call in self._calls:
                    if call.method == method and (predicate is None or predicate(call)):
                        return call
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._changed.wait(remaining)
            summary = self.describe_calls()
        wanted = method if predicate is None else f"{method} matching {predicate!r}"
        raise AssertionError(f"no call to {wanted} within {timeout}s; recorded:\n{summary}")

    def describe_calls(self, limit: int = 50) -> str:
        """One line per recorded call (the last ``limit``), for failure messages."""
        with self._lock:
            calls = list(self._calls)
        if not calls:
            return "  (no calls)"
        lines = []
        start = max(0, len(calls) - limit)
        if start:
            lines.append(f"  … {start} earlier calls")
        for index, call in enumerate(calls[start:], start=start + 1):
            params = json.dumps(call.params, default=str, ensure_ascii=False)
            if len(params) > 160:
                params = params[:157] + "..."
            error = ""
            if isinstance(call.response, dict) and call.response.get("ok") is False:
                error = f" error={call.response.get('error')}"
            lines.append(f"  {index}. {call.method} [{call.status}{error}] {params}")
        return "\n".join(lines)

    def reset(self) -> None:
        """Forget calls, faults, latency, messages, views and files; keep users and channels."""
        with self._lock:
            self._clear_state()
            self._changed.notify_all()

    # ------------------------------------------------------------------ fault injection

    def fail_next(
        self,
        method: str,
        *,
        status: int | None = None,
        error: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls to ``method`` fail.

        ``retry_after`` alone → HTTP 429 with that ``Retry-After`` (Slack's rate limit);
        ``status`` 5xx → a server error; ``error`` alone → HTTP 200 ``ok: false``.
        ``method`` may also be ``"response_url"`` or ``"file_upload"``.
        """
        if status is None:
            status = 429 if retry_after is not None else 200
        if status == 200 and error is None:
            raise ValueError("fail_next needs an error, a status or a retry_after")
        if status == 429:
            retry_after = 1 if retry_after is None else retry_after
            error = error or "ratelimited"
        elif status >= 500:
            error = error or "internal_error"
        fault = _Fault(status, error or "invalid_request", retry_after, times)
        with self._lock:
            self._faults.setdefault(method, deque()).append(fault)

    def set_latency(self, method: str | None, seconds: float) -> None:
        """Delay answers to ``method`` (or every request when ``None``) by ``seconds``."""
        with self._lock:
            if seconds <= 0:
                self._latency.pop(method, None)
            else:
                self._latency[method] = seconds

    def _take_fault(self, method: str) -> _Fault | None:
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            queue.popleft()
        return fault

    # ------------------------------------------------------------------ state for tests

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Top-level messages in ``channel`` (id, user id or ``#name``), oldest first, with
        updates applied and each one's thread replies under ``"replies"``."""
        with self._lock:
            channel_id = self._resolve_channel(channel, create_dm=False)
            stored = self._messages.get(channel_id or "", [])
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
                for e in self._ephemerals
                if user_id is None or e.get("user") == user_id
            ]

    def view(self, view_id: str) -> dict[str, Any] | None:
        with self._lock:
            view = self._views.get(view_id)
            return copy.deepcopy(view) if view else None

    def views_of(self, user_id: str) -> list[dict[str, Any]]:
        """Modals opened for ``user_id`` (known from the trigger map), oldest first."""
        with self._lock:
            return [
                copy.deepcopy(v)
                for vid, v in self._views.items()
                if self._view_owner.get(vid) == user_id
            ]

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        with self._lock:
            view = self._home_views.get(user_id)
            return copy.deepcopy(view) if view else None

    def file(self, file_id: str) -> dict[str, Any] | None:
        """An uploaded file: id, name, title, length, content (bytes), channels."""
        with self._lock:
            stored = self._files.get(file_id)
            return copy.deepcopy(stored) if stored else None

    # ------------------------------------------------------------------ HTTP plumbing

    def _serve(self, request: _Handler) -> None:
        arrived = time.time()
        split = urlsplit(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in request.headers.items()}
        path = split.path

        meta: dict[str, Any] = {}
        if path.startswith("/api/"):
            method = path[len("/api/") :]
            params = self._parse_params(split.query, headers.get("content-type", ""), body)
        elif path.startswith("/response_url/"):
            method = RESPONSE_URL
            params = self._parse_params(split.query, headers.get("content-type", ""), body)
            with self._lock:
                meta = dict(self._response_urls.get(path.rsplit("/", 1)[-1], {}))
        elif path.startswith("/upload/v1/"):
            method = FILE_UPLOAD
            params = {"file_id": path.rsplit("/", 1)[-1]}
        else:
            method = path
            params = {}

        with self._lock:
            reply = self._reply(method, params, headers, body, meta)
            call = Call(
                method=method,
                params=params,
                headers=headers,
                body=body,
                at=arrived,
                status=reply.status,
                response=reply.payload if isinstance(reply.payload, dict) else None,
                path=split.path,
                meta=meta,
            )
            self._calls.append(call)
            self._changed.notify_all()
            delay = self._latency.get(method, self._latency.get(None, 0.0))

        if delay:
            time.sleep(delay)
        data, content_type = reply.encode()
        try:
            request.send_response(reply.status)
            request.send_header("Content-Type", content_type)
            request.send_header("Content-Length", str(len(data)))
            for name, value in reply.headers.items():
                request.send_header(name, value)
            request.end_headers()
            request.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (e.g. its timeout was shorter than the injected latency).
            pass

    @staticmethod
    def _parse_params(query: str, content_type: str, body: bytes) -> dict[str, Any]:
        params: dict[str, Any] = _parse_form(query) if query else {}
        if body:
            text = body.decode("utf-8", errors="replace")
            if "json" in content_type:
                try:
                    decoded = json.loads(text)
                except ValueError:
                    decoded = None
                if isinstance(decoded, dict):
                    params.update(decoded)
            else:
                params.update(_parse_form(text))
                # Interactive responses to response_url may arrive as form ``payload=<json>``.
                payload = params.get("payload")
                if isinstance(payload, str) and payload.startswith("{"):
                    try:
                        params.update(json.loads(payload))
                        del params["payload"]
                    except ValueError:
                        pass
        return _decode_fields(params)

    def _reply(
        self,
        method: str,
        params: dict[str, Any],
        headers: dict[str, str],
        body: bytes,
        meta: dict[str, Any],
    ) -> _Reply:
        fault = self._take_fault(method)
        if fault is not None:
            extra = {"Retry-After": str(fault.retry_after)} if fault.status == 429 else {}
            return _Reply(fault.status, {"ok": False, "error": fault.error}, extra)

        if method == RESPONSE_URL:
            if not meta:
                return _Reply(404, {"ok": False, "error": "expired_url"})
            return _Reply(200, self._apply_response_url(params, meta))
        if method == FILE_UPLOAD:
            stored = self._files.get(params["file_id"])
            if stored is None:
                return _Reply(404, "Not Found")
            stored["content"] = body
            stored["uploaded"] = True
            return _Reply(200, f"OK - {len(body)}")

        handler = self._methods.get(method)
        if handler is None:
            status = 200 if method and "/" not in method else 404
            return _Reply(status, {"ok": False, "error": "unknown_method"})
        auth_error = self._auth_error(headers, params)
        if auth_error:
            return _Reply(200, {"ok": False, "error": auth_error})
        try:
            result = handler(params)
        except SlackApiFault as failure:
            return _Reply(200, {"ok": False, "error": failure.error})
        return _Reply(200, {"ok": True, **result})

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

    # ------------------------------------------------------------------ helpers

    def _next_ts(self) -> str:
        self._ts_counter += 100
        seconds, micros = divmod(self._ts_counter, 1_000_000)
        return f"{1_700_000_000 + seconds}.{micros:06d}"

    def _resolve_channel(self, channel: Any, *, create_dm: bool = True) -> str | None:
        """A channel id for an id, a user id (→ their DM) or a ``#name``; None if unknown."""
        if not isinstance(channel, str) or not channel:
            return None
        if channel.startswith("#"):
            name = channel[1:]
            for channel_id, info in self._channels.items():
                if info["name"] == name:
                    return channel_id
            return None
        if channel[0] in "UW":
            if channel not in self._users:
                return None
            if create_dm:
                return self.dm_channel(channel)
            return self._dm_of_user.get(channel)
        if channel[0] == "D":
            return channel if channel in self._user_of_dm else None
        if channel[0] in "CG":
            # Channels the test never declared are accepted, so that a test only has to
            # add the channels whose names it wants to see.
            return channel
        return None

    def _require_channel(self, params: dict[str, Any], key: str = "channel") -> str:
        channel_id = self._resolve_channel(params.get(key))
        if channel_id is None:
            raise SlackApiFault("channel_not_found")
        return channel_id

    def _find_message(self, channel_id: str, ts: Any) -> dict[str, Any]:
        for message in self._messages.get(channel_id, []):
            if message["ts"] == ts:
                return message
        raise SlackApiFault("message_not_found")

    def _user_object(self, user: dict[str, Any]) -> dict[str, Any]:
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

    def _channel_object(self, channel_id: str) -> dict[str, Any]:
        if channel_id in self._user_of_dm:
            return {
                "id": channel_id,
                "is_im": True,
                "is_channel": False,
                "user": self._user_of_dm[channel_id],
            }
        name = self._channels.get(channel_id, {}).get("name", channel_id.lower())
        return {
            "id": channel_id,
            "name": name,
            "is_im": False,
            "is_channel": channel_id.startswith("C"),
            "is_private": channel_id.startswith("G"),
            "is_member": True,
        }

    @staticmethod
    def _require_text_or_blocks(params: dict[str, Any]) -> None:
        if not (params.get("text") or params.get("blocks") or params.get("attachments")):
            raise SlackApiFault("no_text")

    def _new_message(self, channel_id: str, params: dict[str, Any], **extra: Any) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "message",
            "ts": self._next_ts(),
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
                (m for m in self._messages.get(channel_id, []) if m["ts"] == thread_ts), None
            )
            if parent is not None:
                parent["thread_ts"] = thread_ts
                parent["reply_count"] = parent.get("reply_count", 0) + 1
                parent["latest_reply"] = message["ts"]
        message.update(extra)
        message["channel"] = channel_id
        self._messages.setdefault(channel_id, []).append(message)
        return message

    @staticmethod
    def _public(message: dict[str, Any]) -> dict[str, Any]:
        # "channel" is kept on stored messages for convenience; Slack's message objects
        # don't carry it.
        return {k: v for k, v in message.items() if k != "channel"}

    # ------------------------------------------------------------------ Web API methods

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": f"https://{TEAM_DOMAIN}.slack.com/",
            "team": TEAM_NAME,
            "user": "loopbot",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self._users.get(params.get("user", ""))
        if user is None:
            raise SlackApiFault("user_not_found")
        return {"user": self._user_object(user)}

    def _users_list(self, params: dict[str, Any]) -> dict[str, Any]:
        members = [self._user_object(u) for u in self._users.values()]
        return {"members": members, "response_metadata": {"next_cursor": ""}}

    def _users_lookup_by_email(self, params: dict[str, Any]) -> dict[str, Any]:
        email = str(params.get("email", "")).lower()
        for user in self._users.values():
            if user["email"].lower() == email:
                return {"user": self._user_object(user)}
        raise SlackApiFault("users_not_found")

    def _conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("channel"):
            channel_id = self._resolve_channel(params["channel"])
            if channel_id is None:
                raise SlackApiFault("channel_not_found")
            return {"channel": self._channel_object(channel_id)}
        users = [u.strip() for u in str(params.get("users", "")).split(",") if u.strip()]
        if not users:
            raise SlackApiFault("users_list_not_supplied")
        for user_id in users:
            if user_id not in self._users:
                raise SlackApiFault("user_not_found")
        if len(users) == 1:
            channel_id = self.dm_channel(users[0])
            return {"channel": self._channel_object(channel_id)}
        # A group DM: a stable G-id for the set of people.
        channel_id = "G" + "".join(sorted(u[1:] for u in users))[:20]
        handles = "--".join(self._users[u]["email"].split("@")[0] for u in sorted(users))
        self._channels.setdefault(channel_id, {"id": channel_id, "name": f"mpdm-{handles}"})
        return {"channel": self._channel_object(channel_id)}

    def _conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"channel": self._channel_object(self._require_channel(params))}

    def _conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        channel_id = self._require_channel(params)
        top = [
            self._public(m)
            for m in self._messages.get(channel_id, [])
            if m.get("thread_ts") in (None, m["ts"])
        ]
        return {"messages": top[::-1], "has_more": False}

    def _conversations_replies(self, params: dict[str, Any]) -> dict[str, Any]:
        channel_id = self._require_channel(params)
        parent = self._find_message(channel_id, params.get("ts"))
        thread_ts = parent.get("thread_ts", parent["ts"])
        replies = [
            self._public(m)
            for m in self._messages.get(channel_id, [])
            if m["ts"] == parent["ts"] or m.get("thread_ts") == thread_ts
        ]
        return {"messages": replies, "has_more": False}

    def _chat_post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        channel_id = self._require_channel(params)
        self._require_text_or_blocks(params)
        message = self._new_message(channel_id, params)
        return {"channel": channel_id, "ts": message["ts"], "message": self._public(message)}

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel_id = self._require_channel(params)
        message = self._find_message(channel_id, params.get("ts"))
        self._require_text_or_blocks(params)
        for key in ("text", "blocks", "attachments", "metadata"):
            if key in params:
                message[key] = params[key]
        message["edited"] = {"user": BOT_USER_ID, "ts": self._next_ts()}
        return {
            "channel": channel_id,
            "ts": message["ts"],
            "text": message.get("text", ""),
            "message": self._public(message),
        }

    def _chat_delete(self, params: dict[str, Any]) -> dict[str, Any]:
        channel_id = self._require_channel(params)
        message = self._find_message(channel_id, params.get("ts"))
        self._messages[channel_id].remove(message)
        return {"channel": channel_id, "ts": message["ts"]}

    def _chat_post_ephemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        channel_id = self._require_channel(params)
        user_id = params.get("user")
        if user_id not in self._users:
            raise SlackApiFault("user_not_found")
        self._require_text_or_blocks(params)
        ts = self._next_ts()
        ephemeral = {
            "ts": ts,
            "channel": channel_id,
            "user": user_id,
            "text": params.get("text") or "",
            "blocks": params.get("blocks") or [],
        }
        self._ephemerals.append(ephemeral)
        return {"message_ts": ts}

    def _chat_get_permalink(self, params: dict[str, Any]) -> dict[str, Any]:
        channel_id = self._require_channel(params)
        message = self._find_message(channel_id, params.get("message_ts"))
        permalink = (
            f"https://{TEAM_DOMAIN}.slack.com/archives/{channel_id}/"
            f"p{message['ts'].replace('.', '')}"
        )
        return {"channel": channel_id, "permalink": permalink}

    def _view_from(self, params: dict[str, Any], *, expected_type: str) -> dict[str, Any]:
        view = params.get("view")
        if not isinstance(view, dict):
            raise SlackApiFault("invalid_arguments")
        if view.get("type") != expected_type:
            raise SlackApiFault("invalid_arguments")
        if expected_type == "modal" and not view.get("title"):
            raise SlackApiFault("invalid_arguments")
        return view

    def _store_view(
        self,
        view: dict[str, Any],
        *,
        view_id: str | None = None,
        root_view_id: str | None = None,
        previous_view_id: str | None = None,
    ) -> dict[str, Any]:
        if view_id is None:
            self._view_counter += 1
            view_id = f"V{self._view_counter:07d}"
        self._hash_counter += 1
        stored = {
            "id": view_id,
            "team_id": TEAM_ID,
            "type": view["type"],
            "title": view.get("title"),
            "submit": view.get("submit"),
            "close": view.get("close"),
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "external_id": view.get("external_id", ""),
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{self._hash_counter:08x}",
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "root_view_id": root_view_id or view_id,
            "previous_view_id": previous_view_id,
            "app_id": APP_ID,
            "app_installed_team_id": TEAM_ID,
            "bot_id": BOT_ID,
        }
        self._views[view_id] = stored
        return stored

    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        trigger_id = params.get("trigger_id")
        if not trigger_id:
            raise SlackApiFault("invalid_arguments")
        view = self._store_view(self._view_from(params, expected_type="modal"))
        owner = self.triggers.get(str(trigger_id))
        if owner:
            self._view_owner[view["id"]] = owner
        return {"view": copy.deepcopy(view)}

    def _views_push(self, params: dict[str, Any]) -> dict[str, Any]:
        trigger_id = params.get("trigger_id")
        if not trigger_id:
            raise SlackApiFault("invalid_arguments")
        owner = self.triggers.get(str(trigger_id))
        previous = None
        if owner:
            owned = [vid for vid, o in self._view_owner.items() if o == owner]
            previous = owned[-1] if owned else None
        view = self._store_view(
            self._view_from(params, expected_type="modal"),
            root_view_id=self._views[previous]["root_view_id"] if previous else None,
            previous_view_id=previous,
        )
        if owner:
            self._view_owner[view["id"]] = owner
        return {"view": copy.deepcopy(view)}

    def _views_update(self, params: dict[str, Any]) -> dict[str, Any]:
        view_id = params.get("view_id")
        external_id = params.get("external_id")
        if not view_id and not external_id:
            raise SlackApiFault("invalid_arguments")
        if not view_id:
            view_id = next(
                (vid for vid, v in self._views.items() if v["external_id"] == external_id), None
            )
        current = self._views.get(view_id or "")
        if current is None:
            raise SlackApiFault("not_found")
        if params.get("hash") and params["hash"] != current["hash"]:
            raise SlackApiFault("hash_conflict")
        view = self._view_from(params, expected_type=current["type"])
        updated = self._store_view(
            view,
            view_id=current["id"],
            root_view_id=current["root_view_id"],
            previous_view_id=current["previous_view_id"],
        )
        return {"view": copy.deepcopy(updated)}

    def _views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id = params.get("user_id")
        if not user_id:
            raise SlackApiFault("invalid_arguments")
        if user_id not in self._users:
            raise SlackApiFault("user_not_found")
        current = self._home_views.get(user_id)
        if current and params.get("hash") and params["hash"] != current["hash"]:
            raise SlackApiFault("hash_conflict")
        view = self._store_view(
            self._view_from(params, expected_type="home"),
            view_id=current["id"] if current else None,
        )
        self._home_views[user_id] = view
        self._view_owner[view["id"]] = user_id
        return {"view": copy.deepcopy(view)}

    def _files_get_upload_url_external(self, params: dict[str, Any]) -> dict[str, Any]:
        filename = params.get("filename")
        length = params.get("length")
        if not filename or length in (None, ""):
            raise SlackApiFault("invalid_arguments")
        self._file_counter += 1
        file_id = f"F{self._file_counter:09d}"
        self._files[file_id] = {
            "id": file_id,
            "name": filename,
            "title": filename,
            "length": int(length),
            "alt_txt": params.get("alt_txt"),
            "content": b"",
            "uploaded": False,
            "channels": [],
        }
        return {"upload_url": f"{self.url}upload/v1/{file_id}", "file_id": file_id}

    def _files_complete_upload_external(self, params: dict[str, Any]) -> dict[str, Any]:
        entries = params.get("files")
        if not isinstance(entries, list) or not entries:
            raise SlackApiFault("invalid_arguments")
        stored = []
        for entry in entries:
            file = self._files.get(entry.get("id", "")) if isinstance(entry, dict) else None
            if file is None or not file["uploaded"]:
                raise SlackApiFault("file_not_found")
            if entry.get("title"):
                file["title"] = entry["title"]
            stored.append(file)

        targets = []
        if params.get("channel_id"):
            targets.append(self._require_channel(params, "channel_id"))
        for channel in str(params.get("channels") or "").split(","):
            if channel.strip():
                targets.append(self._require_channel({"channel": channel.strip()}))

        public = [self._file_object(f) for f in stored]
        for channel_id in targets:
            for file in stored:
                file["channels"].append(channel_id)
            message_params = {
                "text": params.get("initial_comment") or "",
                "thread_ts": params.get("thread_ts"),
            }
            self._new_message(channel_id, message_params, files=public, upload=True)
        return {"files": public}

    def _file_object(self, file: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": file["id"],
            "name": file["name"],
            "title": file["title"],
            "size": len(file["content"]),
            "mimetype": "application/octet-stream",
            "user": BOT_USER_ID,
            "url_private": f"{self.url}files/{file['id']}/{file['name']}",
            "permalink": f"https://{TEAM_DOMAIN}.slack.com/files/{BOT_USER_ID}/{file['id']}",
        }

    def _reactions_add(self, params: dict[str, Any]) -> dict[str, Any]:
        channel_id = self._require_channel(params)
        name = str(params.get("name") or "").strip(":")
        if not name:
            raise SlackApiFault("invalid_name")
        message = self._find_message(channel_id, params.get("timestamp"))
        reactions = message.setdefault("reactions", [])
        for reaction in reactions:
            if reaction["name"] == name:
                if BOT_USER_ID in reaction["users"]:
                    raise SlackApiFault("already_reacted")
                reaction["users"].append(BOT_USER_ID)
                reaction["count"] += 1
                return {}
        reactions.append({"name": name, "users": [BOT_USER_ID], "count": 1})
        return {}

    # ------------------------------------------------------------------ response_url

    def _apply_response_url(self, params: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
        channel_id = self._resolve_channel(meta.get("channel_id"))
        message_ts = meta.get("message_ts")
        if params.get("delete_original") in (True, "true"):
            if channel_id and message_ts:
                stored = self._messages.get(channel_id, [])
                self._messages[channel_id] = [m for m in stored if m["ts"] != message_ts]
            return {"ok": True}
        if params.get("replace_original") in (True, "true") and channel_id and message_ts:
            for message in self._messages.get(channel_id, []):
                if message["ts"] == message_ts:
                    for key in ("text", "blocks", "attachments"):
                        if key in params:
                            message[key] = params[key]
                    return {"ok": True}
        if params.get("response_type") == "in_channel" and channel_id:
            self._new_message(channel_id, params)
            return {"ok": True}
        self._ephemerals.append(
            {
                "ts": self._next_ts(),
                "channel": channel_id,
                "user": meta.get("user_id"),
                "text": params.get("text") or "",
                "blocks": params.get("blocks") or [],
            }
        )
        return {"ok": True}
