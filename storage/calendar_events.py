"""Reads about loopbot's own events on people's calendars: the times it booked or held (so
that their events are not taken for other meetings) and the booked events the calendar sync
watches."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import Hold, Interview, OutboxMessage

Span = tuple[int, datetime, datetime]


class CalendarEvents:
    def __init__(self, session: Session):
        self.session = session

    def own_spans(self, people: Collection[int], start: datetime, end: datetime) -> set[Span]:
        """(person, start, end) of every interview and hold loopbot made for these people in
        the window, whatever became of it: an event of exactly that span on their calendar
        is loopbot's own (or about to be withdrawn), not another meeting."""
        spans: set[Span] = set()
        for model in (Interview, Hold):
            rows = self.session.exec(
                select(model.interviewer_id, model.start_at, model.end_at)
                .where(col(model.interviewer_id).in_(list(people)))
                .where(model.start_at < end)
                .where(model.end_at > start)
            )
            spans.update((pid, s, e) for pid, s, e in rows.all())
        return spans

    def watched(self, now: datetime) -> list[Interview]:
        """Booked interviews still ahead whose event the outbox has written: the ones whose
        calendar answers (declines, moves, deletions) the sync reads."""
        return list(
            self.session.exec(
                select(Interview)
                .where(Interview.status == "confirmed")
                .where(Interview.start_at > now)
                .where(col(Interview.event_id).is_not(None))
                .order_by(Interview.id)
            )
        )

    def interview_by_key(self, key: str) -> Interview | None:
        return self.session.exec(select(Interview).where(Interview.event_key == key)).first()

    def drop_unsent(self, outbox_key: str) -> bool:
        """An event write still waiting in the outbox (never tried, or waiting to retry) is
        not wanted any more: it is dismissed, so a late retry cannot outlive its cancel."""
        message = self.session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.key == outbox_key)
            .where(OutboxMessage.status == "pending")
            .with_for_update()
        ).first()
        if message is None:
            return False
        message.status = "dismissed"
        self.session.add(message)
        return True
