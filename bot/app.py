"""The Bolt app factory. Listeners are registered by the caller (handlers/)."""

from __future__ import annotations

import logging
from concurrent.futures import Executor

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient

from bot.settings import Settings
from storage.uow import UnitOfWorkFactory

log = logging.getLogger("loopbot")


def create_bolt_app(
    settings: Settings, client: WebClient, uow: UnitOfWorkFactory, executor: Executor
) -> App:
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
    def drop_slack_retries_already_handled(body, next):  # noqa: A002 (Bolt's argument name)
        """Slack redelivers an event it thinks we missed; the first delivery wins."""
        event_id = body.get("event_id") if isinstance(body, dict) else None
        if event_id:
            with uow() as work:
                first = work.requests.claim(f"event:{event_id}")
                work.commit()
            if not first:
                return BoltResponse(status=200, body="")
        return next()

    @app.error
    def log_unhandled(error, body, logger, respond):
        logger.exception("unhandled error for %s: %s", _describe(body), error)
        if respond is None:
            return  # events and modal submissions have no response_url
        try:
            respond(
                text="Something went wrong on loopbot's side; it is logged. Please try again, "
                "and tell your loopbot admin if it keeps happening.",
                response_type="ephemeral",
                replace_original=False,
            )
        except OSError:  # Slack unreachable too: the log line above is all we can do
            logger.warning("could not tell the user about the error")

    return app


def _describe(body: dict) -> str:
    if not isinstance(body, dict):
        return "request"
    if "command" in body:
        return f"command {body['command']}"
    kind = body.get("type", "request")
    if kind == "event_callback":
        return f"event {body.get('event', {}).get('type')}"
    return str(kind)
