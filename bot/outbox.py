"""The outbox: Slack calls are queued in the action's transaction and sent after.

A service never calls Slack directly; it `enqueue`s. `OutboxSender` drains the
queue on its own thread through slack_sdk (which already retries 429s with
Retry-After, 5xx and connection errors a few times); what still fails is
retried with exponential backoff, so nothing is lost if Slack or the process
dies in between. A call whose error cannot get better by retrying
(`channel_not_found`, `invalid_blocks`…) is marked failed and audited.
"""

from __future__ import annotations

import logging
import threading
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.clock import Clock, SystemClock
from storage.models import OutboxMessage
from storage.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

# Errors worth retrying; any other `ok: false` error is permanent.
TRANSIENT_ERRORS = {
    "ratelimited",
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
}
MAX_ATTEMPTS = 8
DUE_AT_ONCE = datetime(2000, 1, 1, tzinfo=UTC)
MAX_BACKOFF = timedelta(minutes=5)


def enqueue(
    uow: UnitOfWork,
    key: str,
    method: str,
    *,
    ref: str | None = None,
    thread_ref: str | None = None,
    update_ref: str | None = None,
    **payload: Any,
) -> None:
    """Queue one Web API call. `key` makes it idempotent: queuing the same key
    twice (a double click, a Slack retry) sends once. `ref` names the message
    this call creates; `thread_ref` posts under a named message, `update_ref`
    edits one in place."""
    uow.outbox.add(
        OutboxMessage(
            # Due at once, whatever clock the sender reads.
            next_attempt_at=DUE_AT_ONCE,
            key=key,
            method=method,
            payload=payload,
            ref=ref,
            thread_ref=thread_ref,
            update_ref=update_ref,
        )
    )


CONTENT = ("text", "blocks")


def publish(
    uow: UnitOfWork,
    ref: str,
    *,
    channel: str | None = None,
    thread_ref: str | None = None,
    **content: Any,
) -> None:
    """Show `content` as the message named `ref`: post it (to `channel`, or under
    `thread_ref`) the first time, edit it in place afterwards.

    Edits are coalesced: an edit not yet sent takes the newest content instead of
    queuing another call, and content identical to what the message already shows
    queues nothing. Callers just say what the message should show now."""
    latest = uow.outbox.latest_for(ref)
    if latest is None:
        where = {"channel": channel} if channel else {}
        enqueue(
            uow,
            f"{ref}:post",
            "chat.postMessage",
            ref=ref,
            thread_ref=thread_ref,
            **where,
            **content,
        )
        return
    if {k: latest.payload.get(k) for k in CONTENT} == {k: content.get(k) for k in CONTENT}:
        return
    if latest.status == "pending" and latest.update_ref == ref:
        # Re-sending an edit is harmless, so an unsent one can carry the newest content
        # (the sender re-sends it if this lands while it is in flight).
        latest.payload = {**latest.payload, **content}
        uow.session.add(latest)
        return
    enqueue(uow, f"{ref}:edit:{uuid.uuid4().hex}", "chat.update", update_ref=ref, **content)


def _dm_file(client: WebClient, user: str, **upload: Any) -> Any:
    """Attach a file in a person's DM with the bot: files need a channel id, not a user id."""
    channel = client.conversations_open(users=user)["channel"]["id"]
    return client.files_upload_v2(channel=channel, **upload)


# Calls that take more than one Web API request; still one outbox row, retried as a whole.
COMPOSITE_METHODS = {"loopbot.dm_file": _dm_file}


class OutboxSender:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        client: WebClient,
        *,
        clock: Clock | None = None,
        poll_seconds: float = 1.0,
    ):
        self.uow = uow
        self.client = client
        self.clock = clock or SystemClock()
        self.poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="loopbot-outbox", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def wake(self) -> None:
        self._idle.clear()
        self._wake.set()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until the queue holds nothing due (the demo and tests use this)."""
        self.wake()
        return self._idle.wait(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                sent = self.drain_once()
            except Exception:  # the sender thread must outlive a bad row or a DB hiccup
                log.exception("outbox drain failed; retrying")
                sent = 0
            if sent == 0 and not self._wake.is_set():
                self._idle.set()
                self._wake.wait(self.poll_seconds)

    # -- work ------------------------------------------------------------------------
    def drain_once(self) -> int:
        """Send every due message in queue order; returns how many calls were made."""
        with self.uow() as uow:
            due = [m.id for m in uow.outbox.due(self.clock.now())]
        return sum(self._send(message_id) for message_id in due)

    def _send(self, message_id: int) -> int:
        with self.uow() as uow:
            message = uow.outbox.get(message_id)
            if message is None or message.status != "pending":
                return 0
            args = self._resolve(uow, message)
            if args is None:
                if self._parent_failed(uow, message):
                    message.status = "failed"
                    message.last_error = "the message it refers to could not be sent"
                    uow.session.add(message)
                else:
                    self._retry(uow, message, "waiting for the message it refers to")
                uow.commit()
                return 0
            method, ref, sent_payload = message.method, message.ref, dict(message.payload)
        try:
            response = self._call(method, args)
        except SlackApiError as error:
            code = str(error.response.get("error", "")) if error.response else ""
            status = getattr(error.response, "status_code", 0)
            permanent = code not in TRANSIENT_ERRORS and status < 500 and status != 429
            self._record_failure(message_id, f"{method}: {code or status}", permanent)
            return 1
        except OSError as error:  # connection refused, timeouts, DNS
            self._record_failure(message_id, f"{method}: {error}", permanent=False)
            return 1
        with self.uow() as uow:
            message = uow.outbox.get(message_id)
            assert message is not None
            if method == "chat.update" and message.payload != sent_payload:
                return 1  # newer content arrived while this was in flight: send it again
            message.status = "sent"
            message.attempts += 1
            message.sent_at = self.clock.now()
            uow.session.add(message)
            if ref and response.get("ts"):
                uow.outbox.remember(
                    ref, response.get("channel") or args.get("channel"), response["ts"]
                )
            uow.commit()
        return 1

    def _resolve(self, uow: UnitOfWork, message: OutboxMessage) -> dict | None:
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
        return args

    @staticmethod
    def _parent_failed(uow: UnitOfWork, message: OutboxMessage) -> bool:
        ref = message.thread_ref or message.update_ref
        return ref is not None and uow.outbox.ref_failed(ref)

    def _call(self, method: str, args: dict) -> Any:
        composite = COMPOSITE_METHODS.get(method)
        if composite is not None:
            return composite(self.client, **args)
        # The SDK's own method (chat_postMessage, files_upload_v2…) encodes each call
        # the way Slack expects it; api_call covers anything without one.
        function = getattr(self.client, method.replace(".", "_"), None)
        if function is not None:
            return function(**args)
        return self.client.api_call(method, json=args)

    def _record_failure(self, message_id: int, error: str, permanent: bool) -> None:
        with self.uow() as uow:
            message = uow.outbox.get(message_id)
            assert message is not None
            if permanent or message.attempts + 1 >= MAX_ATTEMPTS:
                message.attempts += 1
                message.status = "failed"
                message.last_error = error[:2000]
                uow.session.add(message)
                uow.audit.record("loopbot", "slack_call_failed", key=message.key, error=error)
                log.error(
                    "giving up on %s after %d attempts: %s", message.key, message.attempts, error
                )
            else:
                self._retry(uow, message, error)
                log.warning("will retry %s: %s", message.key, error)
            uow.commit()

    def _retry(self, uow: UnitOfWork, message: OutboxMessage, error: str) -> None:
        message.attempts += 1
        delay = min(timedelta(seconds=2 ** min(message.attempts, 16)), MAX_BACKOFF)
        message.next_attempt_at = self.clock.now() + delay
        message.last_error = error[:2000]
        uow.session.add(message)
