"""The push channels calendar providers keep open for loopbot (see `CalendarChannel`)."""

from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storage.models import CalendarChannel


class CalendarChannels:
    def __init__(self, session: Session):
        self.session = session

    def of(self, provider: str) -> list[CalendarChannel]:
        """The provider's channels, the latest opened first."""
        query = (
            select(CalendarChannel)
            .where(CalendarChannel.provider == provider)
            .order_by(col(CalendarChannel.opened_at).desc(), col(CalendarChannel.id))
        )
        return list(self.session.exec(query))

    def get(self, channel_id: str) -> CalendarChannel | None:
        return self.session.get(CalendarChannel, channel_id)

    def save(self, channel: CalendarChannel) -> None:
        """Insert or replace the channel with that id."""
        self.session.merge(channel)
        self.session.flush()

    def remove(self, channel_id: str) -> None:
        self.session.exec(delete(CalendarChannel).where(col(CalendarChannel.id) == channel_id))
