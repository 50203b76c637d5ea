"""Send requests to the bot's Request URL exactly as Slack does: signed, in Slack's shapes.

Used by the scenario tests and ``loopbot demo`` to play the people clicking around in Slack.
Signing and the HTTP transport are in ``loopbot.demo.signing``.
"""

from __future__ import annotations

import itertools
import json
import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol, Unpack
from urllib.parse import urlencode, urlsplit, urlunsplit

from loopbot.demo.payloads import find_element, view_with_state
from loopbot.demo.signing import (
    Response,
    SentRequest,
    SigningOptions,
    post,
    signature_headers,
)

DEFAULT_TEAM_ID = "T0LOOPBOT"
DEFAULT_TEAM_DOMAIN = "loopbot-test"
DEFAULT_APP_ID = "A0LOOPBOT"
DEFAULT_BOT_USER_ID = "U0LOOPBOT"
# Slack still sends the deprecated verification token in payloads; Bolt ignores it.
LEGACY_VERIFICATION_TOKEN = "legacy-verification-token"


class _Names(Protocol):
    """What SlackRequests needs from a directory (FakeSlack provides it) to fill in names."""

    def lookup_user(self, user_id: str) -> Any: ...

    def lookup_channel(self, channel_id: str) -> str | None: ...


class SlackRequests:
    """Posts Events API callbacks, slash commands and interactions to the bot.

    ``url`` is the bot's Request URL; a bare origin such as ``http://127.0.0.1:3000`` gets
    ``/slack/events`` appended. ``triggers`` (e.g. ``fake.triggers``) receives every generated
    trigger_id → user_id, so views.open calls can be attributed to the person who clicked.
    ``response_urls`` (e.g. ``fake.new_response_url``) is called as
    ``response_urls(user_id, channel_id, message_ts)`` to mint a response_url when the caller
    gives none; without it a URL on a closed local port is used so nothing reaches real Slack.
    ``directory`` (e.g. the FakeSlack) fills in user and channel names.
    """

    def __init__(
        self,
        url: str,
        signing_secret: str,
        team_id: str = DEFAULT_TEAM_ID,
        *,
        team_domain: str = DEFAULT_TEAM_DOMAIN,
        api_app_id: str = DEFAULT_APP_ID,
        bot_user_id: str = DEFAULT_BOT_USER_ID,
        triggers: dict[str, str] | None = None,
        response_urls: Callable[[str | None, str | None, str | None], str] | None = None,
        directory: _Names | None = None,
        timeout: float = 10.0,
    ):
        parts = urlsplit(url)
        if parts.path in ("", "/"):
            parts = parts._replace(path="/slack/events")
        self.url = urlunsplit(parts)
        self.signing_secret = signing_secret
        self.team_id = team_id
        self.team_domain = team_domain
        self.api_app_id = api_app_id
        self.bot_user_id = bot_user_id
        self.triggers: dict[str, str] = triggers if triggers is not None else {}
        self.response_urls = response_urls
        self.directory = directory
        self.timeout = timeout
        self.last_request: SentRequest | None = None
        self._sequence = itertools.count(1)

    # ------------------------------------------------------------------ ids and names

    def new_trigger_id(self, user_id: str) -> str:
        """A trigger_id shaped like Slack's, remembered as belonging to ``user_id``."""
        sequence = next(self._sequence)
        trigger_id = f"{sequence}.{secrets.randbelow(10**9):09d}.{secrets.token_hex(16)}"
        self.triggers[trigger_id] = user_id
        return trigger_id

    def new_event_id(self) -> str:
        return f"Ev{next(self._sequence):04d}{secrets.token_hex(4).upper()}"

    def _response_url(
        self, user_id: str | None, channel_id: str | None, message_ts: str | None
    ) -> str:
        if self.response_urls is not None:
            return self.response_urls(user_id, channel_id, message_ts)
        # Port 9 (discard) is closed on test machines: a bot that answers through this URL
        # fails loudly instead of talking to hooks.slack.com.
        return f"http://127.0.0.1:9/commands/{self.team_id}/{next(self._sequence)}"

    def _user_name(self, user_id: str) -> str:
        found = self.directory.lookup_user(user_id) if self.directory else None
        if found:
            name = found[0] if isinstance(found, tuple) else str(found)
            return name.lower().replace(" ", ".")
        return user_id.lower()

    def _channel_name(self, channel_id: str) -> str:
        if channel_id.startswith("D"):
            return "directmessage"
        found = self.directory.lookup_channel(channel_id) if self.directory else None
        return found or channel_id.lower()

    def _user(self, user_id: str) -> dict[str, Any]:
        name = self._user_name(user_id)
        return {"id": user_id, "username": name, "name": name, "team_id": self.team_id}

    def _team(self) -> dict[str, Any]:
        return {"id": self.team_id, "domain": self.team_domain}

    # ------------------------------------------------------------------ Events API

    def url_verification(self, challenge: str, **options: Unpack[SigningOptions]) -> Response:
        body = {
            "token": LEGACY_VERIFICATION_TOKEN,
            "challenge": challenge,
            "type": "url_verification",
        }
        return self._post_json(body, options)

    def event(
        self,
        event: dict[str, Any],
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        **options: Unpack[SigningOptions],
    ) -> Response:
        """An ``event_callback`` envelope around ``event``; ``retry_num`` makes it a retry
        (pass the first delivery's ``event_id`` so the bot can deduplicate)."""
        now = int(time.time())
        inner = dict(event)
        inner.setdefault("event_ts", f"{now}.{secrets.randbelow(10**6):06d}")
        envelope = {
            "token": LEGACY_VERIFICATION_TOKEN,
            "team_id": self.team_id,
            "api_app_id": self.api_app_id,
            "event": inner,
            "type": "event_callback",
            "event_id": event_id or self.new_event_id(),
            "event_time": now,
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.team_id,
                    "user_id": self.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": f"4-{secrets.token_hex(12)}",
        }
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return self._post_json(envelope, options, headers)

    def app_home_opened(
        self, user_id: str, tab: str = "home", **options: Unpack[SigningOptions]
    ) -> Response:
        event = {
            "type": "app_home_opened",
            "user": user_id,
            "channel": "D" + user_id[1:],
            "tab": tab,
        }
        return self.event(event, **options)

    def message(
        self,
        user_id: str,
        text: str,
        channel_id: str | None = None,
        thread_ts: str | None = None,
        **options: Unpack[SigningOptions],
    ) -> Response:
        """A person's ``message`` event; without ``channel_id`` it is a DM to the bot."""
        channel = channel_id or "D" + user_id[1:]
        event: dict[str, Any] = {
            "type": "message",
            "user": user_id,
            "text": text,
            "ts": f"{int(time.time())}.{secrets.randbelow(10**6):06d}",
            "channel": channel,
            "channel_type": "im" if channel.startswith("D") else "channel",
            "team": self.team_id,
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        return self.event(event, **options)

    # ------------------------------------------------------------------ slash commands

    def slash_command(
        self,
        command: str,
        text: str,
        user_id: str,
        channel_id: str = "C0GENERAL",
        trigger_id: str | None = None,
        response_url: str | None = None,
        **options: Unpack[SigningOptions],
    ) -> Response:
        fields = {
            "token": LEGACY_VERIFICATION_TOKEN,
            "team_id": self.team_id,
            "team_domain": self.team_domain,
            "channel_id": channel_id,
            "channel_name": self._channel_name(channel_id),
            "user_id": user_id,
            "user_name": self._user_name(user_id),
            "command": command,
            "text": text,
            "api_app_id": self.api_app_id,
            "is_enterprise_install": "false",
            "response_url": response_url or self._response_url(user_id, channel_id, None),
            "trigger_id": trigger_id or self.new_trigger_id(user_id),
        }
        return self._post_form(urlencode(fields), options)

    # ------------------------------------------------------------------ interactivity

    def block_action(
        self,
        user_id: str,
        action_id: str,
        value: str | dict[str, Any] | None = None,
        block_id: str | None = None,
        message: dict[str, Any] | None = None,
        container: dict[str, Any] | None = None,
        trigger_id: str | None = None,
        response_url: str | None = None,
        channel_id: str | None = None,
        view: dict[str, Any] | None = None,
        **options: Unpack[SigningOptions],
    ) -> Response:
        """A ``block_actions`` interaction: a click on ``action_id``.

        ``value`` is a button's value, or a dict merged into the action (e.g.
        ``{"type": "static_select", "selected_option": {...}}``). Given the ``message`` (as
        stored by FakeSlack) or ``view`` the element sits in, its type, text, value and
        block_id are taken from there. ``channel_id`` defaults to the message's channel.
        """
        message = dict(message) if message else None
        if message is not None:
            channel_id = channel_id or message.pop("channel", None)
            message.pop("replies", None)
        blocks = (message or view or {}).get("blocks") or []
        element, found_block_id = find_element(blocks, action_id)

        action: dict[str, Any] = {"type": "button"}
        if element:
            action.update({k: element[k] for k in ("type", "text", "value") if k in element})
        if isinstance(value, dict):
            action.update(value)
        elif value is not None:
            action["value"] = value
        action.update(
            {
                "action_id": action_id,
                "block_id": block_id or found_block_id or secrets.token_hex(3),
                "action_ts": f"{time.time():.6f}",
            }
        )

        if container is None:
            if view is not None:
                container = {"type": "view", "view_id": view.get("id")}
            elif message is not None:
                container = {
                    "type": "message",
                    "message_ts": message.get("ts"),
                    "channel_id": channel_id,
                    "is_ephemeral": False,
                }
            else:
                container = {"type": "message", "channel_id": channel_id, "is_ephemeral": False}

        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": self._user(user_id),
            "api_app_id": self.api_app_id,
            "token": LEGACY_VERIFICATION_TOKEN,
            "container": container,
            "trigger_id": trigger_id or self.new_trigger_id(user_id),
            "team": self._team(),
            "enterprise": None,
            "is_enterprise_install": False,
            "actions": [action],
        }
        if channel_id:
            payload["channel"] = {"id": channel_id, "name": self._channel_name(channel_id)}
        if message is not None:
            payload["message"] = message
        if view is not None:
            payload["view"] = view
            payload["state"] = view.get("state", {"values": {}})
        else:
            payload["state"] = {"values": {}}
        if view is None:
            payload["response_url"] = response_url or self._response_url(
                user_id, channel_id, message.get("ts") if message else None
            )
        elif response_url:
            payload["response_url"] = response_url
        return self._post_payload(payload, options)

    def view_submission(
        self,
        user_id: str,
        view: dict[str, Any],
        values: Mapping[str, Mapping[str, Any]] | None = None,
        trigger_id: str | None = None,
        **options: Unpack[SigningOptions],
    ) -> Response:
        """A ``view_submission``: ``values`` is block_id → action_id → value object
        (a plain string is taken as a ``plain_text_input`` value)."""
        payload = {
            "type": "view_submission",
            "team": self._team(),
            "user": self._user(user_id),
            "api_app_id": self.api_app_id,
            "token": LEGACY_VERIFICATION_TOKEN,
            "trigger_id": trigger_id or self.new_trigger_id(user_id),
            "view": view_with_state(view, values, self.team_id, self.api_app_id),
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }
        return self._post_payload(payload, options)

    def view_closed(
        self,
        user_id: str,
        view: dict[str, Any],
        is_cleared: bool = False,
        **options: Unpack[SigningOptions],
    ) -> Response:
        payload = {
            "type": "view_closed",
            "team": self._team(),
            "user": self._user(user_id),
            "api_app_id": self.api_app_id,
            "token": LEGACY_VERIFICATION_TOKEN,
            "view": view_with_state(view, None, self.team_id, self.api_app_id),
            "is_cleared": is_cleared,
            "is_enterprise_install": False,
            "enterprise": None,
        }
        return self._post_payload(payload, options)

    # ------------------------------------------------------------------ transport

    def _post_json(
        self,
        body: dict[str, Any],
        options: SigningOptions,
        headers: dict[str, str] | None = None,
    ) -> Response:
        data = json.dumps(body).encode()
        return self._post(data, "application/json", options, headers or {})

    def _post_payload(self, payload: dict[str, Any], options: SigningOptions) -> Response:
        return self._post_form(urlencode({"payload": json.dumps(payload)}), options)

    def _post_form(self, form: str, options: SigningOptions) -> Response:
        return self._post(form.encode(), "application/x-www-form-urlencoded", options, {})

    def signature_headers(self, body: bytes, options: SigningOptions | None = None) -> dict:
        """The X-Slack-* headers for ``body`` under ``options`` (empty when unsigned)."""
        return signature_headers(self.signing_secret, body, options)

    def _post(
        self,
        data: bytes,
        content_type: str,
        options: SigningOptions,
        extra_headers: dict[str, str],
    ) -> Response:
        headers = {
            "Content-Type": content_type,
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            **self.signature_headers(data, options),
            **extra_headers,
        }
        self.last_request = SentRequest(self.url, headers, data)
        return post(self.url, data, headers, self.timeout)
