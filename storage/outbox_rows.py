"""The outbox's rows: queueing, claiming, looking up what a call named, and upkeep."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Text, cast, func, or_, update
from sqlmodel import Session, col, select

from storage.models import OutboxMessage, SlackMessage
from storage.repositories import _aware

# What a sent call's body becomes once it is no longer needed (see Outbox.shed_payloads).
SHED: dict = {"shed": True}


class Outbox:
    def __init__(self, session: Session):
        self.session = session

    def add(self, message: OutboxMessage) -> OutboxMessage | None:
        """Queue a call; a message whose key is already queued is not queued twice."""
        existing = self.session.exec(
            select(OutboxMessage).where(OutboxMessage.key == message.key)
        ).first()
        if existing is not None:
            return None
        self.session.add(message)
        self.session.flush()
        return message

    def due(self, now: datetime, limit: int = 50) -> Sequence[OutboxMessage]:
        return self.session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.status == "pending")
            .where(OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.id)
            .limit(limit)
        ).all()

    def claim_next(self, now: datetime, after_id: int = 0) -> OutboxMessage | None:
        """The oldest due row, locked for this transaction. Rows another sender has locked
        are skipped (PostgreSQL's FOR UPDATE SKIP LOCKED; SQLite's BEGIN IMMEDIATE already
        lets one writer in at a time)."""
        return self.session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.status == "pending")
            .where(OutboxMessage.next_attempt_at <= now)
            .where(OutboxMessage.id > after_id)
            .order_by(OutboxMessage.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()

    def stalled(self, started_before: datetime) -> Sequence[OutboxMessage]:
        """Rows whose attempt started before `started_before` and never came back: the
        sender died or lost its lease mid-send."""
        return self.session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.status == "sending")
            .where(col(OutboxMessage.attempt_started_at) < started_before)
            .order_by(OutboxMessage.id)
            .with_for_update(skip_locked=True)
        ).all()

    def wake_waiting_on(self, ref: str, now: datetime) -> None:
        """Rows that wait for the message named `ref` are due now that it exists."""
        self.session.exec(
            update(OutboxMessage)
            .where(OutboxMessage.status == "pending")
            .where(or_(OutboxMessage.thread_ref == ref, OutboxMessage.update_ref == ref))
            .values(next_attempt_at=now)
        )

    def pending_count(self) -> int:
        return self.session.exec(
            select(func.count())
            .select_from(OutboxMessage)
            .where(col(OutboxMessage.status).in_(("pending", "sending")))
        ).one()

    def backlog(self) -> tuple[int, datetime | None, int]:
        """(rows not yet sent, when the oldest of them was queued, dead letters)."""
        pending, oldest = self.session.exec(
            select(func.count(), func.min(OutboxMessage.created_at)).where(
                col(OutboxMessage.status).in_(("pending", "sending"))
            )
        ).one()
        dead = self.session.exec(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "dead")
        ).one()
        return pending, _aware(oldest), dead

    def shed_payloads(self, sent_before: datetime) -> int:
        """Drop the bodies of one-off calls sent before `sent_before` (a chart upload is
        hundreds of KB). The row stays: its key still stops the same call being queued
        again. Calls that name a message (`ref`, `update_ref`) keep theirs, since a later
        edit is compared with what that message shows."""
        return self.session.exec(
            update(OutboxMessage)
            .where(OutboxMessage.status == "sent")
            .where(col(OutboxMessage.sent_at) < sent_before)
            .where(col(OutboxMessage.ref).is_(None))
            .where(col(OutboxMessage.update_ref).is_(None))
            .where(cast(OutboxMessage.payload, Text) != json.dumps(SHED))
            .values(payload=SHED)
        ).rowcount

    def with_status(self, status: str, limit: int = 100) -> list[OutboxMessage]:
        return list(
            self.session.exec(
                select(OutboxMessage)
                .where(OutboxMessage.status == status)
                .order_by(OutboxMessage.id)
                .limit(limit)
            )
        )

    def get(self, message_id: int, *, lock: bool = False) -> OutboxMessage | None:
        return self.session.get(OutboxMessage, message_id, with_for_update=lock or None)

    def latest_for(self, ref: str) -> OutboxMessage | None:
        """The newest call that posts or edits the message named `ref` (dead letters aside)."""
        return self.session.exec(
            select(OutboxMessage)
            .where(or_(OutboxMessage.ref == ref, OutboxMessage.update_ref == ref))
            .where(col(OutboxMessage.status).not_in(("dead", "dismissed")))
            .order_by(col(OutboxMessage.id).desc())
        ).first()

    def post_of(self, ref: str) -> OutboxMessage | None:
        """The call that first posted the message named `ref`."""
        return self.session.exec(
            select(OutboxMessage).where(OutboxMessage.ref == ref).order_by(OutboxMessage.id)
        ).first()

    def has_ref(self, ref: str) -> bool:
        """Whether a message with this name was ever queued (sent or not)."""
        return (
            self.session.exec(select(OutboxMessage.id).where(OutboxMessage.ref == ref)).first()
            is not None
        )

    def message(self, ref: str) -> SlackMessage | None:
        return self.session.get(SlackMessage, ref)

    def remember(self, ref: str, channel: str, ts: str) -> None:
        existing = self.session.get(SlackMessage, ref)
        if existing is None:
            self.session.add(SlackMessage(ref=ref, channel=channel, ts=ts))
        else:
            existing.channel, existing.ts = channel, ts
            self.session.add(existing)
