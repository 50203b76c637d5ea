"""Queuing calls: services `enqueue` (or `publish` a named Slack message) inside their
transaction; the sender delivers them after it commits."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from storage.models import OutboxMessage
from storage.uow import UnitOfWork

DUE_AT_ONCE = datetime(2000, 1, 1, tzinfo=UTC)


def enqueue(
    uow: UnitOfWork,
    key: str,
    method: str,
    *,
    ref: str | None = None,
    thread_ref: str | None = None,
    update_ref: str | None = None,
    loop_id: int | None = None,
    **payload: Any,
) -> None:
    """Queue one call. `key` makes it idempotent: queuing the same key twice (a double
    click, a Slack retry) sends once. `ref` names the message this call creates;
    `thread_ref` posts under a named message, `update_ref` edits one in place. `loop_id`
    says which loop it is about: if it can never be delivered, that loop's recruiter hears."""
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
            loop_id=loop_id,
        )
    )


CONTENT = ("text", "blocks")


def publish(
    uow: UnitOfWork,
    ref: str,
    *,
    channel: str | None = None,
    thread_ref: str | None = None,
    loop_id: int | None = None,
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
            loop_id=loop_id,
            **where,
            **content,
        )
        return
    if {k: latest.payload.get(k) for k in CONTENT} == {k: content.get(k) for k in CONTENT}:
        return
    if latest.status in ("pending", "sending") and latest.update_ref == ref:
        # Re-sending an edit is harmless, so an unsent one can carry the newest content
        # (the sender re-sends it if this lands while it is in flight).
        latest.payload = {**latest.payload, **content}
        uow.session.add(latest)
        return
    enqueue(
        uow,
        f"{ref}:edit:{uuid.uuid4().hex}",
        "chat.update",
        update_ref=ref,
        loop_id=loop_id,
        **content,
    )
