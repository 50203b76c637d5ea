"""The Bolt app factory. Listeners are registered by the caller (handlers/).

A Slack retry of an event is dropped by its listener, after the automatic ack
(handlers/common.first_delivery): nothing before an ack writes. Two guards keep every answer
below 500: a middleware answers 400 to a signed body that lacks
what its kind must carry (so listeners can rely on `user.id`, `view.id`…), and the error
handler turns whatever still goes wrong into 400 (malformed), 503 (the database is down:
Slack may retry) or an acknowledgement plus an apology to the person. It logs the kind of
request and the traceback, never the body (it holds feedback, notes, names)."""

from __future__ import annotations

import logging
import traceback
from concurrent.futures import Executor

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from sqlalchemy.exc import DBAPIError

from bot.settings import Settings

log = logging.getLogger("loopbot")

APOLOGY = (
    "Something went wrong on loopbot's side; it is logged. Please try again, and tell your "
    "loopbot admin if it keeps happening."
)


def create_bolt_app(settings: Settings, client: WebClient, executor: Executor) -> App:
    app = App(
        client=client,
        signing_secret=settings.signing_secret,
        # No auth.test at construction: the app must build with Slack unreachable.
        token_verification_enabled=False,
        # Ack first, work after: listeners run on Bolt's executor once ack() is sent.
        process_before_response=False,
        raise_error_for_unhandled_request=False,
        logger=log,
        listener_executor=executor,
    )

    @app.middleware
    def refuse_malformed(body, next):  # noqa: A002 (Bolt's argument name)
        problem = malformed(body)
        if problem:
            log.warning("refused a malformed request: %s", problem)
            return BoltResponse(status=400, body=f"malformed request: {problem}")
        return next()

    @app.error
    def on_error(error, body, respond, response):
        kind = describe(body)
        frames = "".join(traceback.format_tb(error.__traceback__))
        log.error("unhandled %s while handling %s\n%s", type(error).__name__, kind, frames)
        if response is not None:
            if malformed(body):
                response.status, response.body = 400, "malformed request"
            elif isinstance(error, DBAPIError):
                response.status, response.body = 503, "database unavailable; retry later"
            else:
                # Acknowledge: the person hears about it below, and Slack must not retry.
                response.status, response.body = 200, ""
        if respond is None:
            return  # events and modal submissions have no response_url
        try:
            respond(text=APOLOGY, response_type="ephemeral", replace_original=False)
        except Exception:  # Slack unreachable too: the log line above is all we can do
            log.warning("could not tell the person about the error")

    return app


ENVELOPE = {
    "event": dict,
    "authorizations": list,
    "enterprise": (str, dict, type(None)),
    "team": (str, dict, type(None)),
    "user": (str, dict),
    "channel": (str, dict),
    "container": dict,
    "message": dict,
    "actions": list,
    "view": dict,
    "api_app_id": str,
    "team_id": str,
    "enterprise_id": (str, type(None)),
    "user_id": str,
    "channel_id": str,
    "token": str,
    "event_id": str,
    "type": (str, type(None)),
}


def _text(value, longest: int = 255) -> bool:
    return isinstance(value, str) and 0 < len(value) <= longest


def malformed(body) -> str | None:
    """What a request of its kind lacks (None when it has what listeners rely on)."""
    if not isinstance(body, dict):
        return "not an object"
    # What Bolt's own middleware reads from any request.
    for name, shapes in ENVELOPE.items():
        if name in body and not isinstance(body[name], shapes):
            return f"{name} of the wrong type"
    authorizations = body.get("authorizations", [])
    if not all(isinstance(a, dict) for a in authorizations):
        return "authorizations that are not objects"
    if "command" in body:
        if not all(_text(body.get(k), 64) for k in ("command", "user_id")) or not _text(
            body.get("trigger_id")
        ):
            return "a command without command, user_id or trigger_id"
        return None if isinstance(body.get("text", ""), str) else "a command whose text is not text"
    kind = body.get("type")
    if kind in ("block_actions", "view_submission", "view_closed", "shortcut", "message_action"):
        user = body.get("user")
        if not isinstance(user, dict) or not _text(user.get("id"), 64):
            return f"{kind} without user.id"
    if kind == "block_actions":
        actions = body.get("actions")
        if not isinstance(actions, list) or not actions:
            return "block_actions without actions"
        for action in actions:
            if not isinstance(action, dict) or not _text(action.get("action_id")):
                return "an action without action_id"
            if not isinstance(action.get("value", ""), str):
                return "an action whose value is not text"
        if not isinstance(body.get("trigger_id", ""), str):
            return "block_actions whose trigger_id is not text"
    if kind in ("view_submission", "view_closed"):
        view = body.get("view")
        if not isinstance(view, dict) or not _text(view.get("id"), 64):
            return f"{kind} without view.id"
        if not isinstance(view.get("private_metadata", ""), str):
            return "a view whose private_metadata is not text"
        if not isinstance(view.get("callback_id", ""), str):
            return "a view whose callback_id is not text"
        state = view.get("state", {})
        values = state.get("values", {}) if isinstance(state, dict) else None
        if not isinstance(values, dict) or not all(
            isinstance(block, dict) and all(isinstance(e, dict) for e in block.values())
            for block in values.values()
        ):
            return "a view whose state is not blocks of elements"
    if kind == "event_callback":
        event = body.get("event")
        if not isinstance(event, dict) or not _text(event.get("type")):
            return "an event_callback without event.type"
    return None


def describe(body) -> str:
    if not isinstance(body, dict):
        return "a request"
    if "command" in body:
        return f"command {str(body.get('command'))[:40]}"
    kind = str(body.get("type", "request"))[:40]
    if kind == "event_callback" and isinstance(body.get("event"), dict):
        return f"event {str(body['event'].get('type'))[:40]}"
    return kind
