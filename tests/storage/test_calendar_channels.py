"""The calendar_channel table through its repository, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from storage.db import make_engine, upgrade
from storage.models import CalendarChannel
from storage.uow import UnitOfWorkFactory

LATER = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.fixture
def engine(database_url) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def channel(channel_id: str, provider: str = "google", **fields) -> CalendarChannel:
    values = dict(
        id=channel_id,
        provider=provider,
        secret=f"secret-{channel_id}",
        address="https://loopbot.example.com/calendar/" + provider,
    )
    return CalendarChannel(**(values | fields))


def test_channels_are_saved_replaced_listed_by_provider_and_removed(engine):
    uow = UnitOfWorkFactory(engine)
    with uow() as work:
        work.calendar_channels.save(channel("a", opened_at=LATER - timedelta(days=1)))
        work.calendar_channels.save(channel("b", opened_at=LATER))
        work.calendar_channels.save(channel("s1", "microsoft", resource="/users/h/events"))
        work.commit()
    with uow() as work:
        # Saved again with Google's answer: the same row, now complete.
        work.calendar_channels.save(
            channel("a", resource="res-1", expires=LATER, opened_at=LATER - timedelta(days=1))
        )
        work.commit()
    with uow() as work:
        google = work.calendar_channels.of("google")
        assert [c.id for c in google] == ["b", "a"]  # the latest opened first
        assert (google[1].resource, google[1].expires) == ("res-1", LATER)
        assert [c.resource for c in work.calendar_channels.of("microsoft")] == ["/users/h/events"]
        work.calendar_channels.remove("b")
        work.commit()
    with uow() as work:
        assert [c.id for c in work.calendar_channels.of("google")] == ["a"]
        assert work.calendar_channels.get("b") is None
