"""The outbox sender: delivers queued rows through their transports, never giving up on a
retryable failure and never sending twice what may already have landed.

One row at a time:
1. claim it (one transaction): the oldest due `pending` row, locked with FOR UPDATE SKIP
   LOCKED, is prepared by its transport and marked `sending` with the attempt's start time;
2. call the transport, outside any transaction;
3. record the outcome (one transaction), only if the row is still ours: `sent` with the
   transport's result; `pending` again after a capped exponential backoff with jitter
   (Retry-After honoured) for anything retryable, forever; `dead` (a dead letter, shown once
   to the loop's recruiter) when the other side refuses it for good.

A row left `sending` longer than its transport's `in_doubt_after` (its sender died mid-call)
goes back to `pending` marked in doubt, like a timed-out attempt: before it is sent again, the
transport's `find_sent` looks for the earlier attempt and records it if it landed.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock, SystemClock
from bot.outbox.queue import enqueue
from bot.outbox.transport import (
    DeliveryError,
    GiveUp,
    MaybeSent,
    OutboxCall,
    Transport,
    Transports,
)
from storage.models import OutboxMessage
from storage.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

BACKOFF_BASE = 1.0
DEFAULT_BACKOFF_CAP = 300.0
# A row waiting for the message it refers to is looked at again this soon (and at once
# when that message is sent).
WAIT_RETRY = timedelta(seconds=30)


class OutboxSender:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        transports: Transports,
        *,
        clock: Clock | None = None,
        poll_seconds: float = 1.0,
        backoff_cap: float = DEFAULT_BACKOFF_CAP,
        metrics=None,
        holder: str | None = None,
    ):
        self.uow = uow
        self.transports = transports
        self.clock = clock or SystemClock()
        self.poll_seconds = poll_seconds
        self.backoff_cap = backoff_cap
        self.metrics = metrics
        # Who claimed a row: a sender only records outcomes for rows it still holds.
        self.holder = holder or uuid.uuid4().hex[:16]
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._thread: threading.Thread | None = None

    def register(self, prefix: str, transport: Transport) -> None:
        """Deliver rows whose method starts with `prefix` through `transport`."""
        self.transports.register(prefix, transport)

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="loopbot-outbox", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wake(self) -> None:
        self._idle.clear()
        self._wake.set()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until the queue holds nothing due (the demo and tests use this)."""
        if not self.running:
            return True
        self.wake()
        return self._idle.wait(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                made = self.drain_once()
            except Exception:  # the sender thread must outlive a bad row or a DB hiccup
                log.exception("outbox drain failed; retrying")
                made = 0
                self._stop.wait(self.poll_seconds)
            if made == 0 and not self._wake.is_set():
                self._idle.set()
                self._wake.wait(self.poll_seconds)

    # -- work ------------------------------------------------------------------------------
    def drain_once(self) -> int:
        """Deliver every due row, oldest first; returns how many attempts were made."""
        self.release_stalled()
        made = 0
        while not self._stop.is_set():
            claimed = self._claim()
            if claimed is None:
                return made
            if claimed is False:
                continue  # it waits for another row; look at the next one
            made += 1
            self._deliver(*claimed)
        return made

    def release_stalled(self) -> int:
        """Rows whose sender died mid-call go back to the queue, in doubt."""
        now = self.clock.now()
        released = 0
        shortest = min((t.in_doubt_after for t in self.transports.all()), default=60.0)
        with self.uow() as uow:
            for message in uow.outbox.stalled(now - timedelta(seconds=shortest)):
                transport = self.transports.for_method(message.method)
                after = transport.in_doubt_after if transport else shortest
                if message.attempt_started_at > now - timedelta(seconds=after):
                    continue
                log.warning("outbox %s: its sender stopped mid-call; in doubt", message.key)
                message.status = "pending"
                message.in_doubt_since = message.in_doubt_since or message.attempt_started_at
                message.next_attempt_at = now
                message.claimed_by = None
                uow.session.add(message)
                released += 1
            if released:  # a commit wakes the sender: only when there is something to send
                uow.commit()
        return released

    def _claim(self) -> tuple[OutboxCall, Transport, datetime] | bool | None:
        """None: nothing is due. False: the row looked at must wait. Else what to send."""
        now = self.clock.now()
        with self.uow() as uow:
            message = uow.outbox.claim_next(now)
            if message is None:
                return None
            transport = self.transports.for_method(message.method)
            args = None if transport is None else transport.prepare(uow, message)
            if args is None:
                why = (
                    f"no transport for {message.method}"
                    if transport is None
                    else "waiting for the message it refers to"
                )
                message.next_attempt_at = now + min(WAIT_RETRY, timedelta(seconds=self.backoff_cap))
                message.last_error = why
                uow.session.add(message)
                uow.commit()
                return False
            message.status = "sending"
            message.attempt_started_at = now
            message.claimed_by = self.holder
            message.attempts += 1
            uow.session.add(message)
            call = OutboxCall(
                id=message.id,
                key=message.key,
                method=message.method,
                args=args,
                loop_id=message.loop_id,
                created_at=message.created_at,
                in_doubt_since=message.in_doubt_since,
            )
            uow.commit()
        return call, transport, now

    def _deliver(self, call: OutboxCall, transport: Transport, started: datetime) -> None:
        began = time.monotonic()
        outcome = "sent"
        try:
            result = None
            if call.in_doubt_since is not None and transport.find_sent is not None:
                try:
                    result = transport.find_sent(call)
                except GiveUp as refused:
                    # The lookup itself was refused (no history scope, say): sending again
                    # is the only way left to be sure it arrives.
                    log.warning(
                        "outbox %s: cannot look for an earlier attempt (%s)",
                        call.key,
                        refused.reason,
                    )
            if result is None:
                result = transport.send(call) or {}
            self._record_sent(call, transport, started, result)
        except DeliveryError as error:
            outcome = type(error).__name__
            self._record_failure(call, started, error)
        except Exception as error:  # a bug in a transport: keep the row, look before resending
            outcome = "error"
            log.exception("outbox %s: %s failed unexpectedly", call.key, transport.name)
            self._record_failure(call, started, MaybeSent(f"{type(error).__name__}: {error}"))
        if self.metrics is not None:
            self.metrics.observe_send(transport.name, outcome, time.monotonic() - began)

    def _still_ours(self, uow: UnitOfWork, call: OutboxCall, started: datetime):
        message = uow.outbox.get(call.id, lock=True)
        if (
            message is None
            or message.status != "sending"
            or message.claimed_by != self.holder
            or message.attempt_started_at != started
        ):
            log.warning("outbox %s was taken over while in flight; leaving it", call.key)
            return None
        return message

    def _record_sent(
        self, call: OutboxCall, transport: Transport, started: datetime, result: dict[str, Any]
    ) -> None:
        with self.uow() as uow:
            message = self._still_ours(uow, call, started)
            if message is None:
                return
            now = self.clock.now()
            transport.after_sent(uow, message, result)
            if message.ref:
                uow.outbox.wake_waiting_on(message.ref, now)
            if message.update_ref and call.args.get("ts") and _changed_since(message, call):
                # Newer content arrived while this edit was on the wire: send it again.
                message.status = "pending"
                message.next_attempt_at = now
            else:
                message.status = "sent"
                message.sent_at = now
            message.result = result
            message.in_doubt_since = None
            message.claimed_by = None
            message.last_error = ""
            uow.session.add(message)
            uow.commit()

    def _record_failure(self, call: OutboxCall, started: datetime, error: DeliveryError) -> None:
        with self.uow() as uow:
            message = self._still_ours(uow, call, started)
            if message is None:
                return
            message.claimed_by = None
            message.last_error = error.reason[:2000]
            if isinstance(error, GiveUp):
                self._dead_letter(uow, message, error.reason)
            else:
                if isinstance(error, MaybeSent):
                    message.in_doubt_since = message.in_doubt_since or started
                retry_after = getattr(error, "retry_after", None)
                message.status = "pending"
                message.next_attempt_at = self.clock.now() + self.backoff(
                    message.attempts, retry_after
                )
                log.warning("outbox %s: %s; retrying", message.key, error.reason)
            uow.session.add(message)
            uow.commit()

    def backoff(self, attempts: int, retry_after: float | None = None) -> timedelta:
        """Capped exponential backoff with jitter (half to all of the step), never shorter
        than the other side's Retry-After."""
        step = min(self.backoff_cap, BACKOFF_BASE * 2 ** min(max(attempts - 1, 0), 30))
        delay = random.uniform(step / 2, step)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return timedelta(seconds=delay)

    def _dead_letter(self, uow: UnitOfWork, message: OutboxMessage, reason: str) -> None:
        message.status = "dead"
        message.dead_at = self.clock.now()
        uow.audit.record(
            "loopbot",
            "outbox_dead_letter",
            message.loop_id,
            key=message.key,
            method=message.method,
            error=reason[:500],
        )
        log.error("outbox %s is a dead letter: %s", message.key, reason)
        notice = dead_letter_notice(uow, message, reason)
        if notice is not None:
            recruiter, text = notice
            enqueue(
                uow,
                f"outbox:{message.id}:dead-letter",
                "chat.postMessage",
                channel=recruiter,
                text=text,
            )


def _changed_since(message: OutboxMessage, call: OutboxCall) -> bool:
    sent = {k: v for k, v in call.args.items() if k in message.payload}
    return sent != message.payload


def dead_letter_notice(
    uow: UnitOfWork, message: OutboxMessage, reason: str
) -> tuple[str, str] | None:
    """Who hears about a dead letter, and what they read: the loop's recruiter, once (the
    notice's key is the row's). None when it concerns no loop, or is itself a notice."""
    if message.loop_id is None or message.key.endswith(":dead-letter"):
        return None
    loop = uow.loops.get(message.loop_id)
    if loop is None:
        return None
    recruiter = uow.interviewers.get(loop.recruiter_id)
    candidate = uow.loops.candidate(loop.candidate_id)
    if recruiter is None:
        return None
    who = candidate.name if candidate is not None else f"loop {loop.id}"
    text = (
        f":warning: A message about *{who}*'s loop could not be delivered ({reason}). "
        f"Nothing else is affected; your loopbot admin can see it with `loopbot outbox list` "
        f"and send it again with `loopbot outbox retry {message.id}` once the cause is fixed."
    )
    return recruiter.slack_user_id, text
